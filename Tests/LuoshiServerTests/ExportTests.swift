import Fluent
import Foundation
import LuoshiCore
import NIOCore
import OfficeOpenXML
import Testing
import Vapor
import VaporTesting
import ZIPFoundation

@testable import LuoshiServer

/// Each sheet of a workbook as LibreOffice reads it (its cells, row by row), or nil when LibreOffice is not
/// installed (CI installs it). What Luoshi writes is checked by a program that did not write it.
func libreOfficeSheets(_ xlsx: Data) async throws -> [[[String]]]? {
    guard let soffice = sofficePath() else { return nil }
    return try await withTemporaryFile(xlsx, named: "book.xlsx") { input, dir in
        // UTF-8 (76), every sheet to a file of its own (the last field, -1), cells as shown (true).
        try await runSoffice(
            soffice, ["--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1"],
            input: input, in: dir)
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".csv") }
            .sorted()
        if files.isEmpty { Issue.record("LibreOffice read no sheet (is libreoffice-calc installed?)") }
        // book-Sheet1.csv, book-Sheet2.csv … named by sheet.
        return try files.map { try parseCSV(String(contentsOf: dir.appendingPathComponent($0), encoding: .utf8)) }
    }
}

/// RFC 4180 fields (quotes, doubled quotes, line breaks inside quotes).
func parseCSV(_ text: String) -> [[String]] {
    var rows: [[String]] = []
    var row: [String] = []
    var field = ""
    var quoted = false
    var chars = Array(text.replacingOccurrences(of: "\u{FEFF}", with: ""))
    chars.append("\n")
    var i = 0
    while i < chars.count {
        let ch = chars[i]
        if quoted {
            if ch == "\"" {
                if i + 1 < chars.count && chars[i + 1] == "\"" {
                    field.append("\"")
                    i += 1
                } else {
                    quoted = false
                }
            } else {
                field.append(ch)
            }
        } else if ch == "\"" {
            quoted = true
        } else if ch == "," {
            row.append(field)
            field = ""
        } else if ch == "\n" || ch == "\r\n" || ch == "\r" {
            row.append(field)
            field = ""
            if !(row.count == 1 && row[0].isEmpty) { rows.append(row) }
            row = []
        } else {
            field.append(ch)
        }
        i += 1
    }
    return rows
}

/// A part of an Office Open XML package, as text.
func packagePart(_ data: Data, _ path: String) throws -> String {
    let archive = try Archive(data: data, accessMode: .read)
    guard let entry = archive[path] else { return "" }
    var out = Data()
    _ = try archive.extract(entry) { out.append($0) }
    return String(decoding: out, as: UTF8.self)
}

@Suite("Excel 写出 (writing .xlsx)")
struct SpreadsheetWriterTests {
    @Test("LibreOffice 读出写入的单元格：中文、数字、日期、百分比、换行 (LibreOffice reads back every cell)")
    func roundTrip() async throws {
        let book = Workbook(sheets: [
            Sheet(
                name: "任务分解表",
                columns: [Column(width: 8), Column(width: 30), Column(width: 12), Column(width: 10, hidden: true)],
                rows: [
                    Row([Cell(.text("序号"), .header), Cell(.text("任务内容"), .header), Cell(.text("完成时限"), .header)]),
                    Row([.text("一", .group), .text("做强工业经济", .group)]),
                    Row(
                        [
                            .text("1"), .text("新增停车位300个，\n含“口袋”停车场 & <公共> 泊位"),
                            Cell(.date(daysSince1970: CivilDay(year: 2015, month: 6, day: 30).ordinal)),
                            .text("1.1.t3"),
                        ], outlineLevel: 1),
                    Row([.text("2"), .number(1234.5), .number(0.625, .percent), .text("=SUM(A1)")], outlineLevel: 1),
                ]),
            Sheet(name: "督办单", columns: [Column(width: 10)], rows: [Row([.text("编号")]), Row([.text("2015-001")])]),
        ])
        let data = try SpreadsheetWriter.xlsx(book)
        guard let sheets = try await libreOfficeSheets(data) else { return }
        #expect(sheets.count == 2)
        let first = try #require(sheets.first)
        #expect(first[0].prefix(3) == ["序号", "任务内容", "完成时限"])
        #expect(first[1].prefix(2) == ["一", "做强工业经济"])
        #expect(first[2][1] == "新增停车位300个，\n含“口袋”停车场 & <公共> 泊位")
        #expect(first[2][2] == "2015-06-30")
        #expect(first[2][3] == "1.1.t3")
        #expect(first[3][1] == "1234.5")
        #expect(first[3][2] == "62.5%")
        // Text that looks like a formula stays text.
        #expect(first[3][3] == "=SUM(A1)")
        #expect(sheets[1] == [["编号"], ["2015-001"]])
    }

