import Foundation
import LuoshiCore
import OfficeOpenXML

/// What kind of document the bytes held.
public enum DocumentFormat: String, Sendable {
    case plainText = "text"
    case markdown
    case html
    case docx
}

/// A document decoded to text: the text every span of the plan points into.
public struct DecodedDocument: Sendable {
    /// For text and Markdown, the file's text; for HTML and Word, the text of their blocks, one per line.
    public var text: String
    public var encoding: String
    public var format: DocumentFormat
    /// Heading levels the container itself marks (Word heading styles, HTML `h1`–`h6`), by line number.
    public var headingLevels: [Int: Int]
    /// Lines that open with a bold run-in lead sentence (HTML `<strong>`), by line number.
    public var boldLeadLines: Set<Int> = []
    /// Table rows (HTML `<tr>`, Word `w:tr`), by line number: lines of their own, read as items.
    public var itemLines: Set<Int> = []
}

/// Bytes → text: sniffs the format, detects the encoding, refuses what is not a document.
public enum DocumentDecoder {
    /// The largest document the reader accepts (a provincial report with annexes is under 1 MB).
    public static let sizeLimit = 20 * 1024 * 1024

    public static func decode(_ data: Data) throws(DocumentError) -> DecodedDocument {
        // The bytes are read in place: a copy would cost as much memory as the document.
        if data.isEmpty { throw .empty }
        if data.count > sizeLimit { throw .tooLarge(bytes: data.count, limit: sizeLimit) }
        if let found = binaryFormat(Array(data.prefix(16))) {
            if found == "zip" { return try decodeDocx(data) }
            throw .unsupportedFormat(found: found)
        }
        let (text, encoding) = try decodeText(data)
        if text.unicodeScalars.allSatisfy({ Scalars.isSpace($0) || Scalars.isLineBreak($0) }) { throw .empty }
        if looksLikeHTML(text) {
            let page = HTMLText.extract(text)
            if page.text.unicodeScalars.allSatisfy({ Scalars.isSpace($0) || Scalars.isLineBreak($0) }) { throw .empty }
            return DecodedDocument(
                text: page.text, encoding: encoding, format: .html, headingLevels: page.headings,
                boldLeadLines: page.boldLines, itemLines: page.rows)
        }
        return DecodedDocument(
            text: text, encoding: encoding, format: looksLikeMarkdown(text) ? .markdown : .plainText, headingLevels: [:]
        )
    }

    /// Plain text of any encoding the reader knows (UTF-8 with or without its mark, UTF-16, GB18030), as a
    /// CSV that Chinese Excel saved is: the same detection a document gets, without reading it as one.
    public static func text(_ data: Data) throws(DocumentError) -> (text: String, encoding: String) {
        if data.isEmpty { throw .empty }
        if data.count > sizeLimit { throw .tooLarge(bytes: data.count, limit: sizeLimit) }
        if let found = binaryFormat(Array(data.prefix(16))) { throw .unsupportedFormat(found: found) }
        return try decodeText(data)
    }

    /// Magic numbers of formats people upload by mistake.
    static func binaryFormat(_ b: [UInt8]) -> String? {
        func starts(_ magic: [UInt8]) -> Bool { b.count >= magic.count && Array(b[0..<magic.count]) == magic }
        if starts([0x50, 0x4B, 0x03, 0x04]) { return "zip" }
        if starts([0x25, 0x50, 0x44, 0x46]) { return "PDF 文件 (PDF)" }
        if starts([0xD0, 0xCF, 0x11, 0xE0]) { return "旧版 Word/Excel 文件 (.doc/.xls)，请另存为 .docx" }
        if starts([0x89, 0x50, 0x4E, 0x47]) { return "PNG 图片 (PNG image)" }
        if starts([0xFF, 0xD8, 0xFF]) { return "JPEG 图片 (JPEG image)" }
        if starts([0x47, 0x49, 0x46, 0x38]) { return "GIF 图片 (GIF image)" }
        if starts([0x1F, 0x8B]) { return "gzip 压缩文件 (gzip)" }
        if starts([0x52, 0x61, 0x72, 0x21]) { return "RAR 压缩包 (RAR archive)" }
        if starts([0x37, 0x7A, 0xBC, 0xAF]) { return "7z 压缩包 (7z archive)" }
        if starts([0x7F, 0x45, 0x4C, 0x46]) { return "可执行程序 (ELF executable)" }
        if starts(Array("{\\rtf".utf8)) { return "RTF 文档 (RTF)，请另存为 .docx 或纯文本" }
        return nil
    }

