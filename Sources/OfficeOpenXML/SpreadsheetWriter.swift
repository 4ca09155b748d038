import Foundation
import ZIPFoundation

/// A workbook to write as an Excel file (.xlsx, SpreadsheetML): sheets of rows, the styles an office's
/// 分解表 uses (a bold header, wrapped text, dates, percentages), frozen header rows, outline levels for
/// grouped rows, hidden columns, and an A4 landscape print setup that repeats the header on every page.
public struct Workbook: Sendable {
    public var sheets: [Sheet]

    public init(sheets: [Sheet]) { self.sheets = sheets }
}

public struct Sheet: Sendable {
    /// At most 31 characters, none of `[]:*?/\` (Excel's rule); `SpreadsheetWriter` makes it so.
    public var name: String
    public var columns: [Column]
    public var rows: [Row]
    /// Rows that stay in view when scrolling, and repeat at the top of every printed page.
    public var headerRows: Int
    /// Cell ranges merged into one ("A1:F1").
    public var merges: [String]
    public var landscape: Bool
    /// An autofilter over the header row and the rows below it.
    public var filter: Bool

    public init(
        name: String, columns: [Column], rows: [Row], headerRows: Int = 1, merges: [String] = [],
        landscape: Bool = true, filter: Bool = true
    ) {
        self.name = name
        self.columns = columns
        self.rows = rows
        self.headerRows = headerRows
        self.merges = merges
        self.landscape = landscape
        self.filter = filter
    }
}

public struct Column: Sendable {
    /// Width in characters of the default font (a Chinese character counts about two).
    public var width: Double
    public var hidden: Bool

    public init(width: Double, hidden: Bool = false) {
        self.width = width
        self.hidden = hidden
    }
}

public struct Row: Sendable {
    public var cells: [Cell]
    /// 0 for a top row; rows of level 1 and 2 fold under the rows above them (Excel's 分级显示).
    public var outlineLevel: Int

    public init(_ cells: [Cell], outlineLevel: Int = 0) {
        self.cells = cells
        self.outlineLevel = outlineLevel
    }
}

public struct Cell: Sendable, Equatable {
    public enum Value: Sendable, Equatable {
        case empty
        case text(String)
        case number(Double)
        /// A calendar day as days since 1970-01-01 (`CivilDay.ordinal`), written as Excel's serial day number
        /// with a date format.
        case date(daysSince1970: Int)
    }

    public enum Style: Int, Sendable {
        case plain = 0
        case header = 1
        case wrapped = 2
        case title = 3
        case date = 4
        case percent = 5
        /// A row that heads a group (an area or theme): bold, shaded.
        case group = 6
        case number = 7
    }

    public var value: Value
    public var style: Style

    public init(_ value: Value, _ style: Style = .wrapped) {
        self.value = value
        self.style = style
    }

    public static func text(_ s: String?, _ style: Style = .wrapped) -> Cell {
        guard let s, !s.isEmpty else { return Cell(.empty, style) }
        return Cell(.text(s), style)
    }

    public static func number(_ v: Double?, _ style: Style = .number) -> Cell {
        guard let v, v.isFinite else { return Cell(.empty, style) }
        return Cell(.number(v), style)
    }
}

public enum SpreadsheetWriter {
    public static func xlsx(_ workbook: Workbook) throws -> Data {
        let sheets = workbook.sheets.isEmpty ? [Sheet(name: "Sheet1", columns: [], rows: [])] : workbook.sheets
        let names = uniqueNames(sheets.map(\.name))
        let archive = try Archive(accessMode: .create)
        try WordDocumentWriter.add(archive, "[Content_Types].xml", contentTypes(sheets.count))
        try WordDocumentWriter.add(archive, "_rels/.rels", rootRelationships)
        try WordDocumentWriter.add(archive, "xl/workbook.xml", workbookXML(sheets, names))
        try WordDocumentWriter.add(archive, "xl/_rels/workbook.xml.rels", workbookRelationships(sheets.count))
        try WordDocumentWriter.add(archive, "xl/styles.xml", styles)
        for (i, sheet) in sheets.enumerated() {
            try WordDocumentWriter.add(archive, "xl/worksheets/sheet\(i + 1).xml", worksheet(sheet))
        }
        guard let data = archive.data else { throw WordDocument.ReadError.damaged("archive not written") }
        return data
    }

