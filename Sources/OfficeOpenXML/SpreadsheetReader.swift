import Foundation
import LuoshiCore
import ZIPFoundation

/// Reading the cells of an Excel workbook (.xlsx, SpreadsheetML) as text, the way a clerk sees them: shared
/// and inline strings, numbers without a trailing .0, dates (cells with a date format) as 2015-06-30, a
/// formula's last value, and a merged range's value in each of its cells.
public enum SpreadsheetReader {
    public enum ReadError: Error, Equatable, Sendable {
        case notAZipArchive
        /// An Excel 97–2003 file (.xls, BIFF): saved as .xlsx it can be read.
        case legacyExcel
        /// A workbook protected by a password (an encrypted package): saved without one it can be read.
        case encrypted
        /// A ZIP archive that is not a workbook; `found` says what it looks like.
        case notAWorkbook(found: String)
        case tooLarge(String)
        case damaged(String)
    }

    public struct SheetCells: Equatable, Sendable {
        public var name: String
        public var rows: [[String]]
    }

    /// Each sheet, in the workbook's order. More than `maxCells` cells in all is refused.
    public static func sheets(of data: Data, maxCells: Int = 1_000_000) throws -> [SheetCells] {
        if data.starts(with: [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
            // An OLE compound file: an old .xls, or an encrypted .xlsx (its streams name EncryptionInfo).
            let marker = Data("EncryptionInfo".utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] })
            throw data.range(of: marker) != nil ? ReadError.encrypted : ReadError.legacyExcel
        }
        let archive: Archive
        do {
            archive = try Archive(data: data, accessMode: .read)
        } catch {
            throw ReadError.notAZipArchive
        }
        guard let workbook = try part(archive, "xl/workbook.xml") else {
            if archive["word/document.xml"] != nil { throw ReadError.notAWorkbook(found: "Word 文档 (.docx)") }
            throw ReadError.notAWorkbook(found: "ZIP 压缩包 (ZIP archive)")
        }
        let rels = try part(archive, "xl/_rels/workbook.xml.rels") ?? []
        var targets: [String: String] = [:]
        for tag in tags(rels) where tag.name == "Relationship" {
            if let id = tag.attribute("Id"), let target = tag.attribute("Target") { targets[id] = target }
        }
        let shared = strings(try part(archive, "xl/sharedStrings.xml") ?? [])
        let dateStyles = dateFormats(try part(archive, "xl/styles.xml") ?? [])
        var out: [SheetCells] = []
        var cells = 0
        for tag in tags(workbook) where tag.name == "sheet" {
            let name = decode(tag.attribute("name") ?? "")
            guard let id = tag.attribute("r:id"), var target = targets[id] else { continue }
            if target.hasPrefix("/") { target.removeFirst() } else { target = "xl/" + target }
            guard let xml = try part(archive, target) else { continue }
            let rows = try sheetRows(xml, shared: shared, dateStyles: dateStyles, budget: maxCells - cells)
            cells += rows.reduce(0) { $0 + $1.count }
            out.append(SheetCells(name: name, rows: rows))
        }
        return out
    }

    /// A part's bytes; nil when the package has no such part.
    static func part(_ archive: Archive, _ path: String) throws -> [UInt8]? {
        guard let entry = archive[path] else { return nil }
        // A sheet of a million cells is about 100 MB of XML; more is not a 分解表.
        if entry.uncompressedSize > 200_000_000 { throw ReadError.tooLarge("\(path) 过大 (too large)") }
        var bytes = Data()
        do {
            // The size the archive declares may be a lie (a ZIP bomb): the bytes are counted as they come.
            _ = try archive.extract(entry, skipCRC32: false) {
                bytes.append($0)
                if bytes.count > 200_000_000 { throw ReadError.tooLarge("\(path) 过大 (too large)") }
            }
        } catch let error as ReadError {
            throw error
        } catch {
            throw ReadError.damaged("\(path) 无法解压 (cannot be extracted)")
        }
        return [UInt8](bytes)
    }

    struct Tag {
        var name: String
        var raw: ArraySlice<UInt8>
        var closing: Bool
        var selfClosing: Bool
        /// Where the text after the tag starts.
        var end: Int

        /// An attribute's value; the name must start the attribute (` t="s"`, not the t of ` cnt="…"`).
        func attribute(_ name: String) -> String? {
            let s = String(decoding: raw, as: UTF8.self)
            for sep in [" ", "\n", "\t", "\r"] {
                guard let r = s.range(of: sep + name + "=\"") else { continue }
                let rest = s[r.upperBound...]
                guard let end = rest.firstIndex(of: "\"") else { return nil }
                return String(rest[..<end])
            }
            return nil
        }
    }

    /// The tags of an XML part in order (comments, processing instructions and declarations skipped).
    static func tags(_ xml: [UInt8]) -> [Tag] {
        var out: [Tag] = []
        var i = 0
        let n = xml.count
        while i < n {
            guard xml[i] == UInt8(ascii: "<") else {
                i += 1
                continue
            }
            var j = i + 1
            while j < n && xml[j] != UInt8(ascii: ">") { j += 1 }
            let tag = xml[(i + 1)..<min(j, n)]
            if let first = tag.first, first != UInt8(ascii: "?") && first != UInt8(ascii: "!") {
                out.append(
                    Tag(
                        name: WordDocument.tagName(tag), raw: tag, closing: first == UInt8(ascii: "/"),
                        selfClosing: tag.last == UInt8(ascii: "/"), end: min(j + 1, n)))
            }
            i = j + 1
        }
        return out
    }

    /// The text between a tag and the next tag.
    static func text(_ xml: [UInt8], after tag: Tag) -> String {
        var e = tag.end
        while e < xml.count && xml[e] != UInt8(ascii: "<") { e += 1 }
        return decode(String(decoding: xml[tag.end..<e], as: UTF8.self))
    }

    static func decode(_ s: String) -> String {
        guard s.contains("&") else { return s }
        var out = WordDocument.decodeEntities(Array(s.utf8))
        // Numeric references: &#10; &#x4E00;
        while let r = out.range(of: #"&#(x[0-9A-Fa-f]+|[0-9]+);"#, options: .regularExpression) {
            let body = out[r].dropFirst(2).dropLast()
            let value = body.hasPrefix("x") ? UInt32(body.dropFirst(), radix: 16) : UInt32(body)
            out.replaceSubrange(r, with: value.flatMap(Unicode.Scalar.init).map { String(Character($0)) } ?? "")
        }
        return out
    }

    /// The shared strings: each `si`'s text runs joined (phonetic runs, `rPh`, left out).
    static func strings(_ xml: [UInt8]) -> [String] {
        var out: [String] = []
        var current = ""
        var phonetic = 0
        for tag in tags(xml) {
            switch tag.name {
            case "si":
                if tag.closing {
                    out.append(current)
                } else if !tag.selfClosing {
                    current = ""
                } else {
                    out.append("")
                }
            case "rPh": if !tag.selfClosing { phonetic += tag.closing ? -1 : 1 }
            case "t": if !tag.closing && !tag.selfClosing && phonetic == 0 { current += text(xml, after: tag) }
            default: break
            }
        }
        return out
    }

    /// The cell formats (by index) that show a date: the built-in date formats and custom ones with y, m or
    /// d outside quotes.
    static func dateFormats(_ xml: [UInt8]) -> Set<Int> {
        var custom: [Int: String] = [:]
        var formats: [Int] = []
        var inCellXfs = false
        for tag in tags(xml) {
            switch tag.name {
            case "numFmt":
                if let id = tag.attribute("numFmtId").flatMap(Int.init), let code = tag.attribute("formatCode") {
                    custom[id] = decode(code)
                }
            case "cellXfs": inCellXfs = !tag.closing && !tag.selfClosing
            case "xf": if inCellXfs && !tag.closing { formats.append(tag.attribute("numFmtId").flatMap(Int.init) ?? 0) }
            default: break
            }
        }
        var out: Set<Int> = []
        for (index, id) in formats.enumerated() {
            if (14...22).contains(id) || (27...36).contains(id) || (50...58).contains(id) {
                out.insert(index)
            } else if let code = custom[id] {
                let bare = code.replacingOccurrences(of: #""[^"]*""#, with: "", options: .regularExpression)
                    .replacingOccurrences(of: #"\[[^\]]*\]"#, with: "", options: .regularExpression).lowercased()
                if bare.contains("y") || bare.contains("d") || (bare.contains("m") && !bare.contains("h")) {
                    out.insert(index)
                }
            }
        }
        return out
    }

    /// "C12" → (row 11, column 2), zero-based.
    static func position(_ ref: String) -> (row: Int, column: Int)? {
        var column = 0
        var row = 0
        var letters = 0
        for u in ref.unicodeScalars {
            if u.value >= 65 && u.value <= 90 {
                column = column * 26 + Int(u.value - 64)
                letters += 1
            } else if u.value >= 48 && u.value <= 57 {
                row = row * 10 + Int(u.value - 48)
            } else {
                return nil
            }
            if letters > 3 || row > 1_048_576 { return nil }
        }
        guard letters > 0, row > 0, column <= 16_384 else { return nil }
        return (row - 1, column - 1)
    }

    static func sheetRows(_ xml: [UInt8], shared: [String], dateStyles: Set<Int>, budget: Int) throws -> [[String]] {
        var grid: [Int: [Int: String]] = [:]
        var count = 0
        var maxRow = -1
        var merges: [(Int, Int, Int, Int)] = []
        let all = tags(xml)
        var k = 0
        var nextRow = 0
        var nextColumn = 0
        while k < all.count {
            let tag = all[k]
            k += 1
            switch tag.name {
            case "row" where !tag.closing:
                if let r = tag.attribute("r").flatMap(Int.init), r >= 1 { nextRow = r - 1 }
                nextColumn = 0
                if tag.selfClosing { nextRow += 1 }
            case "row" where tag.closing:
                nextRow += 1
            case "c" where !tag.closing:
                let at = tag.attribute("r").flatMap(position) ?? (nextRow, nextColumn)
                nextColumn = at.column + 1
                guard !tag.selfClosing else { continue }
                let type = tag.attribute("t") ?? "n"
                let style = tag.attribute("s").flatMap(Int.init) ?? 0
                var value: String?
                var inline = ""
                // The cell's own tags, to its end.
                while k < all.count, !(all[k].name == "c" && all[k].closing) {
                    let inner = all[k]
                    if inner.name == "v" && !inner.closing && !inner.selfClosing { value = text(xml, after: inner) }
                    if inner.name == "t" && !inner.closing && !inner.selfClosing { inline += text(xml, after: inner) }
                    k += 1
                }
                k += 1
                let shown: String
                switch type {
                case "s":
                    shown = value.flatMap(Int.init).flatMap { $0 >= 0 && $0 < shared.count ? shared[$0] : nil } ?? ""
                case "inlineStr": shown = inline
                case "str", "e": shown = value ?? ""
                case "b": shown = value == "1" ? "TRUE" : "FALSE"
                default: shown = number(value, date: dateStyles.contains(style))
                }
                guard !shown.isEmpty else { continue }
                count += 1
                if count > budget { throw ReadError.tooLarge("单元格过多 (too many cells)") }
                grid[at.row, default: [:]][at.column] = shown
                maxRow = max(maxRow, at.row)
            case "mergeCell":
                let parts = (tag.attribute("ref") ?? "").split(separator: ":").map(String.init)
                if parts.count == 2, let a = position(parts[0]), let b = position(parts[1]) {
                    merges.append((a.row, a.column, b.row, b.column))
                }
            default: break
            }
        }
        // A merged range shows its first cell's value; an office means it for each row it spans.
        for (r0, c0, r1, c1) in merges where r1 >= r0 && c1 >= c0 && (r1 - r0 + 1) * (c1 - c0 + 1) <= 100_000 {
            guard let v = grid[r0]?[c0] else { continue }
            for r in r0...r1 {
                for c in c0...c1 where grid[r]?[c] == nil { grid[r, default: [:]][c] = v }
            }
            maxRow = max(maxRow, r1)
        }
        guard maxRow >= 0 else { return [] }
        return (0...maxRow).map { r in
            guard let row = grid[r], let last = row.keys.max() else { return [] }
            return (0...last).map { row[$0] ?? "" }
        }
    }

    /// A number cell's text: 12 not 12.0; a date format's serial as 2015-06-30.
    static func number(_ v: String?, date: Bool) -> String {
        guard let v, let x = Double(v) else { return v ?? "" }
        if date, x >= 1, x < 2_958_466 {
            // Serial 25,569 is 1970-01-01.
            let d = CivilDay(ordinal: Int(x.rounded(.down)) - 25_569)
            return String(format: "%04d-%02d-%02d", d.year, d.month, d.day)
        }
        if x == x.rounded(), abs(x) < 1e15 { return String(Int64(x)) }
        return String(x)
    }
}