    @Test("冻结表头、分级显示、隐藏编码列、A4 横向打印并重复表头 (frozen header, outline, hidden code, print setup)")
    func layout() throws {
        let book = Workbook(sheets: [
            Sheet(
                name: "a/b:c*d?e[f]g 一个很长很长很长很长很长很长很长很长很长的名字",
                columns: [Column(width: 6), Column(width: 14, hidden: true)],
                rows: [Row([.text("标题")]), Row([.text("序号", .header)]), Row([.text("1")], outlineLevel: 2)],
                headerRows: 2, merges: ["A1:B1"])
        ])
        let data = try SpreadsheetWriter.xlsx(book)
        let sheet = try packagePart(data, "xl/worksheets/sheet1.xml")
        #expect(sheet.contains(#"<pane ySplit="2" topLeftCell="A3" activePane="bottomLeft" state="frozen"/>"#))
        #expect(sheet.contains(#"outlineLevelRow="2""#))
        #expect(sheet.contains(#"<row r="3" outlineLevel="2">"#))
        #expect(sheet.contains(#"<col min="2" max="2" width="14.0" customWidth="1" hidden="1"/>"#))
        #expect(sheet.contains(#"<pageSetup paperSize="9" orientation="landscape" fitToWidth="1" fitToHeight="0"/>"#))
        #expect(sheet.contains(#"<mergeCell ref="A1:B1"/>"#))
        let workbook = try packagePart(data, "xl/workbook.xml")
        // Excel's rule for a sheet name: 31 characters, none of []:*?/\.
        let name = try #require(workbook.firstMatch(of: #/sheet name="([^"]*)"/#)?.output.1)
        #expect(name.count == 31 && !name.contains(where: { "[]:*?/\\".contains($0) }))
        #expect(workbook.contains("_xlnm.Print_Titles"))
        #expect(workbook.contains("!$1:$2</definedName>"))
    }

    @Test("CSV：带 BOM、CRLF，含逗号引号换行的格加引号，公式样文本不被执行 (CSV as Excel opens it)")
    func csv() {
        let data = CSVWriter.csv([["序号", "任务内容"], ["1", "新增停车位300个，含\"口袋\"停车场,共3处\n年底前"], ["2", "=1+2"]])
        #expect(data.prefix(3) == Data([0xEF, 0xBB, 0xBF]))
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.contains("\r\n"))
        #expect(
            parseCSV(text) == [["序号", "任务内容"], ["1", "新增停车位300个，含\"口袋\"停车场,共3处\n年底前"], ["2", "'=1+2"]])
    }

    @Test("Excel 序列日：1900 日期系统 (Excel serial days)")
    func serials() {
        #expect(SpreadsheetWriter.serial(daysSince1970: CivilDay(year: 1900, month: 3, day: 1).ordinal) == 61)
        #expect(SpreadsheetWriter.serial(daysSince1970: CivilDay(year: 2015, month: 6, day: 30).ordinal) == 42185)
        #expect(SpreadsheetWriter.columnName(0) == "A" && SpreadsheetWriter.columnName(25) == "Z")
        #expect(SpreadsheetWriter.columnName(26) == "AA" && SpreadsheetWriter.columnName(701) == "ZZ")
    }
}

