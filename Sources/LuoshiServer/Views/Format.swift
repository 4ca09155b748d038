import Foundation
import LuoshiCore
import Vapor

/// The language of a request: `?lang=en`, else the user's preference, else Chinese.
struct Lang: Sendable {
    var english: Bool

    init(_ req: Request) {
        if let q = req.query[String.self, at: "lang"] {
            english = q == "en"
        } else if let pref = req.auth.get(User.self)?.language {
            english = pref == "en"
        } else {
            english = false
        }
    }

    init(english: Bool) { self.english = english }

    func t(_ chinese: String, _ english: String) -> String { self.english ? english : chinese }

    /// A domain value's name for people, never its code.
    func name(_ value: some Named) -> String { t(value.chinese, value.english) }
}

/// Numbers and dates as Chinese officials write them.
enum Format {
    static func number(_ v: Double?) -> String {
        guard let v else { return "—" }
        func plain(_ x: Double) -> String {
            x == x.rounded() && abs(x) < 1e15
                ? String(Int64(x))
                : String(format: "%.2f", x).replacingOccurrences(of: #"\.?0+$"#, with: "", options: .regularExpression)
        }
        if abs(v) >= 1e8 && (v / 1e8 * 100).rounded() == v / 1e8 * 100 { return plain(v / 1e8) + "亿" }
        if abs(v) >= 1e4 && (v / 1e4 * 100).rounded() == v / 1e4 * 100 { return plain(v / 1e4) + "万" }
        return plain(v)
    }

    static func date(_ d: Date?) -> String { date(d, Lang(english: false)) }

    /// A date as the reader's language writes it: 2015年6月30日, or 30 Jun 2015.
    static func date(_ d: Date?, _ lang: Lang) -> String {
        d.map { lang.name(CivilDay($0, calendar: .beijing)) } ?? "—"
    }

    static func isoDate(_ d: Date?) -> String {
        guard let d else { return "" }
        let c = Calendar.beijing.dateComponents([.year, .month, .day], from: d)
        return String(format: "%04d-%02d-%02d", c.year!, c.month!, c.day!)
    }

    static func parseDate(_ s: String?) -> Date? {
        guard let s, !s.isEmpty else { return nil }
        let parts = s.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 3, (1900...2200).contains(parts[0]), (1...12).contains(parts[1]),
            (1...31).contains(parts[2])
        else { return nil }
        var c = DateComponents()
        c.year = parts[0]
        c.month = parts[1]
        c.day = parts[2]
        c.hour = 12
        // 2015-02-30 is no date, though the calendar would roll it over to March.
        guard let date = Calendar.beijing.date(from: c), Calendar.beijing.component(.day, from: date) == parts[2] else {
            return nil
        }
        return date
    }

    /// A figure as a form field shows it: 130, not 130.0; 7.5 as 7.5.
    static func number(plain v: Double) -> String {
        v == v.rounded() && abs(v) < 1e15 ? String(Int64(v)) : String(v)
    }

    /// A comparator in the words of a plan: 不少于, 不超过, 等于, 约, 区间.
    static func comparatorName(_ c: TargetComparator, _ lang: Lang) -> String {
        switch c {
        case .atLeast: return lang.t("不少于 (≥)", "at least (≥)")
        case .atMost: return lang.t("不超过 (≤)", "at most (≤)")
        case .equal: return lang.t("等于 (=)", "exactly (=)")
        case .approximately: return lang.t("约 (~)", "about (~)")
        case .range: return lang.t("区间", "a range")
        }
    }

    static func percent(_ v: Double?) -> String {
        guard let v else { return "—" }
        return "\(Int((v * 100).rounded()))%"
    }

    static func comparator(_ c: TargetComparator?) -> String {
        switch c {
        case .atLeast: return "≥"
        case .atMost: return "≤"
        case .approximately: return "约"
        case .equal, .range, nil: return ""
        }
    }

    static func target(_ item: PlanItem) -> String {
        if item.comparator == .range {
            return "\(number(item.valueMin))–\(number(item.valueMax)) \(item.unit ?? "")"
        }
        return "\(comparator(item.comparator))\(number(item.value)) \(item.unit ?? "")"
    }
}
