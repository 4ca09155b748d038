import Foundation
import ZIPFoundation

/// Writes a minimal Word document (.docx): the three parts Word and LibreOffice require, one
/// paragraph per string, headings with Word's built-in heading styles.
public enum WordDocumentWriter {
    public static func docx(_ paragraphs: [WordDocument.Paragraph]) throws -> Data {
        let archive = try Archive(accessMode: .create)
        try add(archive, "[Content_Types].xml", contentTypes)
        try add(archive, "_rels/.rels", rootRelationships)
        try add(archive, "word/document.xml", document(paragraphs))
        guard let data = archive.data else { throw WordDocument.ReadError.damaged("archive not written") }
        return data
    }

    static func add(_ archive: Archive, _ path: String, _ text: String) throws {
        let data = Data(text.utf8)
        try archive.addEntry(
            with: path, type: .file, uncompressedSize: Int64(data.count), compressionMethod: .deflate,
            provider: { position, size in data.subdata(in: Int(position)..<Int(position) + size) })
    }

    static let contentTypes = """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">\
        <Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>\
        <Default Extension="xml" ContentType="application/xml"/>\
        <Override PartName="/word/document.xml" \
        ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>\
        </Types>
        """

    static let rootRelationships = """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
        <Relationship Id="rId1" \
        Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" \
        Target="word/document.xml"/></Relationships>
        """

    static func document(_ paragraphs: [WordDocument.Paragraph]) -> String {
        var body = ""
        for p in paragraphs {
            body += "<w:p>"
            if let level = p.headingLevel { body += "<w:pPr><w:pStyle w:val=\"Heading\(level)\"/></w:pPr>" }
            body += "<w:r><w:t xml:space=\"preserve\">\(escape(p.text))</w:t></w:r></w:p>"
        }
        return """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">\
            <w:body>\(body)<w:sectPr/></w:body></w:document>
            """
    }

    /// XML text content, escaped (see `MarkupText.escape`).
    public static func escape(_ s: String) -> String { MarkupText.escape(s) }
}

/// Text for XML and HTML: the five predefined entities escaped, and the control characters XML 1.0
/// forbids left out (an HTML page shows none of them either).
public enum MarkupText {
    public static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for u in s.unicodeScalars {
            switch u {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            default:
                // XML 1.0's Char: no C0 control but tab and line breaks, and neither U+FFFE nor U+FFFF.
                if u.value < 0x20 && u != "\t" && u != "\n" && u != "\r" { continue }
                if u.value == 0xFFFE || u.value == 0xFFFF { continue }
                out.unicodeScalars.append(u)
            }
        }
        return out
    }
}