    /// Excel's sheet names: 31 characters at most, none of `[]:*?/\`, unique ignoring case.
    static func uniqueNames(_ names: [String]) -> [String] {
        var seen: Set<String> = []
        return names.enumerated().map { i, name in
            var base = String(name.filter { !"[]:*?/\\".contains($0) }.prefix(31))
            if base.isEmpty { base = "Sheet\(i + 1)" }
            var candidate = base
            var n = 2
            while seen.contains(candidate.lowercased()) {
                let suffix = "(\(n))"
                candidate = String(base.prefix(31 - suffix.count)) + suffix
                n += 1
            }
            seen.insert(candidate.lowercased())
            return candidate
        }
    }

    /// "A", "B", … "Z", "AA" for a zero-based column.
    public static func columnName(_ index: Int) -> String {
        var n = index + 1
        var s = ""
        while n > 0 {
            let r = (n - 1) % 26
            s = String(UnicodeScalar(UInt8(65 + r))) + s
            n = (n - 1) / 26
        }
        return s
    }

    /// Excel's serial day number (1900 date system, which counts a 29 February 1900 that never was): day 25,569
    /// is 1970-01-01.
    public static func serial(daysSince1970 days: Int) -> Int { days + 25_569 }

    static func contentTypes(_ sheets: Int) -> String {
        var overrides = ""
        for i in 1...sheets {
            overrides +=
                "<Override PartName=\"/xl/worksheets/sheet\(i).xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/>"
        }
        return """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">\
            <Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>\
            <Default Extension="xml" ContentType="application/xml"/>\
            <Override PartName="/xl/workbook.xml" \
            ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>\
            <Override PartName="/xl/styles.xml" \
            ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>\
            \(overrides)</Types>
            """
    }

    static let rootRelationships = """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
        <Relationship Id="rId1" \
        Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" \
        Target="xl/workbook.xml"/></Relationships>
        """

    static func workbookXML(_ sheets: [Sheet], _ names: [String]) -> String {
        var list = ""
        var defined = ""
        for (i, sheet) in sheets.enumerated() {
            let name = MarkupText.escape(names[i])
            list += "<sheet name=\"\(name)\" sheetId=\"\(i + 1)\" r:id=\"rId\(i + 1)\"/>"
            let quoted = "'" + names[i].replacingOccurrences(of: "'", with: "''") + "'"
            if sheet.headerRows > 0 {
                // The header repeats on every printed page.
                defined +=
                    "<definedName name=\"_xlnm.Print_Titles\" localSheetId=\"\(i)\">\(MarkupText.escape(quoted))!$1:$\(sheet.headerRows)</definedName>"
            }
            if sheet.filter, sheet.headerRows > 0, !sheet.columns.isEmpty {
                let (first, column, last) = filterCorners(sheet)
                defined +=
                    "<definedName name=\"_xlnm._FilterDatabase\" localSheetId=\"\(i)\" hidden=\"1\">\(MarkupText.escape(quoted))!$A$\(first):$\(column)$\(last)</definedName>"
            }
        }
        return """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" \
            xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">\
            <sheets>\(list)</sheets>\(defined.isEmpty ? "" : "<definedNames>\(defined)</definedNames>")</workbook>
            """
    }

    static func workbookRelationships(_ sheets: Int) -> String {
        var rels = ""
        for i in 1...sheets {
            rels +=
                "<Relationship Id=\"rId\(i)\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"worksheets/sheet\(i).xml\"/>"
        }
        rels +=
            "<Relationship Id=\"rId\(sheets + 1)\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" Target=\"styles.xml\"/>"
        return """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\(rels)</Relationships>
            """
    }

