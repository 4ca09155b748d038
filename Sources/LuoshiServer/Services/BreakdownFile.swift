import Foundation
import LuoshiCore
import OfficeOpenXML
import PlanReader

/// An uploaded 任务分解表: kept by its sha256 beside the evidence files (the audit entry of an import names
/// that fingerprint, so the file it names stays), and read into rows of text, the sheet that has the
/// header of a 分解表.
enum BreakdownFile {
    /// Larger is no 分解表: 10,000 rows of 40 columns is 400,000 cells.
    static let maxBytes = 20 << 20
    static let maxCells = 400_000

    enum Kind: String {
        case xlsx, csv
    }

    static func directory(_ evidence: String) -> String { evidence + "/sheets" }

    /// An Excel workbook (or an old or protected one, refused by the reader) else text: CSV.
    static func kind(of data: Data) -> Kind {
        data.starts(with: [0x50, 0x4B, 0x03, 0x04]) || data.starts(with: [0xD0, 0xCF, 0x11, 0xE0]) ? .xlsx : .csv
    }

    /// Whether a file named so is a spreadsheet (and not a plan document).
    static func isSheet(name: String, data: Data) -> Bool {
        let ext = name.split(separator: ".").last?.lowercased() ?? ""
        if ["xlsx", "xlsm", "xls", "csv", "et"].contains(ext) { return true }
        // A workbook named otherwise: its package has a workbook part (a .docx has word/ instead).
        return data.starts(with: [0x50, 0x4B, 0x03, 0x04]) && data.range(of: Data("xl/workbook.xml".utf8)) != nil
    }

    /// The rows of the sheet that holds the 分解表: the first whose header is recognised, else the first.
    static func rows(_ data: Data) throws -> [[String]] {
        switch kind(of: data) {
        case .csv:
            let text: String
            do {
                text = try DocumentDecoder.text(data).text
            } catch {
                throw LuoshiError.invalid(field: "分解表", reason: error.message)
            }
            do {
                return try CSVReader.rows(text, maxCells: maxCells)
            } catch {
                throw tooLarge
            }
        case .xlsx:
            let sheets: [SpreadsheetReader.SheetCells]
            do {
                sheets = try SpreadsheetReader.sheets(of: data, maxCells: maxCells)
            } catch let e as SpreadsheetReader.ReadError {
                throw LuoshiError.invalid(field: "分解表", reason: message(e))
            }
            guard let first = sheets.first else {
                throw LuoshiError.invalid(field: "分解表", reason: "工作簿中没有工作表 (the workbook has no sheet)")
            }
            return sheets.first { BreakdownField.headerRow($0.rows) != nil }?.rows ?? first.rows
        }
    }

    static let tooLargeReason =
        "超过 \(maxCells / 10000) 万个单元格，不像一张分解表；请拆分后上传 (more than \(maxCells) cells: split the sheet)"
    static let tooLarge = LuoshiError.invalid(field: "分解表", reason: tooLargeReason)

    static func message(_ e: SpreadsheetReader.ReadError) -> String {
        switch e {
        case .notAZipArchive: return "不是 Excel 工作簿：文件已损坏或不是 .xlsx (not an .xlsx workbook)"
        case .legacyExcel:
            return "这是旧版 Excel 文件 (.xls)：请在 Excel 或 WPS 中“另存为” .xlsx 后上传 (an old .xls file: save it as .xlsx first)"
        case .encrypted:
            return "工作簿设有打开密码：请取消密码后另存再上传 (the workbook has a password: save it without one)"
        case .notAWorkbook(let found): return "不是 Excel 工作簿，而是\(found) (not a workbook)"
        case .tooLarge: return tooLargeReason
        case .damaged(let what): return "工作簿已损坏：\(what) (the workbook is damaged)"
        }
    }

    /// Keeps the file under its fingerprint; the same file uploaded twice is kept once.
    static func stage(_ data: Data, kind: Kind, in directory: String) throws -> String {
        let sha = Fingerprint.sha256Hex(data)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let path = directory + "/" + sha + "." + kind.rawValue
        if !FileManager.default.fileExists(atPath: path) {
            try data.write(to: URL(fileURLWithPath: path), options: .atomic)
        }
        return sha
    }

    /// A kept file by its fingerprint (64 hex digits, nothing else reaches the file system).
    static func load(_ sha: String, from directory: String) throws -> Data {
        guard sha.count == 64, sha.allSatisfy({ $0.isHexDigit && !$0.isUppercase }) else {
            throw LuoshiError.notFound(entity: "分解表", id: String(sha.prefix(64)))
        }
        for kind in [Kind.xlsx, .csv] {
            if let data = FileManager.default.contents(atPath: directory + "/" + sha + "." + kind.rawValue) {
                return data
            }
        }
        throw LuoshiError.notFound(entity: "分解表", id: sha)
    }
}
