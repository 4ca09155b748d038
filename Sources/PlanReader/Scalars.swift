/// Character classes of Chinese official text, on Unicode scalars (the reader's hot loops never
/// touch `Character`: grapheme breaking is 25× slower, see machine-notes.md).
enum Scalars {
    @inline(__always) static func isHan(_ s: Unicode.Scalar) -> Bool {
        let v = s.value
        return (0x4E00...0x9FFF).contains(v) || (0x3400...0x4DBF).contains(v) || (0xF900...0xFAFF).contains(v)
            || (0x20000...0x2FA1F).contains(v)
    }

    /// ASCII and full-width digits (government texts use both: １２０亩).
    @inline(__always) static func digitValue(_ s: Unicode.Scalar) -> Int? {
        let v = s.value
        if v >= 0x30 && v <= 0x39 { return Int(v - 0x30) }
        if v >= 0xFF10 && v <= 0xFF19 { return Int(v - 0xFF10) }
        return nil
    }

    @inline(__always) static func isDigit(_ s: Unicode.Scalar) -> Bool { digitValue(s) != nil }

    @inline(__always) static func isASCIILetter(_ s: Unicode.Scalar) -> Bool {
        let v = s.value
        return (v >= 0x41 && v <= 0x5A) || (v >= 0x61 && v <= 0x7A) || (v >= 0xFF21 && v <= 0xFF3A)
            || (v >= 0xFF41 && v <= 0xFF5A)
    }

    @inline(__always) static func isDecimalPoint(_ s: Unicode.Scalar) -> Bool { s == "." || s == "．" || s == "点" }

    /// Whitespace, including the ideographic space, no-break space, zero-width space and a stray BOM.
    @inline(__always) static func isSpace(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x20, 0x09, 0x0B, 0x0C, 0xA0, 0x3000, 0x200B, 0x200C, 0x200D, 0xFEFF, 0x2002, 0x2003, 0x2009: return true
        default: return false
        }
    }

    @inline(__always) static func isLineBreak(_ s: Unicode.Scalar) -> Bool {
        s == "\n" || s == "\r" || s == "\u{2028}" || s == "\u{2029}" || s == "\u{85}"
    }

    // Punctuation classes as switches: a `Set` would hash every character of the document.

    /// Ends a sentence or a lead-in: what follows starts afresh.
    @inline(__always) static func isTerminal(_ s: Unicode.Scalar) -> Bool {
        switch s {
        case "。", "！", "？", "!", "?", "；", ";", "：", ":", "…": return true
        default: return false
        }
    }
    /// Ends a sentence (a task).
    @inline(__always) static func isSentenceEnd(_ s: Unicode.Scalar) -> Bool {
        switch s {
        case "。", "！", "？", "!", "?", "；", ";": return true
        default: return false
        }
    }
    /// Symbols that decorate or bullet lines in pasted articles (★, ▶, ■, ✅, 👉 and other pictographs).
    @inline(__always) static func isDecoration(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x2605, 0x2606, 0x25A0, 0x25A1, 0x25C6, 0x25C7, 0x25CF, 0x25CB, 0x25B2, 0x25B3, 0x25B6, 0x25BA, 0x25B7,
            0x2022,
            0x25AA, 0x203B, 0x27A4, 0x2714, 0x2713, 0x2705, 0xFE0F:
            return true
        case 0x1F300...0x1FAFF, 0x2700...0x27BF: return true
        default: return false
        }
    }

    /// The boundary between two table cells in the cleaned text.
    @inline(__always) static func isCellBoundary(_ s: Unicode.Scalar) -> Bool { s == "|" || s == "\t" }

    /// Ends a clause (a target's text); a table cell is a clause of its own.
    @inline(__always) static func isClauseEnd(_ s: Unicode.Scalar) -> Bool {
        switch s {
        case "。", "！", "？", "!", "?", "；", ";", "：", ":", "，", ",", "|", "\t": return true
        default: return false
        }
    }
    /// Punctuation that cannot start a line of real text: its line continues the one before.
    @inline(__always) static func isClosing(_ s: Unicode.Scalar) -> Bool {
        switch s {
        case "，", ",", "、", "。", "；", ";", "：", ":", "！", "!", "？", "?", "）", ")", "】", "》", "”", "’", "%", "％",
            "‰", "」", "』", "〕", "]":
            return true
        default: return false
        }
    }
    /// Punctuation that cannot end a line of real text: the next line continues it.
    @inline(__always) static func isOpening(_ s: Unicode.Scalar) -> Bool {
        switch s {
        case "（", "(", "【", "《", "“", "‘", "「", "『", "〔", "[", "—", "-", "，", ",", "、": return true
        default: return false
        }
    }
    @inline(__always) static func isOpenQuote(_ s: Unicode.Scalar) -> Bool {
        switch s {
        case "“", "‘", "「", "『", "\"": return true
        default: return false
        }
    }
    @inline(__always) static func isCloseQuote(_ s: Unicode.Scalar) -> Bool {
        switch s {
        case "”", "’", "」", "』", "\"": return true
        default: return false
        }
    }

    /// Chinese numerals as digits.
    static let chineseDigit: [Unicode.Scalar: Int] = [
        "零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9,
        "壹": 1, "贰": 2, "叁": 3, "肆": 4, "伍": 5, "陆": 6, "柒": 7, "捌": 8, "玖": 9,
    ]
    /// Chinese numeral multipliers below 万.
    static let chineseSmallUnit: [Unicode.Scalar: Int] = ["十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000]

    @inline(__always) static func isChineseNumeral(_ s: Unicode.Scalar) -> Bool {
        switch s {
        case "零", "〇", "一", "二", "两", "三", "四", "五", "六", "七", "八", "九", "十", "百", "千", "万", "亿", "壹", "贰",
            "叁", "肆", "伍", "陆", "柒", "捌", "玖", "拾", "佰", "仟":
            return true
        default:
            return false
        }
    }

    /// A Chinese digit (not a multiplier): 一 … 九, 两, 零.
    @inline(__always) static func isChineseDigit(_ s: Unicode.Scalar) -> Bool {
        switch s {
        case "零", "〇", "一", "二", "两", "三", "四", "五", "六", "七", "八", "九", "壹", "贰", "叁", "肆", "伍", "陆", "柒",
            "捌", "玖":
            return true
        default:
            return false
        }
    }
}

