/// Undoes scrape damage while keeping every character's place in the source.
///
/// Web pages scraped to text break lines around numbers, units, quotes and bold words
/// ("增长\n10%\n以上", "8.\n8\n万平方米", "（\n三）"); the cleaner joins those pieces into the
/// paragraphs and headings they were, removes stray spaces, web-page chrome and Markdown markup, and
/// keeps for every character of the cleaned text the offset of the source scalar it came from, so
/// each extraction still points at the source words.
struct CleanText {
    /// The cleaned text.
    var chars: [Unicode.Scalar] = []
    /// For each cleaned character, its offset in the source scalars.
    var origin = OffsetMap()
    var lines: [Line] = []
    var meta = Metadata()

    struct Line {
        var range: Range<Int>
        /// A heading level the markup gives (Markdown `#`, HTML `h2`, Word heading style).
        var headingLevel: Int?
        /// A line that is all bold (`**加大民生保障力度**`): a sub-head.
        var bold = false
        /// A Markdown table row or list item: a line of its own whatever its punctuation.
        var item = false
        /// The line opens with a bold lead sentence (`**加快创新平台建设。** 新建…`).
        var boldLead = false
        /// Where that bold lead ends, when the markup says (Markdown's closing `**`).
        var boldEnd: Int?
    }

    struct Metadata {
        var title: String?
        var issuer: String?
        /// The issuer a front-matter block declares: it outranks what the title suggests.
        var declaredIssuer: String?
        var published: String?
        var year: Int?
    }

    /// The source span of cleaned range `r`.
    func span(_ r: Range<Int>) -> (start: Int, end: Int) {
        let n = chars.count
        guard !r.isEmpty, r.lowerBound < n else {
            let p = r.lowerBound < n ? origin.source(of: r.lowerBound) : (n > 0 ? origin.source(of: n - 1) + 1 : 0)
            return (p, p)
        }
        return (origin.source(of: r.lowerBound), origin.source(of: min(r.upperBound, n) - 1) + 1)
    }

    func string(_ r: Range<Int>) -> String { chars.string(r) }
}

/// Cleaned offsets → source offsets, stored as runs: the cleaned text is the source with pieces cut out,
/// so one entry per cut (a line break, a space, chrome) replaces four bytes per character.
struct OffsetMap {
    private var runStarts: [Int32] = []
    private var runSources: [Int32] = []
    private var lastClean = -1
    private var lastSource = -1

    mutating func append(cleanIndex: Int, source: Int) {
        if !(cleanIndex == lastClean + 1 && source == lastSource + 1 && !runStarts.isEmpty) {
            runStarts.append(Int32(cleanIndex))
            runSources.append(Int32(source))
        }
        lastClean = cleanIndex
        lastSource = source
    }

    /// Forgets every cleaned index from `n` on.
    mutating func truncate(to n: Int) {
        while let last = runStarts.last, Int(last) >= n {
            runStarts.removeLast()
            runSources.removeLast()
        }
        lastClean = n - 1
        lastSource = runStarts.isEmpty ? -1 : Int(runSources.last!) + (n - 1 - Int(runStarts.last!))
    }

    func source(of i: Int) -> Int {
        var lo = 0
        var hi = runStarts.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if Int(runStarts[mid]) <= i { lo = mid + 1 } else { hi = mid }
        }
        guard lo > 0 else { return 0 }
        return Int(runSources[lo - 1]) + (i - Int(runStarts[lo - 1]))
    }
}

enum Cleaner {
    struct Piece {
        var range: Range<Int>
        var headingLevel: Int?
        var bold = false
        var item = false
        var boldLead = false
        var boldEnd: Int?
        var blankBefore = false
        var fragment: Bool = false
    }

    static let chrome = WordList(Lexicon.chromeMarkers)
    static let siteName = WordList(["门户网站", "人民政府网", "政府网", "政务网"])
    static let controlWords: Set<String> = ["打印", "关闭", "返回", "返回顶部", "收藏", "分享", "【打印】", "【关闭】", "【返回】"]