    static func decodeDocx(_ data: Data) throws(DocumentError) -> DecodedDocument {
        let paragraphs: [WordDocument.Paragraph]
        do {
            paragraphs = try WordDocument.paragraphs(of: data)
        } catch let error as WordDocument.ReadError {
            switch error {
            case .notAZipArchive: throw .damagedDocument(reason: "ZIP 结构无法读取 (unreadable ZIP structure)")
            case .notAWordDocument(let found): throw .unsupportedFormat(found: found)
            case .damaged(let reason): throw .damagedDocument(reason: reason)
            }
        } catch {
            throw .damagedDocument(reason: "\(error)")
        }
        var lines: [String] = []
        var headings: [Int: Int] = [:]
        var rows: Set<Int> = []
        for p in paragraphs {
            let parts = p.text.split(separator: "\n", omittingEmptySubsequences: false)
            if let level = p.headingLevel { headings[lines.count] = level }
            if p.tableRow { rows.insert(lines.count) }
            lines.append(contentsOf: parts.map(String.init))
        }
        let text = lines.joined(separator: "\n")
        if text.unicodeScalars.allSatisfy({ Scalars.isSpace($0) || Scalars.isLineBreak($0) }) { throw .empty }
        return DecodedDocument(text: text, encoding: "UTF-8", format: .docx, headingLevels: headings, itemLines: rows)
    }

    /// GB18030 in Foundation's numbering (`CFStringConvertEncodingToNSStringEncoding` does not exist on Linux).
    static let gb18030 = String.Encoding(rawValue: 0x8000_0632)

    static func decodeText(_ bytes: Data) throws(DocumentError) -> (String, String) {
        var text: String?
        var encoding = "UTF-8"
        let first = Array(bytes.prefix(3))
        if first.starts(with: [0xEF, 0xBB, 0xBF]) {
            text = bytes.withUnsafeBytes { raw in
                String(
                    validating: UnsafeBufferPointer(rebasing: raw.bindMemory(to: UInt8.self).dropFirst(3)),
                    as: UTF8.self)
            }
            encoding = "UTF-8"
        } else if first.starts(with: [0xFF, 0xFE]) || first.starts(with: [0xFE, 0xFF]) {
            let little = first[0] == 0xFF
            text = decodeUTF16(Array(bytes.dropFirst(2))[...], littleEndian: little)
            encoding = little ? "UTF-16LE" : "UTF-16BE"
        } else if let utf8 = bytes.withUnsafeBytes({ raw in
            String(validating: raw.bindMemory(to: UInt8.self), as: UTF8.self)
        }) {
            text = utf8
        } else if let endian = utf16WithoutBOM(Array(bytes.prefix(4096))) {
            text = decodeUTF16(Array(bytes)[...], littleEndian: endian)
            encoding = endian ? "UTF-16LE" : "UTF-16BE"
        } else if let repaired = repairedUTF8(bytes) {
            // UTF-8 with a few broken bytes (a download cut inside a character, a damaged sector): read, the
            // broken bytes shown as �, rather than refused — or taken for GB18030, which would garble it all.
            text = repaired
        } else if !bytes.contains(0), let gb = String(data: bytes, encoding: gb18030) {
            text = gb
            encoding = "GB18030"
        }
        guard let text, !looksBinary(text) else { throw .binary }
        return (text, encoding)
    }

    /// UTF-8 that is valid but for a few bytes: at most one broken sequence in 200 characters, as many as
    /// `looksBinary` lets pass. GB18030 read as UTF-8 breaks at nearly every character.
    static func repairedUTF8(_ bytes: Data) -> String? {
        let text = String(decoding: bytes, as: UTF8.self)
        var total = 0
        var broken = 0
        for s in text.unicodeScalars {
            total += 1
            if s == "\u{FFFD}" { broken += 1 }
        }
        return total > 0 && broken * 200 <= total ? text : nil
    }

