import Foundation

/// The visible text of an HTML page, one block per line.
///
/// Government pages wrap a plan in navigation, breadcrumbs, share widgets and footers; those go.
/// Inline markup (`<span>12</span>.5亿元`) is dropped without a line break, so a number split by tags
/// comes out whole; block elements end a line.
enum HTMLText {
    static let blockTags: Set<String> = [
        "p", "div", "br", "h1", "h2", "h3", "h4", "h5", "h6", "li", "tr", "table", "ul", "ol", "section", "article",
        "blockquote", "pre", "hr", "dd", "dt", "dl", "tbody", "thead", "main", "center", "title",
    ]
    /// Elements whose whole content is not text of the document.
    static let skippedTags: Set<String> = [
        "script", "style", "noscript", "nav", "header", "footer", "aside", "form", "select", "button", "iframe",
        "svg", "template", "object", "head",
    ]
    /// Class or id words of chrome containers.
    static let chromeWords: [String] = [
        "nav", "menu", "footer", "header", "breadcrumb", "crumb", "share", "bdshare", "copyright", "sidebar",
        "toolbar", "position", "location", "foot", "topbar", "banner", "related", "relate", "xgwz", "links",
        "recommend",
        "friendlink", "pagination", "pager", "comment",
    ]
    static let entities: [String: String] = [
        "nbsp": " ", "amp": "&", "lt": "<", "gt": ">", "quot": "\"", "apos": "'", "ldquo": "“", "rdquo": "”",
        "lsquo": "‘", "rsquo": "’", "mdash": "—", "ndash": "–", "hellip": "…", "middot": "·", "times": "×",
        "ensp": " ", "emsp": " ", "thinsp": " ", "deg": "°", "permil": "‰", "sup2": "²", "copy": "©", "reg": "®",
        "laquo": "«", "raquo": "»", "yen": "¥", "divide": "÷", "plusmn": "±",
    ]

    struct Page {
        var text: String
        var headings: [Int: Int]
        var boldLines: Set<Int>
        /// Table rows, each a line with its cells separated by tabs.
        var rows: Set<Int>
    }