    static func clean(
        _ source: [Unicode.Scalar], format: DocumentFormat, headingLevels: [Int: Int], boldLeadLines: Set<Int> = [],
        itemLines: Set<Int> = []
    ) -> CleanText {
        var out = CleanText()
        out.chars.reserveCapacity(source.count)
        var pieces: [Piece] = []
        let markdown = format == .markdown
        let blockFormat = format == .html || format == .docx

        // Physical lines.
        var lineStart = 0
        var lineNo = 0
        var blank = false
        var inFrontMatter = false
        var frontMatterDone = !markdown
        let n = source.count
        var i = 0
        while i <= n {
            if i < n && !Scalars.isLineBreak(source[i]) {
                i += 1
                continue
            }
            let lineEnd = i
            // \r\n counts as one break.
            if i < n && source[i] == "\r" && i + 1 < n && source[i + 1] == "\n" { i += 1 }
            i += 1
            defer { lineNo += 1 }
            var s = lineStart
            var e = lineEnd
            lineStart = i
            while s < e && (Scalars.isSpace(source[s])) { s += 1 }
            while e > s && (Scalars.isSpace(source[e - 1])) { e -= 1 }
            if s == e {
                blank = true
                continue
            }
            var piece = Piece(range: out.chars.count..<out.chars.count)
            piece.headingLevel = headingLevels[lineNo]
            piece.boldLead = boldLeadLines.contains(lineNo)
            piece.item = itemLines.contains(lineNo)
            if markdown {
                let line = source.string(s..<e)
                if !frontMatterDone {
                    if lineNo == 0 && line == "---" {
                        inFrontMatter = true
                        continue
                    }
                    if inFrontMatter {
                        if line == "---" || line == "..." {
                            inFrontMatter = false
                            frontMatterDone = true
                            continue
                        }
                        if isFrontMatterEntry(line) {
                            readFrontMatter(line, into: &out.meta)
                            continue
                        }
                        // A block never closed: the first line that is not "key: value" is the document's.
                        inFrontMatter = false
                    }
                    frontMatterDone = true
                }
                if source[s] == "|" {
                    if source[s..<e].allSatisfy({ $0 == "|" || $0 == "-" || $0 == ":" || Scalars.isSpace($0) }) {
                        continue
                    }
                    piece.item = true
                }
                var hashes = 0
                while s + hashes < e && source[s + hashes] == "#" { hashes += 1 }
                if hashes > 0 && hashes <= 6 && s + hashes < e && Scalars.isSpace(source[s + hashes]) {
                    piece.headingLevel = hashes
                    s += hashes
                } else if e - s > 2 && (source[s] == "-" || source[s] == "*" || source[s] == "+" || source[s] == ">")
                    && Scalars.isSpace(source[s + 1])
                {
                    piece.item = true
                    s += 2
                }
                while s < e && Scalars.isSpace(source[s]) { s += 1 }
                let stars: [Unicode.Scalar] = ["*", "*"]
                if source.has(stars, at: s) && source.has(stars, endingAt: e)
                    && source.firstIndex(of: stars, in: (s + 2)..<(e - 2)) == nil && e - s > 4
                {
                    piece.bold = true
                } else if source.has(stars, at: s), source.firstIndex(of: stars, in: (s + 2)..<e) != nil {
                    piece.boldLead = true
                }
            }
            // Decorations of pasted articles: ★ 2019年工作回顾 ★ (a part's heading), ▶ 打造… , ✅ … (bullets).
            var decoratedLeft = false
            var decoratedRight = false
            while s < e && (Scalars.isDecoration(source[s]) || (decoratedLeft && Scalars.isSpace(source[s]))) {
                s += 1
                decoratedLeft = true
            }
            while e > s && (Scalars.isDecoration(source[e - 1]) || (decoratedRight && Scalars.isSpace(source[e - 1]))) {
                e -= 1
                decoratedRight = true
            }
            if s == e { continue }
            if decoratedLeft && decoratedRight && e - s <= 30 && piece.headingLevel == nil { piece.headingLevel = 1 }
            // Copy the line, dropping markup and stray spaces.
            let start = out.chars.count
            let rowLine = itemLines.contains(lineNo)
            var k = s
            var emphasisMarks = 0
            while k < e {
                let ch = source[k]
                if markdown && (ch == "*" || ch == "_") && k + 1 < e && source[k + 1] == ch {
                    // The second mark closes the bold lead.
                    emphasisMarks += 1
                    if piece.boldLead && emphasisMarks == 2 { piece.boldEnd = out.chars.count }
                    k += 2
                    continue
                }
                if markdown && ch == "|" {
                    // Inside a table row a pipe divides cells: kept, once, as a boundary.
                    let inner = k > s && k < e - 1 && source[s] == "|"
                    if inner && out.chars.count > start && !Scalars.isCellBoundary(out.chars[out.chars.count - 1]) {
                        out.chars.append("|")
                        out.origin.append(cleanIndex: out.chars.count - 1, source: k)
                    }
                    k += 1
                    continue
                }
                if ch == "\t" && rowLine && out.chars.count > start
                    && !Scalars.isCellBoundary(out.chars[out.chars.count - 1])
                {
                    // A table row from HTML or Word: the tab between cells stays as their boundary.
                    var r = k
                    while r < e && Scalars.isSpace(source[r]) { r += 1 }
                    if r < e {
                        out.chars.append("\t")
                        out.origin.append(cleanIndex: out.chars.count - 1, source: k)
                    }
                    k = r
                    continue
                }
                if Scalars.isSpace(ch) {
                    // Keep a space only between two ASCII letters or digits ("PM 2.5", "GDP growth").
                    var r = k
                    while r < e && Scalars.isSpace(source[r]) { r += 1 }
                    let before = out.chars.count > start ? out.chars[out.chars.count - 1] : nil
                    let after = r < e ? source[r] : nil
                    if let b = before, let a = after, b.isASCII, a.isASCII, isAlnum(b), isAlnum(a) {
                        out.chars.append(" ")
                        out.origin.append(cleanIndex: out.chars.count - 1, source: k)
                    }
                    k = r
                    continue
                }
                out.chars.append(ch)
                out.origin.append(cleanIndex: out.chars.count - 1, source: k)
                k += 1
            }
            piece.range = start..<out.chars.count
            if piece.range.isEmpty { continue }
            if isChrome(out.chars, piece.range, &out.meta, raw: source, s..<e, tableRow: piece.item || rowLine) {
                out.chars.removeSubrange(piece.range)
                out.origin.truncate(to: piece.range.lowerBound)
                continue
            }
            piece.blankBefore = blank
            blank = false
            piece.fragment = isFragment(out.chars, piece.range)
            pieces.append(piece)
        }

        let wrap = blockFormat ? nil : wrapWidth(pieces)

        // Join pieces into logical lines.
        var current: CleanText.Line?
        var previous: Piece?
        var logicalIndex = 0
        for piece in pieces {
            if var line = current, let prev = previous,
                shouldJoin(
                    out.chars, prev, line, piece, block: blockFormat, first: logicalIndex == 0,
                    wrap: wrap)
            {
                line.range = line.range.lowerBound..<piece.range.upperBound
                current = line
            } else {
                if let line = current {
                    out.lines.append(line)
                    logicalIndex += 1
                }
                current = CleanText.Line(
                    range: piece.range, headingLevel: piece.headingLevel, bold: piece.bold, item: piece.item,
                    boldLead: piece.boldLead, boldEnd: piece.boldEnd)
            }
            previous = piece
        }
        if let line = current { out.lines.append(line) }
        return out
    }