extension ServerTests {
    @Test("任务分解表：全部、本单位、某领导、逾期、带进展；LibreOffice 读出的表格与页面一致 (the 任务分解表 export)")
    func breakdownExport() async throws {
        try await TestApp.with { app in
            let admin = try await app.signIn("duchaban")
            let id = try await app.demoPlanID()
            let plan = try #require(try await Plan.find(id, on: app.db))
            let snapshot = try await PlanSnapshot.load(plan, on: app.db, now: ServerConfiguration.demoNow)
            let leaves = snapshot.items.filter(PlanSnapshot.isLeaf)
            var xlsx = Data()
            try await app.testing().test(.GET, "/plans/\(id)/breakdown.xlsx?progress=1", headers: admin.headers) {
                res in
                #expect(res.status == .ok)
                #expect(res.headers.contentType?.description.contains("spreadsheetml") == true)
                #expect(res.headers.first(name: .contentDisposition)?.contains("filename*=UTF-8''") == true)
                xlsx = Data(res.body.readableBytesView)
            }
            if let sheets = try await libreOfficeSheets(xlsx), let sheet = sheets.first {
                #expect(sheet[0][0] == "张芝山镇2015年度工作计划任务分解表")
                #expect(sheet[1].prefix(4) == ["序号", "领域/部分", "任务内容", "量化目标"])
                #expect(sheet[1].suffix(8) == ["进展情况", "存在问题", "下一步措施", "最新数值", "完成率", "状态", "督办", "编码"])
                // One row a task, target or project, numbered 1…n, each with its code.
                let body = sheet.dropFirst(2).filter { Int($0[0]) != nil }
                #expect(body.count == leaves.count)
                #expect(body.map { Int($0[0])! } == Array(1...leaves.count))
                #expect(Set(body.map { $0.last! }) == Set(leaves.map(\.code)))
                // The parking target reads as the page shows it.
                let parking = try #require(body.first { $0[2].contains("停车位") && $0[3].contains("300") })
                #expect(parking[3].contains("≥300个"))
                // Every status word is one the pages use.
                let statuses = Set(body.map { $0[16] })
                #expect(statuses.isSubset(of: Set(ItemStatus.allCases.map(\.chinese) + [""])))
                #expect(statuses.contains("已逾期") || statuses.contains("进度滞后"))
                // Areas head their rows.
                #expect(sheet.contains { $0[0] == "一" && !$0[2].isEmpty })
            }
            // Overdue only: every row is overdue.
            try await app.testing().test(
                .GET, "/plans/\(id)/breakdown.csv?overdue=1&progress=1", headers: admin.headers
            ) { res in
                #expect(res.status == .ok)
                let rows = parseCSV(res.body.string)
                let body = rows.dropFirst().filter { Int($0[0]) != nil }
                let overdue = leaves.filter { snapshot.results[$0.id!]?.status == .overdue }
                #expect(body.count == overdue.count)
                #expect(body.allSatisfy { $0[16] == "已逾期" })
            }
            // A reporter gets their own unit's rows, whatever they ask for.
            let (item, reporter) = try await app.assignedItem()
            let unit = try #require(reporter.$organization.id)
            let caller = try await app.signIn(reporter.username)
            let (_, stranger) = try await app.assignedItem(otherThan: unit)
            try await app.testing().test(
                .GET, "/plans/\(id)/breakdown.csv?unit=\(stranger.$organization.id!)", headers: caller.headers
            ) { res in
                #expect(res.status == .ok)
                let body = parseCSV(res.body.string).dropFirst().filter { Int($0[0]) != nil }
                let unitName = try #require(try await Organization.find(unit, on: app.db)).name
                #expect(!body.isEmpty)
                #expect(body.allSatisfy { $0[5] == unitName || $0[6].contains(unitName) })
                #expect(body.contains { $0.last == item.code })
            }
        }
    }