    static func extract(_ html: String) -> Page {
        let s = Array(html.unicodeScalars)
        let n = s.count
        var out = String.UnicodeScalarView()
        var line = 0
        var headings: [Int: Int] = [:]
        var skipName: String?
        var skipDepth = 0
        var i = 0
        var lastWasBreak = true
        // Lines that open in bold: a run-in lead sentence (<p><strong>做强先进制造业。</strong>…).
        var boldDepth = 0
        var boldLines: Set<Int> = []
        var rows: Set<Int> = []
        var tableDepth = 0
        func text(_ ch: Unicode.Scalar) {
            if lastWasBreak && boldDepth > 0 && !Scalars.isSpace(ch) { boldLines.insert(line) }
            out.append(ch)
            lastWasBreak = false
        }

        func newline() {
            if !lastWasBreak {
                out.append("\n")
                line += 1
                lastWasBreak = true
            }
        }

        while i < n {
            let c = s[i]
            if c == "<" {
                // Comments and declarations.
                if s.has(Array("<!--".unicodeScalars), at: i) {
                    var j = i + 4
                    while j < n && !s.has(Array("-->".unicodeScalars), at: j) { j += 1 }
                    i = min(n, j + 3)
                    continue
                }
                var j = i + 1
                var quote: Unicode.Scalar?
                while j < n {
                    let d = s[j]
                    if let q = quote {
                        if d == q { quote = nil }
                    } else if d == "\"" || d == "'" {
                        quote = d
                    } else if d == ">" {
                        break
                    }
                    j += 1
                }
                if j >= n {
                    // A lone "<" in text.
                    if skipName == nil { text(c) }
                    i += 1
                    continue
                }
                let tag = s.string((i + 1)..<j)
                i = j + 1
                let closing = tag.hasPrefix("/")
                let body = closing ? tag.dropFirst() : Substring(tag)
                let name = String(body.prefix { $0.isLetter || $0.isNumber }).lowercased()
                if name.isEmpty { continue }
                let selfClosing = tag.hasSuffix("/")
                if let skipping = skipName {
                    if name == skipping && !selfClosing {
                        skipDepth += closing ? -1 : 1
                        if skipDepth == 0 { skipName = nil }
                    }
                    continue
                }
                if !closing && !selfClosing && (skippedTags.contains(name) || isChrome(body, name: name)) {
                    if name == "head" {
                        // Keep nothing of the head; the page title is repeated in the body.
                    }
                    skipName = name
                    skipDepth = 1
                    continue
                }
                if name == "strong" || name == "b" {
                    if !selfClosing { boldDepth = max(0, boldDepth + (closing ? -1 : 1)) }
                    continue
                }
                if name == "table" { tableDepth = max(0, tableDepth + (closing ? -1 : 1)) }
                if name == "td" || name == "th" {
                    // A cell boundary inside a row: a tab, which the cleaner reads as a gap, not a break.
                    if !closing && !lastWasBreak { out.append("\t") }
                    continue
                }
                if name == "tr" && !closing && tableDepth > 0 {
                    newline()
                    rows.insert(line)
                    continue
                }
                if blockTags.contains(name) {
                    newline()
                    if !closing, name.count == 2, name.hasPrefix("h"), let level = Int(name.dropFirst()) {
                        headings[line] = level
                    }
                }
                continue
            }
            if skipName != nil {
                i += 1
                continue
            }
            if c == "&" {
                var j = i + 1
                while j < n && j - i < 12 && s[j] != ";" && s[j] != "&" && s[j] != "<" && !Scalars.isSpace(s[j]) {
                    j += 1
                }
                if j < n && s[j] == ";" {
                    let entity = s.string((i + 1)..<j)
                    if let decoded = decodeEntity(entity) {
                        for d in decoded.unicodeScalars {
                            if Scalars.isSpace(d) || Scalars.isLineBreak(d) {
                                if !lastWasBreak { out.append(" ") }
                            } else {
                                text(d)
                            }
                        }
                        i = j + 1
                        continue
                    }
                }
                text(c)
                i += 1
                continue
            }
            if Scalars.isLineBreak(c) || c == "\t" {
                // Source formatting inside a block is a space, not a line of the document.
                if !lastWasBreak { out.append(" ") }
                i += 1
                continue
            }
            if Scalars.isSpace(c) && lastWasBreak {
                i += 1
                continue
            }
            text(c)
            i += 1
        }
        return Page(text: String(out), headings: headings, boldLines: boldLines, rows: rows)
    }

    static func decodeEntity(_ e: String) -> String? {
        if e.hasPrefix("#x") || e.hasPrefix("#X") {
            guard let v = UInt32(e.dropFirst(2), radix: 16), let u = Unicode.Scalar(v) else { return nil }
            return String(Character(u))
        }
        if e.hasPrefix("#") {
            guard let v = UInt32(e.dropFirst()), let u = Unicode.Scalar(v) else { return nil }
            return String(Character(u))
        }
        return entities[e.lowercased()]
    }

    static func isChrome(_ tag: Substring, name: String) -> Bool {
        guard name == "div" || name == "ul" || name == "span" || name == "section" || name == "p" || name == "table"
        else { return false }
        let lower = tag.lowercased()
        for attr in ["class=", "id="] {
            guard let r = lower.range(of: attr) else { continue }
            var value = lower[r.upperBound...]
            if let q = value.first, q == "\"" || q == "'" {
                value = value.dropFirst()
                if let end = value.firstIndex(of: q) { value = value[..<end] }
            } else if let end = value.firstIndex(where: { $0 == " " }) {
                value = value[..<end]
            }
            let words = value.split(whereSeparator: { $0 == " " || $0 == "-" || $0 == "_" })
            for w in words where chromeWords.contains(where: { w == $0 || w.hasPrefix($0) && w.count <= $0.count + 3 })
            {
                return true
            }
        }
        return false
    }
}