    @inline(__always) static func isAlnum(_ s: Unicode.Scalar) -> Bool {
        Scalars.isDigit(s) || Scalars.isASCIILetter(s) || s == "." || s == "%"
    }

    /// A piece that cannot be a line of its own: a number, a quote mark, a unit, one or two characters.
    static func isFragment(_ c: [Unicode.Scalar], _ r: Range<Int>) -> Bool {
        if r.count <= 2 { return true }
        var han = 0
        for k in r where Scalars.isHan(c[k]) { han += 1 }
        return han == 0
    }

    /// Hard-wrapped text (every line cut at the same width, as text saved from some sites or mail):
    /// the width, when most long lines have it.
    static func wrapWidth(_ pieces: [Piece]) -> Int? {
        var counts: [Int: Int] = [:]
        var long = 0
        for p in pieces where p.range.count >= 12 {
            counts[p.range.count, default: 0] += 1
            long += 1
        }
        // Lines cut at a width differ by one where a wide character or punctuation did not fit.
        guard
            let (width, _) = counts.max(by: {
                ($0.value + (counts[$0.key - 1] ?? 0)) < ($1.value + (counts[$1.key - 1] ?? 0))
            })
        else { return nil }
        let atWidth = (counts[width] ?? 0) + (counts[width - 1] ?? 0)
        return long >= 8 && atWidth * 100 >= long * 40 && width >= 16 ? width : nil
    }

