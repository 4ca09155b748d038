/// The numbering that opens a heading or an item: 一、 （一） 1. （1） ① 第一部分.
///
/// Chinese official documents rank them 第一部分 > 一、 > （一） > 1. > （1） > ① (GB/T 9704 and common
/// practice); a document may skip ranks, so the reader nests by what actually appears (see `Structure`).
struct Numbering: Equatable {
    enum Style: Int, Comparable {
        /// `counted` is 一是, 二是 opening a paragraph: the lowest rank, read by `Structure` only.
        case part = 0, chinese, parenChinese, arabic, parenArabic, circled, counted
        static func < (a: Style, b: Style) -> Bool { a.rawValue < b.rawValue }
    }
    var style: Style
    /// Where the number stands, without its punctuation ("一", "3"); read with `number(in:)`.
    var numberRange: Range<Int>
    /// Scalars the numbering takes, punctuation and a following space included.
    var length: Int

    static let circled: Set<Unicode.Scalar> = [
        "①", "②", "③", "④", "⑤", "⑥", "⑦", "⑧", "⑨", "⑩", "⑪", "⑫", "⑬", "⑭", "⑮", "⑯", "⑰", "⑱", "⑲", "⑳",
    ]
    static let cnNumerals: Set<Unicode.Scalar> = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "百", "零", "〇"]

    /// The numbering at `i`, when one stands there and text follows it.
    /// The number as written.
    func number(in c: [Unicode.Scalar]) -> String { c.string(numberRange) }

    static func at(_ c: [Unicode.Scalar], _ i: Int, end: Int) -> Numbering? {
        guard i < end else { return nil }
        var j = i
        let first = c[i]
        if Numbering.circled.contains(first) {
            return finish(c, .circled, i..<(i + 1), i, i + 1, end)
        }
        if first == "第" {
            j = i + 1
            while j < end && cnNumerals.contains(c[j]) && j - i <= 4 { j += 1 }
            guard j > i + 1, j < end else { return nil }
            for word in ["部分", "章", "篇"] {
                let w = Array(word.unicodeScalars)
                if c.has(w, at: j) {
                    // 第一部分 keeps its words in the title? No: the title is what follows.
                    return finish(c, .part, (i + 1)..<j, i, j + w.count, end, allowNoPunct: true)
                }
            }
            return nil
        }
        if first == "（" || first == "(" {
            j = i + 1
            var sawDigit = false
            var sawCN = false
            while j < end && j - i <= 4 {
                if Scalars.isDigit(c[j]) {
                    sawDigit = true
                } else if cnNumerals.contains(c[j]) {
                    sawCN = true
                } else {
                    break
                }
                j += 1
            }
            guard j < end, c[j] == "）" || c[j] == ")", sawDigit != sawCN else { return nil }
            return finish(c, sawCN ? .parenChinese : .parenArabic, (i + 1)..<j, i, j + 1, end, allowNoPunct: true)
        }
        if cnNumerals.contains(first) {
            j = i
            while j < end && cnNumerals.contains(c[j]) && j - i < 4 { j += 1 }
            guard j < end, c[j] == "、" || c[j] == "．" || (c[j] == "." && j + 1 < end && !Scalars.isDigit(c[j + 1]))
            else { return nil }
            return finish(c, .chinese, i..<j, i, j + 1, end)
        }
        // 01丨产业发展, 02 | 城市建设: the numbered sections of an article pasted from a social-media account.
        if Scalars.isDigit(first), i + 2 < end, Scalars.isDigit(c[i + 1]) {
            var k = i + 2
            while k < end && Scalars.isSpace(c[k]) { k += 1 }
            // The ASCII bar only after a leading zero: "10|…" is a Markdown table's row number.
            if k < end, c[k] == "丨" || c[k] == "｜" || (c[k] == "|" && first == "0") {
                return finish(c, .arabic, i..<(i + 2), i, k + 1, end, allowNoPunct: true)
            }
        }
        if Scalars.isDigit(first) {
            j = i
            while j < end && Scalars.isDigit(c[j]) && j - i < 3 { j += 1 }
            guard j < end, c[j] == "、" || c[j] == "." || c[j] == "．" else { return nil }
            // 8.8万 is a decimal, 2015.1 a date: numbering is followed by text, not a digit.
            guard j + 1 < end, !Scalars.isDigit(c[j + 1]), c[j + 1] != "%" else { return nil }
            var value = 0
            for k in i..<j { value = value * 10 + (Scalars.digitValue(c[k]) ?? 0) }
            guard value > 0, value < 100 else { return nil }
            return finish(c, .arabic, i..<j, i, j + 1, end)
        }
        return nil
    }

    private static func finish(
        _ c: [Unicode.Scalar], _ style: Style, _ number: Range<Int>, _ start: Int, _ after: Int, _ end: Int,
        allowNoPunct: Bool = false
    ) -> Numbering? {
        var k = after
        while k < end && Scalars.isSpace(c[k]) { k += 1 }
        // Text must follow: "8." alone at a line end is a broken decimal, not an item.
        guard k < end else { return nil }
        let next = c[k]
        if Scalars.isClosing(next) && next != "”" { return nil }
        return Numbering(style: style, numberRange: number, length: k - start)
    }
}