    /// The cell formats, in the order of `Cell.Style`'s raw values.
    static let styles = """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">\
        <numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/><numFmt numFmtId="165" formatCode="0.0%"/></numFmts>\
        <fonts count="3">\
        <font><sz val="11"/><name val="等线"/><family val="2"/></font>\
        <font><b/><sz val="11"/><name val="等线"/><family val="2"/></font>\
        <font><b/><sz val="14"/><name val="等线"/><family val="2"/></font>\
        </fonts>\
        <fills count="4">\
        <fill><patternFill patternType="none"/></fill>\
        <fill><patternFill patternType="gray125"/></fill>\
        <fill><patternFill patternType="solid"><fgColor rgb="FFD9E1F2"/><bgColor indexed="64"/></patternFill></fill>\
        <fill><patternFill patternType="solid"><fgColor rgb="FFF2F2F2"/><bgColor indexed="64"/></patternFill></fill>\
        </fills>\
        <borders count="2">\
        <border><left/><right/><top/><bottom/><diagonal/></border>\
        <border><left style="thin"><color auto="1"/></left><right style="thin"><color auto="1"/></right>\
        <top style="thin"><color auto="1"/></top><bottom style="thin"><color auto="1"/></bottom><diagonal/></border>\
        </borders>\
        <cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>\
        <cellXfs count="8">\
        <xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>\
        <xf numFmtId="0" fontId="1" fillId="2" borderId="1" xfId="0" applyFont="1" applyFill="1" applyBorder="1" \
        applyAlignment="1"><alignment horizontal="center" vertical="center" wrapText="1"/></xf>\
        <xf numFmtId="0" fontId="0" fillId="0" borderId="1" xfId="0" applyBorder="1" applyAlignment="1">\
        <alignment vertical="top" wrapText="1"/></xf>\
        <xf numFmtId="0" fontId="2" fillId="0" borderId="0" xfId="0" applyFont="1" applyAlignment="1">\
        <alignment horizontal="center" vertical="center"/></xf>\
        <xf numFmtId="164" fontId="0" fillId="0" borderId="1" xfId="0" applyNumberFormat="1" applyBorder="1" \
        applyAlignment="1"><alignment vertical="top"/></xf>\
        <xf numFmtId="165" fontId="0" fillId="0" borderId="1" xfId="0" applyNumberFormat="1" applyBorder="1" \
        applyAlignment="1"><alignment vertical="top"/></xf>\
        <xf numFmtId="0" fontId="1" fillId="3" borderId="1" xfId="0" applyFont="1" applyFill="1" applyBorder="1" \
        applyAlignment="1"><alignment vertical="top" wrapText="1"/></xf>\
        <xf numFmtId="0" fontId="0" fillId="0" borderId="1" xfId="0" applyBorder="1" applyAlignment="1">\
        <alignment vertical="top"/></xf>\
        </cellXfs>\
        <cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>\
        </styleSheet>
        """

    /// The autofilter's first row (the header's last), its last column and its last row.
    static func filterCorners(_ sheet: Sheet) -> (first: Int, column: String, last: Int) {
        (sheet.headerRows, columnName(max(sheet.columns.count, 1) - 1), max(sheet.rows.count, sheet.headerRows))
    }

    static func filterRange(_ sheet: Sheet) -> String {
        let (first, column, last) = filterCorners(sheet)
        return "A\(first):\(column)\(last)"
    }