    @Test("台账：进展报告与督办单两张表；单位只见本单位 (the 台账 workbook)")
    func ledgerExport() async throws {
        try await TestApp.with { app in
            let admin = try await app.signIn("duchaban")
            let id = try await app.demoPlanID()
            var xlsx = Data()
            try await app.testing().test(.GET, "/plans/\(id)/ledger.xlsx", headers: admin.headers) { res in
                #expect(res.status == .ok)
                xlsx = Data(res.body.readableBytesView)
            }
            let reports = try await ProgressReport.query(on: app.db).count()
            let notices = try await SupervisionNotice.query(on: app.db).count()
            if let sheets = try await libreOfficeSheets(xlsx) {
                #expect(sheets.count == 2)
                // LibreOffice writes the sheets' files in name order: 督办单 before 进展报告.
                let reportSheet = try #require(sheets.first { $0.first?.first == "单位" })
                let noticeSheet = try #require(sheets.first { $0.first?.first == "编号" })
                #expect(reportSheet.count - 1 == reports)
                #expect(noticeSheet.count - 1 == notices)
            }
            // The file keeps its Chinese name, percent-encoded as RFC 8187 asks.
            try await app.testing().test(.GET, "/plans/\(id)/breakdown.csv", headers: admin.headers) { res in
                let disposition = res.headers.first(name: .contentDisposition) ?? ""
                #expect(disposition.contains("filename*=UTF-8''%E5%BC%A0%E8%8A%9D%E5%B1%B1"))
                #expect(!disposition.unicodeScalars.contains { !$0.isASCII })
            }
            // A notice shows in the 督办 column to those who may read it: not to another unit.
            let (item, owner) = try await app.assignedItem()
            let (_, stranger) = try await app.assignedItem(otherThan: owner.$organization.id)
            var number = ""
            try await app.testing().test(
                .POST, "/api/v1/notices", headers: .json(admin),
                body: ByteBuffer(
                    string: #"{"item":"\#(item.id!)","level":"yellow","reason":"进度滞后","requiredAction":"整改"}"#)
            ) { res in
                number = try res.content.get(String.self, at: "number")
            }
            let plan = try #require(try await Plan.find(id, on: app.db))
            let filter = Breakdown.Filter(unit: owner.$organization.id, progress: true)
            let seen = try await Breakdown.build(
                plan: plan, filter: filter, for: owner, on: app.db, now: app.clock.now())
            let hidden = try await Breakdown.build(
                plan: plan, filter: filter, for: stranger, on: app.db, now: app.clock.now())
            #expect(seen.lines.contains { $0.notices.contains(number) })
            #expect(!hidden.lines.contains { $0.notices.contains(number) })
            // A deputy may read it; a stranger's plan id is not found.
            let deputy = try await app.signIn("daibiao")
            try await app.testing().test(.GET, "/plans/\(id)/ledger.xlsx", headers: deputy.headers) { res in
                #expect(res.status == .ok)
            }
            try await app.testing().test(.GET, "/plans/\(UUID())/breakdown.xlsx", headers: admin.headers) { res in
                #expect(res.status == .notFound)
            }
        }
    }
}

/// A file converted by LibreOffice (`format`: xlsx, xls …), or nil when LibreOffice is not installed.
func libreOfficeConvert(_ data: Data, from ext: String, to format: String) async throws -> Data? {
    guard let soffice = sofficePath() else { return nil }
    return try await withTemporaryFile(data, named: "in.\(ext)") { input, dir in
        // CSV in as UTF-8 (76), comma-separated, with quotes, detecting dates and numbers.
        let filter = format == "xls" ? "xls:MS Excel 97" : "xlsx:Calc MS Excel 2007 XML"
        try await runSoffice(soffice, ["--infilter=CSV:44,34,76,1", "--convert-to", filter], input: input, in: dir)
        guard let out = try? Data(contentsOf: dir.appendingPathComponent("in.\(format)")) else {
            Issue.record("LibreOffice did not convert the file to \(format) (is libreoffice-calc installed?)")
            return nil
        }
        return out
    }
}

@Suite("Excel 读入 (reading .xlsx)")
struct SpreadsheetReaderTests {
    @Test("读回自己写的：合并单元格、日期、数字、换行 (our own workbook read back)")
    func ownWorkbook() throws {
        let book = Workbook(sheets: [
            Sheet(
                name: "任务分解表", columns: [Column(width: 8), Column(width: 30), Column(width: 12)],
                rows: [
                    Row([.text("张芝山镇任务分解表", .title)]),
                    Row([.text("序号", .header), .text("任务内容", .header), .text("完成时限", .header)]),
                    Row([
                        .text("1"), .text("新增停车位300个，\n含“口袋”停车场 & <公共> 泊位"),
                        Cell(.date(daysSince1970: CivilDay(year: 2015, month: 6, day: 30).ordinal)),
                    ]),
                    Row([.number(2), .number(1234.5), .text("年底前")]),
                ], headerRows: 2, merges: ["A1:C1"]),
            Sheet(name: "第二张", columns: [], rows: [Row([.text("甲")])]),
        ])
        let sheets = try SpreadsheetReader.sheets(of: try SpreadsheetWriter.xlsx(book))
        #expect(sheets.map(\.name) == ["任务分解表", "第二张"])
        #expect(
            sheets[0].rows == [
                ["张芝山镇任务分解表", "张芝山镇任务分解表", "张芝山镇任务分解表"], ["序号", "任务内容", "完成时限"],
                ["1", "新增停车位300个，\n含“口袋”停车场 & <公共> 泊位", "2015-06-30"], ["2", "1234.5", "年底前"],
            ])
        #expect(sheets[1].rows == [["甲"]])
    }

