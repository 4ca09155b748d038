import Foundation

/// The period a progress report speaks for, parsed rather than matched: `2015-05` (a month),
/// `2015-Q2` (a quarter), `2015-H1` (a half year), `2015-W23` (an ISO week that exists in that year).
/// Nothing else passes — no surrounding or trailing white space or line break, no year 0000, no week 99 —
/// so one period has one spelling and a unit cannot have two live reports for it.
public enum ReportPeriod {
    /// Years a plan can be about.
    public static let years = 2000...2099

    /// The period as stored, or nil when the text is not exactly one.
    public static func parse(_ text: String) -> String? {
        let chars = Array(text.unicodeScalars)
        guard chars.count == 7 || chars.count == 8, chars.allSatisfy({ $0.isASCII }), chars[4] == "-" else {
            return nil
        }
        guard let year = number(chars[0..<4]), years.contains(year) else { return nil }
        let rest = chars[5...]
        switch (rest.count, rest.first) {
        case (2, "Q"): return number(rest.dropFirst()).flatMap { (1...4).contains($0) ? text : nil }
        case (2, "H"): return number(rest.dropFirst()).flatMap { (1...2).contains($0) ? text : nil }
        case (2, _): return number(rest).flatMap { (1...12).contains($0) ? text : nil }
        case (3, "W"): return number(rest.dropFirst()).flatMap { (1...isoWeeks(in: year)).contains($0) ? text : nil }
        default: return nil
        }
    }

    /// 52 or 53: an ISO year has 53 weeks when it starts on a Thursday, or is a leap year starting on a
    /// Wednesday.
    public static func isoWeeks(in year: Int) -> Int {
        // Day of the week of 1 January (0 = Sunday), by Gauss's method for the Gregorian calendar.
        func weekday(_ y: Int) -> Int { (1 + 5 * ((y - 1) % 4) + 4 * ((y - 1) % 100) + 6 * ((y - 1) % 400)) % 7 }
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
        let first = weekday(year)
        return first == 4 || (leap && first == 3) ? 53 : 52
    }

    private static func number(_ digits: ArraySlice<Unicode.Scalar>) -> Int? {
        guard !digits.isEmpty, digits.allSatisfy({ ("0"..."9").contains($0) }) else { return nil }
        return digits.reduce(0) { $0 * 10 + Int($1.value - 48) }
    }
}