    static func worksheet(_ sheet: Sheet) -> String {
        var xml = """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" \
            xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">
            """
        let maxLevel = sheet.rows.map(\.outlineLevel).max() ?? 0
        // Group rows fold under the row above them (the area's or theme's own row).
        xml += "<sheetPr><outlinePr summaryBelow=\"0\"/><pageSetUpPr fitToPage=\"1\"/></sheetPr>"
        let width = max(sheet.columns.count, sheet.rows.map(\.cells.count).max() ?? 1, 1)
        xml += "<dimension ref=\"A1:\(columnName(width - 1))\(max(sheet.rows.count, 1))\"/>"
        xml += "<sheetViews><sheetView workbookViewId=\"0\""
        if sheet.headerRows > 0 {
            xml +=
                "><pane ySplit=\"\(sheet.headerRows)\" topLeftCell=\"A\(sheet.headerRows + 1)\" activePane=\"bottomLeft\" state=\"frozen\"/>"
            xml +=
                "<selection pane=\"bottomLeft\" activeCell=\"A\(sheet.headerRows + 1)\" sqref=\"A\(sheet.headerRows + 1)\"/>"
            xml += "</sheetView></sheetViews>"
        } else {
            xml += "/></sheetViews>"
        }
        xml += "<sheetFormatPr defaultRowHeight=\"15\"\(maxLevel > 0 ? " outlineLevelRow=\"\(maxLevel)\"" : "")/>"
        if !sheet.columns.isEmpty {
            xml += "<cols>"
            for (i, c) in sheet.columns.enumerated() {
                xml +=
                    "<col min=\"\(i + 1)\" max=\"\(i + 1)\" width=\"\(c.width)\" customWidth=\"1\"\(c.hidden ? " hidden=\"1\"" : "")/>"
            }
            xml += "</cols>"
        }
        xml += "<sheetData>"
        for (r, row) in sheet.rows.enumerated() {
            xml += "<row r=\"\(r + 1)\"\(row.outlineLevel > 0 ? " outlineLevel=\"\(min(row.outlineLevel, 7))\"" : "")>"
            for (k, cell) in row.cells.enumerated() {
                let ref = "\(columnName(k))\(r + 1)"
                let s = cell.style == .plain ? "" : " s=\"\(cell.style.rawValue)\""
                switch cell.value {
                case .empty:
                    if cell.style != .plain { xml += "<c r=\"\(ref)\"\(s)/>" }
                case .text(let t):
                    // Excel keeps at most 32,767 characters in a cell.
                    let text = t.count > 32_000 ? String(t.prefix(32_000)) + "…" : t
                    xml +=
                        "<c r=\"\(ref)\"\(s) t=\"inlineStr\"><is><t xml:space=\"preserve\">\(MarkupText.escape(text))</t></is></c>"
                case .number(let v):
                    xml += "<c r=\"\(ref)\"\(s)><v>\(number(v))</v></c>"
                case .date(let days):
                    // A date is shown as one whatever style the row has.
                    xml +=
                        "<c r=\"\(ref)\" s=\"\(Cell.Style.date.rawValue)\"><v>\(serial(daysSince1970: days))</v></c>"
                }
            }
            xml += "</row>"
        }
        xml += "</sheetData>"
        if sheet.filter, sheet.headerRows > 0, !sheet.columns.isEmpty {
            xml += "<autoFilter ref=\"\(filterRange(sheet))\"/>"
        }
        if !sheet.merges.isEmpty {
            xml += "<mergeCells count=\"\(sheet.merges.count)\">"
            for m in sheet.merges { xml += "<mergeCell ref=\"\(MarkupText.escape(m))\"/>" }
            xml += "</mergeCells>"
        }
        xml += "<printOptions horizontalCentered=\"1\"/>"
        xml += "<pageMargins left=\"0.4\" right=\"0.4\" top=\"0.6\" bottom=\"0.6\" header=\"0.3\" footer=\"0.3\"/>"
        // A4 (paperSize 9), as wide as the page and as many pages long as it takes.
        xml +=
            "<pageSetup paperSize=\"9\" orientation=\"\(sheet.landscape ? "landscape" : "portrait")\" fitToWidth=\"1\" fitToHeight=\"0\"/>"
        xml += "<headerFooter><oddFooter>&amp;C第 &amp;P 页，共 &amp;N 页</oddFooter></headerFooter>"
        xml += "</worksheet>"
        return xml
    }

    /// A number as Excel writes it: integers without a decimal point, others with up to 15 significant digits.
    static func number(_ v: Double) -> String {
        if v == v.rounded(), abs(v) < 1e15 { return String(Int64(v)) }
        return String(format: "%.15g", v)
    }
}

/// Comma-separated values as Excel opens them: UTF-8 with a byte-order mark (without it Excel reads Chinese
/// as the system's code page), CRLF line ends, fields quoted when they hold a comma, a quote or a line break.
public enum CSVWriter {
    public static func csv(_ rows: [[String]]) -> Data {
        var out = "\u{FEFF}"
        for row in rows {
            out += row.map(field).joined(separator: ",")
            out += "\r\n"
        }
        return Data(out.utf8)
    }

    static func field(_ s: String) -> String {
        // A leading = + - @ would be read by a spreadsheet as a formula: keep it text.
        var s = s
        if let first = s.first, "=+-@\t\r".contains(first), Double(s) == nil { s = "'" + s }
        guard s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return s }
        return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
