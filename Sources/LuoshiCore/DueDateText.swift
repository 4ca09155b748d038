import Foundation

/// A 完成时限 as offices write it in a 分解表, read as the last day it allows: 2015-06-30, 2015/6/30,
/// 2015年6月30日, 2015年6月底, 6月30日前, 6月底, 年底, 年内, 三季度末, 上半年. A year left out is the plan's.
/// Words that set no day (长期, 持续推进, 常态化) read as no date; anything else is not a date.
public enum DueDateText {
    public enum Reading: Equatable, Sendable {
        case day(CivilDay)
        /// Ongoing work with no end: 长期, 持续推进.
        case noDate
    }

    static let ongoing = ["长期", "持续", "常态", "长效", "逐年", "每年", "每月", "每季", "按需"]
    static let chineseDigits: [Character: Int] = ["一": 1, "二": 2, "三": 3, "四": 4, "两": 2]

    public static func read(_ raw: String, planYear: Int) -> Reading? {
        var text = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        for w in ["完成", "之前", "以前", "前", "止", "为止", "底前"] where text.hasSuffix(w) && text.count > w.count {
            text = String(text.dropLast(w.count)) + (w == "底前" ? "底" : "")
        }
        text = text.replacingOccurrences(of: " ", with: "").replacingOccurrences(of: "份", with: "")
        guard !text.isEmpty else { return nil }
        if ongoing.contains(where: { text.hasPrefix($0) }) { return .noDate }
        // The year, when stated: 2015年…, 2015-…, 2015/…, 2015.….
        var year = planYear
        var rest = Substring(text)
        if let match = rest.prefixMatch(of: #/(\d{4})[年\-/.]/#) {
            year = Int(match.output.1)!
            rest = rest[match.range.upperBound...]
        } else if let match = rest.wholeMatch(of: #/(\d{4})年?/#) {
            return .day(CivilDay(year: Int(match.output.1)!, month: 12, day: 31))
        }
        guard (1949...2200).contains(year) else { return nil }
        func end(_ month: Int) -> CivilDay {
            let next =
                month == 12
                ? CivilDay(year: year + 1, month: 1, day: 1) : CivilDay(year: year, month: month + 1, day: 1)
            return CivilDay(ordinal: next.ordinal - 1)
        }
        let r = String(rest)
        if r.isEmpty || ["年底", "底", "年末", "末", "年内", "全年", "年"].contains(r) {
            return .day(CivilDay(year: year, month: 12, day: 31))
        }
        if r == "上半年" || r == "年中" { return .day(CivilDay(year: year, month: 6, day: 30)) }
        if r == "下半年" { return .day(CivilDay(year: year, month: 12, day: 31)) }
        // 三季度末, 第三季度, 3季度, Q3.
        if let m = r.wholeMatch(of: #/第?([一二三四1-4])季度?(末|底)?/#) {
            let q = chineseDigits[Character(String(m.output.1))] ?? Int(m.output.1) ?? 0
            return q >= 1 && q <= 4 ? .day(end(q * 3)) : nil
        }
        // 6月30日, 6-30, 6/30, 6.30.
        if let m = r.wholeMatch(of: #/(\d{1,2})[月\-/.](\d{1,2})日?/#) {
            let month = Int(m.output.1)!
            let day = Int(m.output.2)!
            guard (1...12).contains(month), day >= 1, day <= end(month).day else { return nil }
            return .day(CivilDay(year: year, month: month, day: day))
        }
        // 2015-6: a month alone.
        if let m = r.wholeMatch(of: #/(\d{1,2})/#), let month = Int(m.output.1), (1...12).contains(month) {
            return .day(end(month))
        }
        // 6月, 6月底, 6月末, 6月中旬 (its last day), 6月上旬.
        if let m = r.wholeMatch(of: #/(\d{1,2})月(底|末|份|上旬|中旬|下旬)?/#) {
            let month = Int(m.output.1)!
            guard (1...12).contains(month) else { return nil }
            switch m.output.2 {
            case "上旬": return .day(CivilDay(year: year, month: month, day: 10))
            case "中旬": return .day(CivilDay(year: year, month: month, day: 20))
            default: return .day(end(month))
            }
        }
        return nil
    }
}
