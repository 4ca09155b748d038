import Foundation

/// Putting people's words into the app's sentences: a reason typed as "进度滞后。" must not come out as
/// "进度滞后。。", nor a required action typed as "请按期整改" as "请请按期整改".
public enum Wording {
    /// The words without the sentence ending they were typed with (。！；，、.!;, and spaces), so that
    /// the sentence they are put into can end them.
    public static func clause(_ text: String) -> String {
        var s = Substring(text)
        while let last = s.last, endings.contains(last) || last.isWhitespace { s = s.dropLast() }
        while let first = s.first, first.isWhitespace { s = s.dropFirst() }
        return String(s)
    }

    /// A request without its own leading 请, for a sentence that says 请 itself.
    public static func request(_ text: String) -> String {
        let c = clause(text)
        return c.hasPrefix("请") ? String(c.dropFirst()) : c
    }

    static let endings: Set<Character> = ["。", "！", "；", "，", "、", ".", "!", ";", ",", "：", ":"]

    /// A heading's short name, as a list of areas or a leader's 分管 names it: the numbering dropped, up to
    /// the first pause, at most 12 characters (一、加快转型升级，推动经济发展 → 加快转型升级).
    public static func shortName(_ heading: String) -> String {
        var t = Substring(heading.trimmingCharacters(in: .whitespaces))
        let numerals = "一二三四五六七八九十0123456789０１２３４５６７８９"
        // （一） (一) 一、 1. 第一，
        if let first = t.first, "（(".contains(first), let close = t.firstIndex(where: { "）)".contains($0) }),
            t.distance(from: t.startIndex, to: close) <= 4
        {
            t = t[t.index(after: close)...]
        }
        if t.first == "第" { t = t.dropFirst() }
        let lead = t.prefix(while: { numerals.contains($0) })
        if !lead.isEmpty, let next = t.dropFirst(lead.count).first, "、.．，,是".contains(next) {
            t = t.dropFirst(lead.count + 1)
        }
        let cut = t.prefix(while: { !"，。；：,;:！!？?".contains($0) })
        return String(cut.trimmingCharacters(in: .whitespaces).prefix(12))
    }
}