extension Array where Element == Unicode.Scalar {
    /// Whether `word` stands at `index`.
    @inline(__always) func has(_ word: [Unicode.Scalar], at index: Int) -> Bool {
        if index < 0 || index + word.count > count { return false }
        var i = 0
        while i < word.count {
            if self[index + i] != word[i] { return false }
            i += 1
        }
        return true
    }

    /// Whether `word` ends just before `index`.
    @inline(__always) func has(_ word: [Unicode.Scalar], endingAt index: Int) -> Bool {
        has(word, at: index - word.count)
    }

    /// The text of a range, encoded straight to UTF-8 (appending to a `UnicodeScalarView` is several
    /// times slower, and titles and tasks are built for every line of a document).
    func string(_ range: Range<Int>) -> String {
        let r = range.clamped(to: 0..<count)
        if r.isEmpty { return "" }
        return String(unsafeUninitializedCapacity: r.count * 4) { buffer in
            var n = 0
            for i in r {
                let v = self[i].value
                if v < 0x80 {
                    buffer[n] = UInt8(v)
                    n += 1
                } else if v < 0x800 {
                    buffer[n] = UInt8(0xC0 | (v >> 6))
                    buffer[n + 1] = UInt8(0x80 | (v & 0x3F))
                    n += 2
                } else if v < 0x10000 {
                    buffer[n] = UInt8(0xE0 | (v >> 12))
                    buffer[n + 1] = UInt8(0x80 | ((v >> 6) & 0x3F))
                    buffer[n + 2] = UInt8(0x80 | (v & 0x3F))
                    n += 3
                } else {
                    buffer[n] = UInt8(0xF0 | (v >> 18))
                    buffer[n + 1] = UInt8(0x80 | ((v >> 12) & 0x3F))
                    buffer[n + 2] = UInt8(0x80 | ((v >> 6) & 0x3F))
                    buffer[n + 3] = UInt8(0x80 | (v & 0x3F))
                    n += 4
                }
            }
            return n
        }
    }

    func firstIndex(of word: [Unicode.Scalar], in range: Range<Int>) -> Int? {
        guard !word.isEmpty, range.count >= word.count else { return nil }
        var i = range.lowerBound
        let last = range.upperBound - word.count
        while i <= last {
            if self[i] == word[0] && has(word, at: i) { return i }
            i += 1
        }
        return nil
    }

    func lastIndex(of word: [Unicode.Scalar], in range: Range<Int>) -> Int? {
        guard !word.isEmpty, range.count >= word.count else { return nil }
        var i = range.upperBound - word.count
        while i >= range.lowerBound {
            if self[i] == word[0] && has(word, at: i) { return i }
            i -= 1
        }
        return nil
    }

    func contains(_ word: [Unicode.Scalar], in range: Range<Int>) -> Bool { firstIndex(of: word, in: range) != nil }
}

