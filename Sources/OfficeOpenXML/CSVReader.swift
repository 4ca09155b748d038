import Foundation

/// Comma-separated values as spreadsheets save them (RFC 4180): fields quoted when they hold a separator, a
/// quote ("" inside) or a line break; CRLF or LF line ends; the separator a comma, or a tab or semicolon when
/// the first line uses those (Excel's "Unicode text" and some European settings). The text is already
/// decoded: Chinese Excel saves CSV as GB18030, and the caller's decoder knows the encodings.
public enum CSVReader {
    public enum ReadError: Error, Equatable, Sendable {
        case tooLarge(cells: Int)
    }

    public static func rows(_ text: String, maxCells: Int = 1_000_000) throws -> [[String]] {
        var scalars = Substring(text).unicodeScalars[...]
        if scalars.first == "\u{FEFF}" { scalars = scalars.dropFirst() }
        let separator = self.separator(firstLine: scalars.prefix { $0 != "\n" && $0 != "\r" })
        var rows: [[String]] = []
        var row: [String] = []
        var field = String.UnicodeScalarView()
        var quoted = false
        var cells = 0
        var i = scalars.startIndex
        func endField() throws {
            row.append(String(field))
            field = String.UnicodeScalarView()
            cells += 1
            if cells > maxCells { throw ReadError.tooLarge(cells: maxCells) }
        }
        while i < scalars.endIndex {
            let s = scalars[i]
            let next = scalars.index(after: i)
            if quoted {
                if s == "\"" {
                    if next < scalars.endIndex && scalars[next] == "\"" {
                        field.append("\"")
                        i = scalars.index(after: next)
                        continue
                    }
                    quoted = false
                } else {
                    field.append(s)
                }
            } else if s == "\"" && field.isEmpty {
                quoted = true
            } else if s == separator {
                try endField()
            } else if s == "\r" || s == "\n" {
                try endField()
                rows.append(row)
                row = []
                if s == "\r" && next < scalars.endIndex && scalars[next] == "\n" {
                    i = scalars.index(after: next)
                    continue
                }
            } else {
                field.append(s)
            }
            i = next
        }
        if !field.isEmpty || !row.isEmpty {
            try endField()
            rows.append(row)
        }
        // A leading apostrophe is how a CSV keeps =, +, - or @ as text (CSVWriter writes it): the clerk's
        // value is what follows.
        return rows.map { r in
            r.map { v in
                if v.hasPrefix("'"), let second = v.dropFirst().first, "=+-@".contains(second) {
                    return String(v.dropFirst())
                }
                return v
            }
        }
    }

    /// The separator the header line uses most: comma, tab or semicolon (outside quotes).
    static func separator(firstLine: Substring.UnicodeScalarView.SubSequence) -> Unicode.Scalar {
        var counts: [Unicode.Scalar: Int] = [",": 0, "\t": 0, ";": 0]
        var quoted = false
        for s in firstLine {
            if s == "\"" { quoted.toggle() } else if !quoted, counts[s] != nil { counts[s]! += 1 }
        }
        let best = counts.max { a, b in a.value < b.value || (a.value == b.value && a.key != ",") }
        return (best?.value ?? 0) > 0 ? best!.key : ","
    }
}
