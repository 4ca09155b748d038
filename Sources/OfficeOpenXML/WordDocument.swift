import Foundation
import ZIPFoundation

/// Reading the text of a Word document (.docx, Office Open XML WordprocessingML).
public enum WordDocument {
    public enum ReadError: Error, Equatable, Sendable {
        case notAZipArchive
        /// A ZIP archive without `word/document.xml`; `found` names what it looks like instead.
        case notAWordDocument(found: String)
        case damaged(String)
    }

    /// One paragraph of the body: its text and, when the paragraph is a heading, its outline level (1 = top).
    /// A table row is one paragraph whose cells are joined by tabs, marked `tableRow`.
    public struct Paragraph: Equatable, Sendable {
        public var text: String
        public var headingLevel: Int?
        public var tableRow: Bool
        public init(text: String, headingLevel: Int? = nil, tableRow: Bool = false) {
            self.text = text
            self.headingLevel = headingLevel
            self.tableRow = tableRow
        }
    }

    /// The paragraphs of `word/document.xml` in order (table cells become paragraphs too).
    public static func paragraphs(of data: Data) throws -> [Paragraph] {
        let archive: Archive
        do {
            archive = try Archive(data: data, accessMode: .read)
        } catch {
            throw ReadError.notAZipArchive
        }
        guard let entry = archive["word/document.xml"] else {
            if archive["xl/workbook.xml"] != nil { throw ReadError.notAWordDocument(found: "Excel 工作簿 (.xlsx)") }
            if archive["ppt/presentation.xml"] != nil {
                throw ReadError.notAWordDocument(found: "PowerPoint 演示文稿 (.pptx)")
            }
            throw ReadError.notAWordDocument(found: "ZIP 压缩包 (ZIP archive)")
        }
        if entry.uncompressedSize > 200_000_000 { throw ReadError.damaged("word/document.xml 过大 (too large)") }
        var xml = Data()
        do {
            _ = try archive.extract(entry, skipCRC32: false) { xml.append($0) }
        } catch {
            throw ReadError.damaged("word/document.xml 无法解压 (cannot be extracted)")
        }
        return paragraphs(ofDocumentXML: [UInt8](xml))
    }

    /// Paragraph text from WordprocessingML: `w:t` runs joined, `w:tab` as a tab, `w:br` as a line break
    /// inside the paragraph; deleted text (`w:delText`) and field instructions (`w:instrText`) are left out.
    public static func paragraphs(ofDocumentXML xml: [UInt8]) -> [Paragraph] {
        var out: [Paragraph] = []
        var text: [UInt8] = []
        var headingLevel: Int?
        var inText = false
        // Inside a table row the cells' paragraphs gather into one line.
        var rowDepth = 0
        var row: [String] = []
        var i = 0
        let n = xml.count
        while i < n {
            let b = xml[i]
            if b == UInt8(ascii: "<") {
                var j = i + 1
                while j < n && xml[j] != UInt8(ascii: ">") { j += 1 }
                let tag = xml[(i + 1)..<min(j, n)]
                let name = tagName(tag)
                let closing = tag.first == UInt8(ascii: "/")
                let selfClosing = tag.last == UInt8(ascii: "/")
                switch name {
                case "w:t":
                    inText = !closing && !selfClosing
                case "w:tab":
                    if !closing { text.append(0x09) }
                case "w:br", "w:cr":
                    if !closing { text.append(0x0A) }
                case "w:tr":
                    if closing {
                        rowDepth = max(0, rowDepth - 1)
                        if rowDepth == 0 && !row.isEmpty {
                            out.append(Paragraph(text: row.joined(separator: "\t"), tableRow: true))
                            row.removeAll()
                        }
                    } else if !selfClosing {
                        rowDepth += 1
                    }
                case "w:p":
                    if closing || selfClosing {
                        if rowDepth > 0 {
                            let cell = decodeEntities(text)
                            if !cell.isEmpty { row.append(cell) }
                        } else {
                            out.append(Paragraph(text: decodeEntities(text), headingLevel: headingLevel))
                        }
                        text.removeAll(keepingCapacity: true)
                        headingLevel = nil
                    } else {
                        text.removeAll(keepingCapacity: true)
                        headingLevel = nil
                    }
                case "w:pStyle":
                    if let v = attribute("w:val", in: tag) { headingLevel = level(ofStyle: v) ?? headingLevel }
                case "w:outlineLvl":
                    if let v = attribute("w:val", in: tag), let n = Int(v), n < 9 { headingLevel = n + 1 }
                default:
                    break
                }
                i = j + 1
                continue
            }
            if inText { text.append(b) }
            i += 1
        }
        if !text.isEmpty { out.append(Paragraph(text: decodeEntities(text), headingLevel: headingLevel)) }
        return out
    }

    static func tagName(_ tag: ArraySlice<UInt8>) -> String {
        var s = tag.startIndex
        if s < tag.endIndex && tag[s] == UInt8(ascii: "/") { s += 1 }
        var e = s
        while e < tag.endIndex {
            let c = tag[e]
            if c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D || c == UInt8(ascii: "/") { break }
            e += 1
        }
        return String(decoding: tag[s..<e], as: UTF8.self)
    }

    static func attribute(_ name: String, in tag: ArraySlice<UInt8>) -> String? {
        let s = String(decoding: tag, as: UTF8.self)
        guard let r = s.range(of: name + "=\"") else { return nil }
        let rest = s[r.upperBound...]
        guard let end = rest.firstIndex(of: "\"") else { return nil }
        return String(rest[..<end])
    }

    /// Built-in heading styles: "Heading1", "heading 2", "1" (Chinese Word names its heading styles by number), "Title".
    private static func level(ofStyle style: String) -> Int? {
        let lower = style.lowercased().replacingOccurrences(of: " ", with: "")
        if lower == "title" { return 1 }
        for prefix in ["heading", "标题"] where lower.hasPrefix(prefix) {
            return Int(lower.dropFirst(prefix.count))
        }
        if let n = Int(lower), n >= 1, n <= 9 { return n }
        return nil
    }

    static func decodeEntities(_ bytes: [UInt8]) -> String {
        let s = String(decoding: bytes, as: UTF8.self)
        guard s.contains("&") else { return s }
        return s.replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&apos;", with: "'")
            .replacingOccurrences(of: "&amp;", with: "&")
    }
}
