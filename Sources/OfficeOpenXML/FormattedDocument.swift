import Foundation
import ZIPFoundation

/// A Word document with the formatting an official paper needs (公文): a red masthead, centred titles in
/// a heading face, body text in 仿宋, tables with borders, A4 with the customary margins. Enough for a
/// 督办单 and a 月通报, nothing more.
public enum FormattedDocument {
    public struct Run: Sendable, Equatable {
        public var text: String
        public var bold: Bool
        /// Points.
        public var size: Double
        /// RRGGBB.
        public var colour: String?
        /// The East Asian typeface (黑体, 仿宋, 楷体, 宋体); Word falls back when it is missing.
        public var font: String

        public init(_ text: String, bold: Bool = false, size: Double = 16, colour: String? = nil, font: String = "仿宋") {
            self.text = text
            self.bold = bold
            self.size = size
            self.colour = colour
            self.font = font
        }
    }

    public enum Alignment: String, Sendable { case left, center, right, both }

    public enum Block: Sendable, Equatable {
        case paragraph([Run], align: Alignment = .both, firstLineIndent: Bool = false, spaceAfter: Int = 0)
        /// A full-width rule (the red line under a masthead).
        case rule(colour: String)
        /// A table; the first row is the header, set in bold. Widths in twentieths of a point.
        case table(rows: [[String]], widths: [Int], size: Double)
    }

    public static func docx(_ blocks: [Block]) throws -> Data {
        let archive = try Archive(accessMode: .create)
        try WordDocumentWriter.add(archive, "[Content_Types].xml", WordDocumentWriter.contentTypes)
        try WordDocumentWriter.add(archive, "_rels/.rels", WordDocumentWriter.rootRelationships)
        try WordDocumentWriter.add(archive, "word/document.xml", document(blocks))
        guard let data = archive.data else { throw WordDocument.ReadError.damaged("archive not written") }
        return data
    }

    static func run(_ r: Run) -> String {
        var props = "<w:rFonts w:ascii=\"\(r.font)\" w:hAnsi=\"\(r.font)\" w:eastAsia=\"\(r.font)\"/>"
        if r.bold { props += "<w:b/>" }
        if let c = r.colour { props += "<w:color w:val=\"\(c)\"/>" }
        let half = Int((r.size * 2).rounded())
        props += "<w:sz w:val=\"\(half)\"/><w:szCs w:val=\"\(half)\"/>"
        // A line break inside a run's text becomes Word's own break.
        let parts = r.text.components(separatedBy: "\n").map {
            "<w:t xml:space=\"preserve\">\(WordDocumentWriter.escape($0))</w:t>"
        }
        return "<w:r><w:rPr>\(props)</w:rPr>\(parts.joined(separator: "<w:br/>"))</w:r>"
    }

    static func document(_ blocks: [Block]) -> String {
        var body = ""
        for block in blocks {
            switch block {
            case .paragraph(let runs, let align, let indent, let after):
                body += "<w:p><w:pPr><w:spacing w:after=\"\(after)\" w:line=\"360\" w:lineRule=\"auto\"/>"
                if indent { body += "<w:ind w:firstLineChars=\"200\" w:firstLine=\"640\"/>" }
                body += "<w:jc w:val=\"\(align.rawValue)\"/></w:pPr>\(runs.map(run).joined())</w:p>"
            case .rule(let colour):
                body +=
                    "<w:p><w:pPr><w:pBdr><w:bottom w:val=\"single\" w:sz=\"18\" w:space=\"1\" w:color=\"\(colour)\"/></w:pBdr><w:spacing w:after=\"240\"/></w:pPr></w:p>"
            case .table(let rows, let widths, let size):
                body +=
                    "<w:tbl><w:tblPr><w:tblW w:w=\"\(widths.reduce(0, +))\" w:type=\"dxa\"/><w:jc w:val=\"center\"/><w:tblBorders>"
                for side in ["top", "left", "bottom", "right", "insideH", "insideV"] {
                    body += "<w:\(side) w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"/>"
                }
                body += "</w:tblBorders></w:tblPr><w:tblGrid>"
                for w in widths { body += "<w:gridCol w:w=\"\(w)\"/>" }
                body += "</w:tblGrid>"
                for (n, row) in rows.enumerated() {
                    body += "<w:tr>"
                    for (i, cell) in row.enumerated() {
                        let width = i < widths.count ? widths[i] : widths.last ?? 1000
                        body +=
                            "<w:tc><w:tcPr><w:tcW w:w=\"\(width)\" w:type=\"dxa\"/></w:tcPr><w:p><w:pPr><w:jc w:val=\"\(n == 0 ? "center" : "left")\"/></w:pPr>\(run(Run(cell, bold: n == 0, size: size, font: n == 0 ? "黑体" : "仿宋")))</w:p></w:tc>"
                    }
                    body += "</w:tr>"
                }
                body += "</w:tbl><w:p/>"
            }
        }
        // A4, with the margins of official papers (GB/T 9704: 37 mm top, 28 mm left).
        let section =
            "<w:sectPr><w:pgSz w:w=\"11906\" w:h=\"16838\"/><w:pgMar w:top=\"2098\" w:right=\"1474\" w:bottom=\"1984\" w:left=\"1588\" w:header=\"851\" w:footer=\"992\" w:gutter=\"0\"/></w:sectPr>"
        return """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">\
            <w:body>\(body)\(section)</w:body></w:document>
            """
    }
}