extension String {
    var scalars: [Unicode.Scalar] { Array(unicodeScalars) }
}

/// A word list prepared for matching at a position: longest entry first.
struct WordList: Sendable {
    let words: [[Unicode.Scalar]]
    let byFirst: [Unicode.Scalar: [Int]]
    let byLast: [Unicode.Scalar: [Int]]
    /// A bit per BMP scalar that starts (or ends) a word: most positions are rejected without hashing.
    let firstBits: [UInt64]
    let lastBits: [UInt64]

    init(_ list: [String]) {
        let w = list.map { Array($0.unicodeScalars) }.filter { !$0.isEmpty }
        words = w
        var first: [Unicode.Scalar: [Int]] = [:]
        var last: [Unicode.Scalar: [Int]] = [:]
        var fb = [UInt64](repeating: 0, count: 1024)
        var lb = [UInt64](repeating: 0, count: 1024)
        for (i, word) in w.enumerated() {
            first[word[0], default: []].append(i)
            last[word[word.count - 1], default: []].append(i)
            WordList.set(&fb, word[0])
            WordList.set(&lb, word[word.count - 1])
        }
        for k in first.keys { first[k]!.sort { w[$0].count > w[$1].count } }
        for k in last.keys { last[k]!.sort { w[$0].count > w[$1].count } }
        byFirst = first
        byLast = last
        firstBits = fb
        lastBits = lb
    }

    private static func set(_ bits: inout [UInt64], _ s: Unicode.Scalar) {
        let v = Int(s.value)
        if v < 65536 { bits[v >> 6] |= 1 << UInt64(v & 63) } else { bits[1023] |= 1 << 63 }
    }

    @inline(__always) private static func test(_ bits: [UInt64], _ s: Unicode.Scalar) -> Bool {
        let v = Int(s.value)
        if v < 65536 { return bits[v >> 6] & (1 << UInt64(v & 63)) != 0 }
        return bits[1023] & (1 << 63) != 0
    }

    /// The index of the longest word starting at `i`.
    @inline(__always)
    func match(_ text: [Unicode.Scalar], at i: Int, limit: Int? = nil) -> Int? {
        guard i >= 0, i < text.count, WordList.test(firstBits, text[i]), let candidates = byFirst[text[i]] else {
            return nil
        }
        let end = limit ?? text.count
        for c in candidates where i + words[c].count <= end && text.has(words[c], at: i) { return c }
        return nil
    }

    /// The index of the longest word ending just before `i`.
    func match(_ text: [Unicode.Scalar], endingAt i: Int, from start: Int = 0) -> Int? {
        guard i - 1 >= 0, i - 1 < text.count, WordList.test(lastBits, text[i - 1]), let candidates = byLast[text[i - 1]]
        else { return nil }
        for k in candidates where i - words[k].count >= start && text.has(words[k], endingAt: i) { return k }
        return nil
    }

    /// The first occurrence of any word in `range`: (position, word index), longest at that position.
    func firstMatch(_ text: [Unicode.Scalar], in range: Range<Int>) -> (Int, Int)? {
        var i = range.lowerBound
        while i < range.upperBound {
            if let m = match(text, at: i, limit: range.upperBound) { return (i, m) }
            i += 1
        }
        return nil
    }

    /// The last occurrence of any word in `range`.
    func lastMatch(_ text: [Unicode.Scalar], in range: Range<Int>) -> (Int, Int)? {
        var i = range.upperBound - 1
        while i >= range.lowerBound {
            if let m = match(text, at: i, limit: range.upperBound) { return (i, m) }
            i -= 1
        }
        return nil
    }

    func contains(in text: [Unicode.Scalar], _ range: Range<Int>) -> Bool { firstMatch(text, in: range) != nil }

    /// Whether words of the list, one after another, make up all of `range` in some segmentation (not only
    /// longest-first: 产业园区 is 产业+园区 when 产业园 would leave 区 alone).
    func covers(_ text: [Unicode.Scalar], _ range: Range<Int>) -> Bool {
        guard !range.isEmpty, range.upperBound <= text.count else { return false }
        var reached = [Bool](repeating: false, count: range.count + 1)
        reached[0] = true
        for k in 0..<range.count where reached[k] {
            let i = range.lowerBound + k
            guard WordList.test(firstBits, text[i]), let candidates = byFirst[text[i]] else { continue }
            for w in candidates where i + words[w].count <= range.upperBound && text.has(words[w], at: i) {
                reached[k + words[w].count] = true
            }
        }
        return reached[range.count]
    }
}