    static func shouldJoin(
        _ c: [Unicode.Scalar], _ prev: Piece, _ line: CleanText.Line, _ next: Piece, block: Bool,
        first: Bool, wrap: Int?
    ) -> Bool {
        if line.headingLevel != nil || next.headingLevel != nil || line.bold || next.bold || line.item || next.item
            || next.boldLead
        {
            return false
        }
        let last = c[prev.range.upperBound - 1]
        let head = c[next.range.lowerBound]
        let lineIsHeading = Numbering.at(c, line.range.lowerBound, end: line.range.upperBound) != nil
        // 1. Punctuation that cannot start a line continues the one before.
        if Scalars.isClosing(head) { return true }
        // 2. A finished sentence or lead-in ends the line.
        if Scalars.isTerminal(last) { return false }
        if next.blankBefore && !prev.fragment && !next.fragment { return false }
        // In hard-wrapped text a full line goes on; a short one ends its paragraph.
        if let wrap, !first {
            if prev.range.count >= wrap - 1 { return true }
            if !prev.fragment && !next.fragment && !Scalars.isDigit(last) && !Scalars.isOpening(last) { return false }
        }
        // 3. Numbers, quote marks and single characters on a line of their own are scrape damage,
        // except a short word after a complete numbered heading ("三、聚焦集镇建设，提升承载功能" / "按照").
        if next.fragment && !prev.fragment && lineIsHeading && isWordFragment(c, next.range)
            && line.range.count <= 44
        {
            return false
        }
        if prev.fragment || next.fragment { return true }
        if block { return false }
        // 4. A heading or the title stands alone.
        let nextNumbered = Numbering.at(c, next.range.lowerBound, end: next.range.upperBound)
        if first || (lineIsHeading && !startsWithNumber(c, next.range, allowYear: false)) { return false }
        if nextNumbered != nil { return false }
        // 5. A number broken from its unit or clause.
        if Scalars.isDigit(last) || Scalars.isOpening(last) { return true }
        if startsWithNumber(c, next.range, allowYear: false) { return true }
        // 6. Otherwise two lines of words, neither a fragment, meet: scrapers break inside a sentence
        // only around numbers, quotes and markup, so this is a block boundary (a bold sub-head on its
        // own line, a heading without punctuation).
        return false
    }

    /// A fragment made of Han characters only ("按照"), not of figures or punctuation.
    static func isWordFragment(_ c: [Unicode.Scalar], _ r: Range<Int>) -> Bool {
        r.allSatisfy { Scalars.isHan(c[$0]) }
    }

    /// Whether the piece starts with a number that is not a year ("10%以上", "5亿元的…").
    static func startsWithNumber(_ c: [Unicode.Scalar], _ r: Range<Int>, allowYear: Bool) -> Bool {
        guard let f = r.first, Scalars.isDigit(c[f]) else { return false }
        var j = f
        while j < r.upperBound && Scalars.isDigit(c[j]) { j += 1 }
        if !allowYear && j - f == 4 && j < r.upperBound && (c[j] == "年") { return false }
        return true
    }

    /// Chrome lines are dropped; the date and the source they state are kept as metadata.
    static func isChrome(
        _ c: [Unicode.Scalar], _ r: Range<Int>, _ meta: inout CleanText.Metadata, raw source: [Unicode.Scalar],
        _ rawRange: Range<Int>, tableRow: Bool = false
    ) -> Bool {
        if r.count <= 6 && controlWords.contains(c.string(r)) { return true }
        // A navigation bar: 首页 | 政务公开 | 镇情简介 | …
        var separators = 0
        for k in r where c[k] == "|" || c[k] == "｜" || c[k] == "丨" || c[k] == "»" { separators += 1 }
        if separators >= 3 && r.count <= 120 && !tableRow { return true }
        // The site's name at the top of a page: 檀湾镇人民政府网, XX市人民政府门户网站.
        if r.count <= 20, let m = siteName.match(c, endingAt: r.upperBound, from: r.lowerBound), m >= 0 { return true }
        guard r.count <= 120, chrome.contains(in: c, r) else { return false }
        // A real sentence that merely mentions 字体 or 来源 is not chrome.
        if r.count > 40 && c[r.upperBound - 1] == "。" { return false }
        if meta.published == nil, let date = findDate(c, r) { meta.published = date }
        // The source names the issuing office; read it from the raw line, where spaces still separate fields.
        let rawScalars = Array(source[rawRange])
        for key in ["来源:", "来源：", "信息来源:", "信息来源：", "发布机构:", "发布机构："] {
            let k = Array(key.unicodeScalars)
            if let p = rawScalars.firstIndex(of: k, in: 0..<rawScalars.count) {
                var e = p + k.count
                while e < rawScalars.count && Scalars.isSpace(rawScalars[e]) { e += 1 }
                let s = e
                while e < rawScalars.count && Scalars.isHan(rawScalars[e]) && !rawScalars.has("发布".scalars, at: e) {
                    e += 1
                }
                if e > s && meta.issuer == nil { meta.issuer = rawScalars.string(s..<e) }
            }
        }
        return true
    }