    @Test("读 LibreOffice 做的表：共享字符串、日期格式、空行 (a workbook LibreOffice made)")
    func libreOfficeWorkbook() async throws {
        let csv =
            "序号,工作任务,责任领导,主办单位,协办单位,时间节点\r\n1,新增停车位300个,王镇长,城建办,\"财政所,派出所\",2015-06-30\r\n,,,,,\r\n2,\"建成标准化村卫生室5家\",李副镇长,卫生院,,年底前\r\n"
        guard let xlsx = try await libreOfficeConvert(Data(csv.utf8), from: "csv", to: "xlsx") else { return }
        let rows = try #require(try SpreadsheetReader.sheets(of: xlsx).first).rows
        #expect(rows[0] == ["序号", "工作任务", "责任领导", "主办单位", "协办单位", "时间节点"])
        #expect(rows[1] == ["1", "新增停车位300个", "王镇长", "城建办", "财政所,派出所", "2015-06-30"])
        #expect(rows.last == ["2", "建成标准化村卫生室5家", "李副镇长", "卫生院", "", "年底前"])
        // Headers by meaning, in the sheet's own words.
        let header = try #require(BreakdownField.headerRow(rows))
        #expect(header.row == 0)
        #expect(
            header.columns == [0: .number, 1: .content, 2: .leader, 3: .leadUnit, 4: .cooperatingUnits, 5: .due])
    }

    @Test("不是 .xlsx 的文件得到清楚的错误 (.xls, not a ZIP, a Word file)")
    func refusals() async throws {
        #expect(throws: SpreadsheetReader.ReadError.notAZipArchive) {
            try SpreadsheetReader.sheets(of: Data("序号,任务".utf8))
        }
        let docx = try WordDocumentWriter.docx([.init(text: "一段话")])
        #expect(throws: SpreadsheetReader.ReadError.notAWorkbook(found: "Word 文档 (.docx)")) {
            try SpreadsheetReader.sheets(of: docx)
        }
        // A password-protected workbook is an OLE file with an EncryptionInfo stream.
        var encrypted = Data([0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1])
        encrypted.append(Data("EncryptionInfo".utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }))
        #expect(throws: SpreadsheetReader.ReadError.encrypted) { try SpreadsheetReader.sheets(of: encrypted) }
        guard let xls = try await libreOfficeConvert(Data("序号,任务\r\n1,甲\r\n".utf8), from: "csv", to: "xls") else {
            return
        }
        #expect(throws: SpreadsheetReader.ReadError.legacyExcel) { try SpreadsheetReader.sheets(of: xls) }
    }

    @Test("手工表头按意思认出：责任领导、主办单位、时间节点，列序不同 (hand-made headers by meaning)")
    func headers() {
        #expect(BreakdownField.of("责任领导") == .leader)
        #expect(BreakdownField.of("牵头单位") == .leadUnit)
        #expect(BreakdownField.of("责任单位") == .leadUnit)
        #expect(BreakdownField.of("协办单位") == .cooperatingUnits)
        #expect(BreakdownField.of("具体责任人") == .responsible)
        #expect(BreakdownField.of("完成时限") == .due)
        #expect(BreakdownField.of("完成情况") == .progress)
        #expect(BreakdownField.of("目标任务") == .content)
        #expect(BreakdownField.of("量化目标") == .target)
        #expect(BreakdownField.of("备注") == nil)
        // A title row and a blank row above the header.
        let rows = [["2015年重点工作任务分解表"], [], ["时间节点", "重点任务", "主办单位", "序号"], ["6月底", "甲", "城建办", "1"]]
        let header = BreakdownField.headerRow(rows)
        #expect(header?.row == 2)
        #expect(header?.columns == [0: .due, 1: .content, 2: .leadUnit, 3: .number])
    }
}

