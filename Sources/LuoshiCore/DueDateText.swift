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
        // Scanned by hand, not by regular expressions: a sheet of 10,000 rows reads its dates in milliseconds.
        // Full-width digits and marks (２０１５／６／３０), as Chinese input methods type them, are read as ASCII.
        let c: [Character] = text.map { ch in
            guard let s = ch.unicodeScalars.first, ch.unicodeScalars.count == 1 else { return ch }
            if (0xFF10...0xFF19).contains(s.value) || [0xFF0F, 0xFF0D, 0xFF0E].contains(s.value) {
                return Character(Unicode.Scalar(s.value - 0xFEE0)!)
            }
            return ch
        }
        /// The number of one to `most` digits at `i`, and where it ends.
        func number(_ i: Int, most: Int) -> (Int, Int)? {
            var j = i
            var v = 0
            while j < c.count, j - i < most, let d = c[j].wholeNumberValue, c[j].isASCII {
                v = v * 10 + d
                j += 1
            }
            return j > i ? (v, j) : nil
        }
        // An Excel serial number (42185 is 2015-06-30): a date cell whose format was lost on the way.
        if c.count == 5, let (serial, end) = number(0, most: 5), end == 5, (25_569...73_050).contains(serial) {
            return .day(CivilDay(ordinal: serial - 25_569))
        }
        // The year, when stated: 2015年…, 2015-…, 2015/…, 2015.…; 2015 or 2015年 alone is its last day.
        var year = planYear
        var i = 0
        if let (y, j) = number(0, most: 4), j == 4 {
            if j == c.count || (j + 1 == c.count && c[j] == "年") {
                return (1949...2200).contains(y) ? .day(CivilDay(year: y, month: 12, day: 31)) : nil
            }
            guard "年-/.".contains(c[j]) else { return nil }
            year = y
            i = j + 1
        }
        guard (1949...2200).contains(year) else { return nil }
        func end(_ month: Int) -> CivilDay {
            let next =
                month == 12
                ? CivilDay(year: year + 1, month: 1, day: 1) : CivilDay(year: year, month: month + 1, day: 1)
            return CivilDay(ordinal: next.ordinal - 1)
        }
        let r = String(c[i...])
        if r.isEmpty || ["年底", "底", "年末", "末", "年内", "全年", "年"].contains(r) {
            return .day(CivilDay(year: year, month: 12, day: 31))
        }
        if r == "上半年" || r == "年中" { return .day(CivilDay(year: year, month: 6, day: 30)) }
        if r == "下半年" { return .day(CivilDay(year: year, month: 12, day: 31)) }
        // 三季度末, 第三季度, 3季度.
        var q = i
        if q < c.count, c[q] == "第" { q += 1 }
        if q + 1 < c.count, c[q + 1] == "季", let n = chineseDigits[c[q]] ?? c[q].wholeNumberValue, (1...4).contains(n) {
            var k = q + 2
            if k < c.count, c[k] == "度" { k += 1 }
            if k < c.count, c[k] == "末" || c[k] == "底" { k += 1 }
            return k == c.count ? .day(end(n * 3)) : nil
        }
        guard let (month, j) = number(i, most: 2), (1...12).contains(month) else { return nil }
        // 2015-6: a month alone.
        if j == c.count { return .day(end(month)) }
        // 6月30日, 6-30, 6/30, 6.30.
        if "月-/.".contains(c[j]), let (day, k) = number(j + 1, most: 2) {
            guard k == c.count || (k + 1 == c.count && c[k] == "日") else { return nil }
            guard day >= 1, day <= end(month).day else { return nil }
            return .day(CivilDay(year: year, month: month, day: day))
        }
        // 6月, 6月底, 6月末, 6月中旬 (its last day), 6月上旬.
        guard c[j] == "月" else { return nil }
        switch String(c[(j + 1)...]) {
        case "上旬": return .day(CivilDay(year: year, month: month, day: 10))
        case "中旬": return .day(CivilDay(year: year, month: month, day: 20))
        case "", "底", "末", "份", "下旬": return .day(end(month))
        default: return nil
        }
    }
}