    /// An ISO date from "2015-01-23", "2015年1月23日", "2015/1/23", "2015.01.23".
    static func findDate(_ c: [Unicode.Scalar], _ r: Range<Int>) -> String? {
        var i = r.lowerBound
        while i + 4 <= r.upperBound {
            if c[i] == "1" || c[i] == "2", let y = readInt(c, i, r.upperBound), y.value >= 1949, y.value <= 2100,
                y.end - i == 4
            {
                var j = y.end
                if j < r.upperBound, ["-", "年", "/", ".", "．"].contains(c[j]) {
                    j += 1
                    if let m = readInt(c, j, r.upperBound), (1...12).contains(m.value) {
                        j = m.end
                        if j < r.upperBound, ["-", "月", "/", ".", "．"].contains(c[j]) {
                            j += 1
                            if let d = readInt(c, j, r.upperBound), (1...31).contains(d.value) {
                                return isoDate(y.value, m.value, d.value)
                            }
                        }
                    }
                }
            }
            i += 1
        }
        return nil
    }

    static func isoDate(_ y: Int, _ m: Int, _ d: Int) -> String {
        func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
        return "\(y)-\(two(m))-\(two(d))"
    }

    static func readInt(_ c: [Unicode.Scalar], _ i: Int, _ end: Int) -> (value: Int, end: Int)? {
        var j = i
        var v = 0
        while j < end, let d = Scalars.digitValue(c[j]), j - i < 9 {
            v = v * 10 + d
            j += 1
        }
        return j > i ? (v, j) : nil
    }

    /// "title: …", "date：…", or a YAML list item: what a front-matter block holds.
    static func isFrontMatterEntry(_ line: String) -> Bool {
        // A list item goes on with the block; a Markdown heading (### …) is the document's.
        if line.hasPrefix("- ") { return true }
        if line.hasPrefix("#") { return false }
        guard let colon = line.firstIndex(where: { $0 == ":" || $0 == "：" }) else { return false }
        let key = line[..<colon]
        return !key.isEmpty && key.count <= 30 && !key.contains(where: { "，。；、".contains($0) })
    }

    static func readFrontMatter(_ line: String, into meta: inout CleanText.Metadata) {
        guard let colon = line.firstIndex(where: { $0 == ":" || $0 == "：" }) else { return }
        let key = line[..<colon].trimmingCharacters(in: " \"'").lowercased()
        let value = line[line.index(after: colon)...].trimmingCharacters(in: " \"'")
        guard !value.isEmpty else { return }
        switch key {
        case "title", "标题": meta.title = value
        case "issuer", "发布机关", "发文机关", "author", "source", "来源":
            // A web address (source: https://…) says where the page was found, not who issued it.
            let address = value.contains("://") || value.lowercased().hasPrefix("www.")
            if !address { meta.declaredIssuer = value }
        case "date", "published", "发布日期", "日期":
            let s = Array(value.unicodeScalars)
            meta.published = findDate(s, 0..<s.count)
        case "year", "年度": meta.year = Int(value.filter(\.isNumber))
        default: break
        }
    }
}

extension StringProtocol {
    func trimmingCharacters(in set: String) -> String {
        let chars = Set(set)
        var s = Substring(self)
        while let f = s.first, chars.contains(f) { s = s.dropFirst() }
        while let l = s.last, chars.contains(l) { s = s.dropLast() }
        return String(s)
    }
}