extension ServerTests {
    @Test("导出、改三格、读回：预览恰好三处变化 (export, edit three cells, read back: exactly three changes)")
    func breakdownRoundTrip() async throws {
        try await TestApp.with { app in
            let id = try await app.demoPlanID()
            let plan = try #require(try await Plan.find(id, on: app.db))
            let admin = try #require(try await User.query(on: app.db).filter(\.$username == "duchaban").first())
            let now = app.clock.now()
            let sheet = try await Breakdown.build(plan: plan, filter: .init(), for: admin, on: app.db, now: now)
            var rows = try #require(
                try SpreadsheetReader.sheets(of: try SpreadsheetWriter.xlsx(sheet.workbook())).first
            )
            .rows
            // Untouched, the sheet changes nothing.
            let same = try await BreakdownImport.preview(plan: plan, rows: rows, on: app.db, now: now)
            #expect(same.changes.isEmpty && same.newItems.isEmpty && same.errors.isEmpty)
            #expect(same.rows == sheet.lines.filter { !$0.group }.count)
            // A clerk edits three cells of assigned rows: a leader, a due date, a weight.
            let assigned = rows.indices.filter { rows[$0].count > 9 && !rows[$0][4].isEmpty && Int(rows[$0][0]) != nil }
            try #require(assigned.count >= 3)
            let (r1, r2, r3) = (assigned[0], assigned[1], assigned[2])
            let leaders = try await User.query(on: app.db).filter(\.$role == .leader).all().map(\.displayName)
            let newLeader = try #require(leaders.first { $0 != rows[r1][4] })
            rows[r1][4] = newLeader
            rows[r2][8] = "2015年9月底前"
            rows[r3][10] = "7"
            let edited = try await BreakdownImport.preview(plan: plan, rows: rows, on: app.db, now: now)
            #expect(edited.errors.isEmpty && edited.newItems.isEmpty)
            #expect(edited.changes.map(\.row) == [r1 + 1, r2 + 1, r3 + 1])
            #expect(edited.changes.map(\.field) == [.leader, .due, .weight])
            #expect(edited.changes[1].after == "2015-09-30")
            #expect(edited.changes[2].after == "7")
            #expect(edited.newLeaders.isEmpty && edited.newUnits.isEmpty)
            // A name that is no leader here is proposed, not created.
            rows[r1][4] = "赵新来"
            let proposed = try await BreakdownImport.preview(plan: plan, rows: rows, on: app.db, now: now)
            #expect(proposed.newLeaders == ["赵新来"])
            #expect(try await User.query(on: app.db).filter(\.$displayName == "赵新来").count() == 0)
            // An unreadable date is an error by row and column, and changes nothing there.
            rows[r2][8] = "下旬"
            let bad = try await BreakdownImport.preview(plan: plan, rows: rows, on: app.db, now: now)
            #expect(bad.errors.map(\.description) == ["第\(r2 + 1)行 完成时限：“下旬”不是日期 (not a date)"])
            #expect(!bad.changes.contains { $0.field == .due })
        }
    }
}