    /// UTF-16 without a BOM shows as NULs in every other byte of ASCII-heavy text.
    static func utf16WithoutBOM(_ b: [UInt8]) -> Bool? {
        let n = min(b.count, 4096) & ~1
        guard n >= 8 else { return nil }
        var evenZero = 0
        var oddZero = 0
        for i in stride(from: 0, to: n, by: 2) {
            if b[i] == 0 { evenZero += 1 }
            if b[i + 1] == 0 { oddZero += 1 }
        }
        let pairs = n / 2
        if oddZero * 10 > pairs * 3 && evenZero * 20 < pairs { return true }
        if evenZero * 10 > pairs * 3 && oddZero * 20 < pairs { return false }
        return nil
    }

    static func decodeUTF16(_ b: ArraySlice<UInt8>, littleEndian: Bool) -> String? {
        guard b.count % 2 == 0 else { return nil }
        var units: [UInt16] = []
        units.reserveCapacity(b.count / 2)
        var i = b.startIndex
        while i < b.endIndex {
            let lo = UInt16(b[i]), hi = UInt16(b[i + 1])
            units.append(littleEndian ? (hi << 8 | lo) : (lo << 8 | hi))
            i += 2
        }
        return String(validating: units, as: UTF16.self)
    }

    /// Text with control characters or replacement characters in it is not a document.
    static func looksBinary(_ text: String) -> Bool {
        var total = 0
        var bad = 0
        for s in text.unicodeScalars {
            total += 1
            let v = s.value
            if v == 0 { return true }
            if (v < 0x20 && v != 0x09 && v != 0x0A && v != 0x0D && v != 0x0C) || v == 0xFFFD || (v >= 0x7F && v < 0xA0)
            {
                bad += 1
            }
        }
        return total > 0 && bad * 200 > total
    }

    /// An HTML page starts with a tag and holds block or document tags in its first 4 KB.
    static func looksLikeHTML(_ text: String) -> Bool {
        var head = Array(text.utf8.prefix(4096))
        for i in head.indices where head[i] >= 0x41 && head[i] <= 0x5A { head[i] += 0x20 }
        var start = 0
        if head.starts(with: [0xEF, 0xBB, 0xBF]) { start = 3 }
        while start < head.count
            && (head[start] == 0x20 || head[start] == 0x0A || head[start] == 0x0D || head[start] == 0x09)
        {
            start += 1
        }
        guard start < head.count, head[start] == UInt8(ascii: "<") else { return false }
        let body = Array(head[start...])
        func has(_ s: String) -> Bool {
            let needle = Array(s.utf8)
            guard body.count >= needle.count else { return false }
            var i = 0
            while i + needle.count <= body.count {
                if body[i] == needle[0] && body[i..<(i + needle.count)].elementsEqual(needle) { return true }
                i += 1
            }
            return false
        }
        if body.starts(with: Array("<!doctype html".utf8)) || body.starts(with: Array("<html".utf8)) { return true }
        return ["<p>", "<p ", "<div", "<body", "<br", "<span", "<table"].contains(where: has)
    }

    /// Markdown shows in its first lines: front matter, `#` headings, `|` tables, `- ` lists, `**` bold.
    static func looksLikeMarkdown(_ text: String) -> Bool {
        if text.hasPrefix("---\n") || text.hasPrefix("---\r\n") { return true }
        var signals = 0
        var lines = 0
        var column = 0
        var first: UInt8 = 0
        var previous: UInt8 = 0
        var bold = false
        for b in text.utf8.prefix(65_536) {
            if b == 0x0A {
                if bold { signals += 1 }
                if signals >= 3 { return true }
                bold = false
                column = 0
                lines += 1
                if lines > 400 { break }
                continue
            }
            if column == 0 {
                first = b
                if b == UInt8(ascii: "#") || b == UInt8(ascii: "|") { signals += 1 }
            } else if column == 1 && b == 0x20 && (first == UInt8(ascii: "-") || first == UInt8(ascii: "*")) {
                signals += 1
            }
            if b == UInt8(ascii: "*") && previous == UInt8(ascii: "*") { bold = true }
            previous = b
            column += 1
        }
        if bold { signals += 1 }
        return signals >= 3
    }
}
