import Fluent
import Foundation
import LuoshiCore
import NIOCore
import OfficeOpenXML
import PlanReader
import Testing
import Vapor
import VaporTesting
import ZIPFoundation

@testable import LuoshiServer

@Suite("CSV 读入 (reading CSV)")
struct CSVReaderTests {
    @Test("引号、换行、BOM、制表符分隔、防公式的撇号 (quotes, line breaks, BOM, tabs, the formula guard)")
    func fields() throws {
        let text = "\u{FEFF}序号,任务内容,配合单位\r\n1,\"新增停车位300个，\n含“口袋”停车场\",\"财政所,派出所\"\r\n2,\"他说\"\"好\"\"\",'=1+2\n"
        #expect(
            try CSVReader.rows(text) == [
                ["序号", "任务内容", "配合单位"], ["1", "新增停车位300个，\n含“口袋”停车场", "财政所,派出所"], ["2", "他说\"好\"", "=1+2"],
            ])
        #expect(try CSVReader.rows("序号\t任务\n1\t甲,乙\n") == [["序号", "任务"], ["1", "甲,乙"]])
        // What CSVWriter writes, CSVReader reads back.
        let rows = [["序号", "任务内容"], ["1", "=SUM(A1)"], ["2", "a,b\r\n\"c\""]]
        #expect(try CSVReader.rows(String(decoding: CSVWriter.csv(rows), as: UTF8.self)) == rows)
        #expect(throws: CSVReader.ReadError.tooLarge(cells: 3)) { try CSVReader.rows("a,b\nc,d\n", maxCells: 3) }
    }
}

/// A multipart form with one file, as a browser sends it.
func multipartFile(field: String, name: String, data: Data, boundary: String = "sheet-boundary") -> ByteBuffer {
    var body = Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(field)\"; filename=\"\(name)\"\r\n".utf8)
    body += Data("Content-Type: application/octet-stream\r\n\r\n".utf8)
    body += data
    body += Data("\r\n--\(boundary)--\r\n".utf8)
    return ByteBuffer(bytes: body)
}

extension Caller {
    var multipartHeaders: HTTPHeaders {
        var h = headers
        h.replaceOrAdd(name: .contentType, value: "multipart/form-data; boundary=sheet-boundary")
        return h
    }

    var formHeaders: HTTPHeaders {
        var h = headers
        h.contentType = .urlEncodedForm
        return h
    }
}

/// A form field's value in a page (`name="digest" value="…"`).
func formValue(_ name: String, in html: String) -> String? {
    guard let r = html.range(of: "name=\"\(name)\" value=\"") else { return nil }
    return String(html[r.upperBound...].prefix { $0 != "\"" })
}

extension ServerTests {
    /// The demo plan's 分解表 as Luoshi exports it, read back into rows.
    func exportedRows(_ app: Application) async throws -> (plan: Plan, rows: [[String]]) {
        let id = try await app.demoPlanID()
        let plan = try #require(try await Plan.find(id, on: app.db))
        let admin = try #require(try await User.query(on: app.db).filter(\.$username == "duchaban").first())
        let sheet = try await Breakdown.build(plan: plan, filter: .init(), for: admin, on: app.db, now: app.clock.now())
        let rows = try #require(try SpreadsheetReader.sheets(of: try SpreadsheetWriter.xlsx(sheet.workbook())).first)
            .rows
        return (plan, rows)
    }

    /// Rows as a one-sheet workbook, every cell text.
    func workbook(_ rows: [[String]]) throws -> Data {
        let width = rows.map(\.count).max() ?? 0
        return try SpreadsheetWriter.xlsx(
            Workbook(sheets: [
                Sheet(
                    name: "分解表", columns: Array(repeating: Column(width: 12), count: width),
                    rows: rows.map { Row($0.map { .text($0) }) })
            ]))
    }

    @Test("上传改过的分解表：先预览，确认后一次写入，审计记下文件的 sha256 (upload, preview, apply all at once, audited with the sha256)")
    func breakdownUploadApply() async throws {
        try await TestApp.with { app in
            let admin = try await app.signIn("duchaban")
            var (plan, rows) = try await exportedRows(app)
            let id = plan.id!
            let assigned = rows.indices.filter { rows[$0].count > 9 && !rows[$0][5].isEmpty && Int(rows[$0][0]) != nil }
            try #require(assigned.count >= 3)
            let (r1, r2, r3) = (assigned[0], assigned[1], assigned[2])
            let units = try await Organization.query(on: app.db).filter(\.$kind == .department).all().map(\.name)
            let newUnit = try #require(units.first { $0 != rows[r1][5] })
            rows[r1][5] = newUnit
            rows[r2][8] = "三季度末"
            let cycle = rows[r3][9] == "每季度" ? "每月" : "每季度"
            rows[r3][9] = cycle
            let file = try workbook(rows)
            let sha = Fingerprint.sha256Hex(file)
            var location = ""
            try await app.testing().test(
                .POST, "/plans/\(id)/breakdown/import", headers: admin.multipartHeaders,
                body: multipartFile(field: "sheet", name: "分解表（改）.xlsx", data: file)
            ) { res in
                #expect(res.status == .seeOther, "\(res.body.string)")
                location = res.headers.first(name: .location) ?? ""
            }
            #expect(location.hasPrefix("/plans/\(id)/breakdown/import/\(sha)"))
            var digest = ""
            try await app.testing().test(.GET, location, headers: admin.headers) { res in
                #expect(res.status == .ok)
                let page = res.body.string
                #expect(page.contains("3 处修改（涉及 3 项）"), "\(page.prefix(3000))")
                #expect(page.contains("第\(r2 + 1)行"))
                #expect(page.contains("2015-09-30"))
                #expect(page.contains(Escape.text(newUnit)))
                #expect(page.contains(cycle))
                digest = formValue("digest", in: page) ?? ""
            }
            #expect(digest.count == 64)
            // Nothing changed by the preview.
            #expect(try await AuditEntry.query(on: app.db).filter(\.$action == "plan.breakdown").count() == 0)
            try await app.testing().test(
                .POST, "/plans/\(id)/breakdown/import/\(sha)", headers: admin.formHeaders,
                body: ByteBuffer(string: "digest=\(digest)&name=\(urlEncoded("分解表（改）.xlsx"))")
            ) { res in
                #expect(res.status == .seeOther, "\(res.body.string)")
                location = res.headers.first(name: .location) ?? ""
            }
            // A counts in the link that no import wrote are ignored, never trusted.
            try await app.testing().test(
                .GET, location.replacingOccurrences(of: "applied=", with: "applied=0,0,-1,0&x="), headers: admin.headers
            ) { res in #expect(res.status == .ok && !res.body.string.contains("已导入")) }
            try await app.testing().test(.GET, location, headers: admin.headers) { res in
                #expect(res.body.string.contains("已导入：3 项的分解已修改"))
                #expect(res.body.string.contains("分解表与计划中的分解一致"))
            }
            // Exactly the three cells, in the database.
            let after = try await exportedRows(app).rows
            #expect(after[r1][5] == newUnit)
            #expect(after[r2][8] == "2015-09-30")
            #expect(after[r3][9] == cycle)
            rows[r2][8] = "2015-09-30"
            let changedRows = after.indices.filter { i in i < rows.count && after[i] != rows[i] }
            #expect(changedRows.isEmpty, "rows that differ from the uploaded sheet: \(changedRows)")
            let entry = try #require(
                try await AuditEntry.query(on: app.db).filter(\.$action == "plan.breakdown").first())
            #expect(entry.after?.contains(sha) == true)
            #expect(entry.after?.contains("分解表（改）.xlsx") == true)
            #expect(try await AuditEntry.query(on: app.db).filter(\.$action == "item.assign").count() >= 3)
            // Posting the same preview again changes nothing: the plan moved, so it is previewed afresh.
            try await app.testing().test(
                .POST, "/plans/\(id)/breakdown/import/\(sha)", headers: admin.formHeaders,
                body: ByteBuffer(string: "digest=\(digest)&name=x.xlsx")
            ) { res in
                #expect(res.status == .conflict)
                #expect(res.body.string.contains("请重新预览"))
            }
            #expect(try await AuditEntry.query(on: app.db).filter(\.$action == "plan.breakdown").count() == 1)
            // A unit's reporter may neither upload nor apply.
            let reporter = try await app.signIn("dept1")
            try await app.testing().test(
                .POST, "/plans/\(id)/breakdown/import", headers: reporter.multipartHeaders,
                body: multipartFile(field: "sheet", name: "a.xlsx", data: file)
            ) { res in #expect(res.status == .forbidden) }
            try await app.testing().test(
                .POST, "/plans/\(id)/breakdown/import/\(sha)", headers: reporter.formHeaders,
                body: ByteBuffer(string: "digest=\(digest)")
            ) { res in #expect(res.status == .forbidden) }
        }
    }

    @Test("有错误的表不写入任何一处；新单位只在勾选后新建 (a sheet with errors writes nothing; new units only when ticked)")
    func breakdownAllOrNothing() async throws {
        try await TestApp.with { app in
            let admin = try await app.signIn("duchaban")
            var (plan, rows) = try await exportedRows(app)
            let id = plan.id!
            let tasks = rows.indices.filter { rows[$0].count > 9 && Int(rows[$0][0]) != nil }
            try #require(tasks.count >= 3)
            rows[tasks[0]][5] = "新成立的网格办"
            rows[tasks[1]][10] = "7"
            rows[tasks[2]][8] = "6月底前后"
            let file = try workbook(rows)
            let sha = Fingerprint.sha256Hex(file)
            try await app.testing().test(
                .POST, "/plans/\(id)/breakdown/import", headers: admin.multipartHeaders,
                body: multipartFile(field: "sheet", name: "bad.xlsx", data: file)
            ) { res in #expect(res.status == .seeOther) }
            var digest = ""
            try await app.testing().test(.GET, "/plans/\(id)/breakdown/import/\(sha)", headers: admin.headers) { res in
                let page = res.body.string
                #expect(page.contains("第\(tasks[2] + 1)行"))
                #expect(page.contains("6月底前后</td><td data-label=\"问题\">不是日期"))
                // No button while an error stands.
                #expect(formValue("digest", in: page) == nil)
            }
            // A forged apply of a sheet with errors writes nothing.
            let preview = try await BreakdownImport.preview(plan: plan, rows: rows, on: app.db, now: app.clock.now())
            digest = preview.digest
            let before = try await AuditEntry.query(on: app.db).count()
            try await app.testing().test(
                .POST, "/plans/\(id)/breakdown/import/\(sha)", headers: admin.formHeaders,
                body: ByteBuffer(string: "digest=\(digest)&units[]=\(urlEncoded("新成立的网格办"))")
            ) { res in
                #expect(res.status == .unprocessableEntity)
                #expect(res.body.string.contains("未作任何修改"))
            }
            #expect(try await AuditEntry.query(on: app.db).count() == before)
            #expect(try await Organization.query(on: app.db).filter(\.$name == "新成立的网格办").count() == 0)
            // Corrected: the new unit is proposed; applied unticked, its change is held and the weight written.
            rows[tasks[2]][8] = "6月底"
            let fixed = try workbook(rows)
            let sha2 = Fingerprint.sha256Hex(fixed)
            try await app.testing().test(
                .POST, "/plans/\(id)/breakdown/import", headers: admin.multipartHeaders,
                body: multipartFile(field: "sheet", name: "fixed.xlsx", data: fixed)
            ) { res in #expect(res.status == .seeOther) }
            try await app.testing().test(.GET, "/plans/\(id)/breakdown/import/\(sha2)", headers: admin.headers) { res in
                #expect(res.body.string.contains("value=\"新成立的网格办\""))
                digest = formValue("digest", in: res.body.string) ?? ""
            }
            try await app.testing().test(
                .POST, "/plans/\(id)/breakdown/import/\(sha2)", headers: admin.formHeaders,
                body: ByteBuffer(string: "digest=\(digest)&units[]=\(urlEncoded("新成立的网格办"))")
            ) { res in #expect(res.status == .seeOther, "\(res.body.string)") }
            let unit = try #require(
                try await Organization.query(on: app.db).filter(\.$name == "新成立的网格办").first())
            #expect(unit.kind == .department)
            let after = try await exportedRows(app).rows
            #expect(after[tasks[0]][5] == "新成立的网格办")
            #expect(after[tasks[1]][10] == "7")
        }
    }

    @Test("办公室手工做的表：GB18030 的 CSV、合并标题、空行、“一、”分组、格内换行 (a sheet made by hand)")
    func handMadeSheet() async throws {
        try await TestApp.with { app in
            let admin = try await app.signIn("duchaban")
            let (plan, exported) = try await exportedRows(app)
            // Three tasks of the plan in the clerk's own words and order of columns, no codes.
            let tasks = exported.filter { $0.count > 9 && Int($0[0]) != nil && $0[2].count > 8 }.prefix(3)
            try #require(tasks.count == 3)
            let leaders = try await User.query(on: app.db).filter(\.$role == .leader).all().map(\.displayName)
            var csv = "2015年重点工作任务分解表,,,,,\r\n,,,,,\r\n序号,工作任务,责任领导,主办单位,协办单位,时间节点\r\n"
            csv += "一、重点工作,,,,,\r\n"
            for (k, t) in tasks.enumerated() {
                // A line break inside the cell, and a punctuation mark dropped: still the same task.
                var words = t[2]
                words.insert("\n", at: words.index(words.startIndex, offsetBy: 4))
                csv +=
                    "\(k + 1),\"\(words.replacingOccurrences(of: "。", with: ""))\",\(leaders[k % leaders.count]),\(t[5]),,2015年6月底\r\n"
                csv += ",,,,,\r\n"
            }
            let gb = try #require(csv.data(using: DocumentDecoderGB.encoding))
            try await app.testing().test(
                .POST, "/plans/\(plan.id!)/breakdown/import", headers: admin.multipartHeaders,
                body: multipartFile(field: "sheet", name: "手工表.csv", data: gb)
            ) { res in #expect(res.status == .seeOther, "\(res.body.string)") }
            let rows = try BreakdownFile.rows(gb)
            #expect(rows[2] == ["序号", "工作任务", "责任领导", "主办单位", "协办单位", "时间节点"])
            let preview = try await BreakdownImport.preview(plan: plan, rows: rows, on: app.db, now: app.clock.now())
            #expect(preview.errors.isEmpty)
            #expect(preview.newItems.isEmpty, "\(preview.newItems)")
            #expect(preview.rows == 3)
            // Every due date the clerk wrote is read as the end of June.
            #expect(preview.changes.filter { $0.field == .due }.allSatisfy { $0.after == "2015-06-30" })
            #expect(Set(preview.changes.map(\.item)).count <= 3)
        }
    }

    @Test("坏文件：.xls、加密、Word、过大、一万行 —— 清楚的错误或正确的预览，从不 500 (bad files)")
    func breakdownBadFiles() async throws {
        try await TestApp.with { app in
            let admin = try await app.signIn("duchaban")
            let id = try await app.demoPlanID()
            func upload(_ name: String, _ data: Data) async throws -> (HTTPStatus, String) {
                var out: (HTTPStatus, String) = (.ok, "")
                try await app.testing().test(
                    .POST, "/plans/\(id)/breakdown/import", headers: admin.multipartHeaders,
                    body: multipartFile(field: "sheet", name: name, data: data)
                ) { res in out = (res.status, res.body.string) }
                return out
            }
            var xls = Data([0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1])
            xls.append(Data(repeating: 0, count: 512))
            var (status, body) = try await upload("老表.xls", xls)
            #expect(status == .unprocessableEntity)
            #expect(body.contains("另存为” .xlsx"))
            var encrypted = Data([0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1])
            encrypted.append(Data("EncryptionInfo".utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }))
            (status, body) = try await upload("加密.xlsx", encrypted)
            #expect(status == .unprocessableEntity)
            #expect(body.contains("密码"))
            let docx = try WordDocumentWriter.docx([.init(text: "一段话")])
            (status, body) = try await upload("分解表.xlsx", docx)
            #expect(status == .unprocessableEntity)
            #expect(body.contains("Word"))
            (status, body) = try await upload("无表头.csv", Data("甲,乙\r\n1,2\r\n".utf8))
            #expect(status == .seeOther)
            // Kept, but its preview says what is missing.
            let sha = Fingerprint.sha256Hex(Data("甲,乙\r\n1,2\r\n".utf8))
            try await app.testing().test(.GET, "/plans/\(id)/breakdown/import/\(sha)", headers: admin.headers) { res in
                #expect(res.status == .unprocessableEntity)
                #expect(res.body.string.contains("找不到表头"))
            }
            // 25 MB: refused as it arrives.
            (status, _) = try await upload("大表.csv", Data(repeating: UInt8(ascii: "a"), count: 25 << 20))
            #expect(status == .payloadTooLarge)
            // A file name is not a path, and an unknown fingerprint is no file.
            try await app.testing().test(.GET, "/plans/\(id)/breakdown/import/..%2F..%2Fetc", headers: admin.headers) {
                res in #expect(res.status == .notFound)
            }
            // 10,000 rows that are no item of the plan: read, previewed, listed 500 at a time.
            var big = "序号,任务内容,牵头单位,完成时限\r\n"
            for i in 1...10_000 { big += "\(i),第\(i)项新任务：修缮道路\(i)米,城建办,2015-12-31\r\n" }
            (status, body) = try await upload("一万行.csv", Data(big.utf8))
            #expect(status == .seeOther)
            let bigSHA = Fingerprint.sha256Hex(Data(big.utf8))
            try await app.testing().test(.GET, "/plans/\(id)/breakdown/import/\(bigSHA)", headers: admin.headers) {
                res in
                #expect(res.status == .ok)
                #expect(res.body.string.contains("读取任务 10000 行"))
                #expect(res.body.string.contains("另有 9500 行未列出"))
            }
            // Formulas in a CSV are text: a weight of =1+2 is not a number.
            let formula = try BreakdownSheet.read(
                try BreakdownFile.rows(Data("序号,任务内容,权重\r\n1,甲,=1+2\r\n".utf8)), planYear: 2015)
            #expect(formula.errors.map(\.column) == ["权重"])
        }
    }

    @Test("只有分解表也能建计划：领域、任务、量化目标，再预览其分工 (a plan from a breakdown alone)")
    func planFromBreakdown() async throws {
        try await TestApp.with { app in
            let admin = try await app.signIn("duchaban")
            let csv = """
                某镇2016年重点工作任务分解表,,,,
                序号,领域,重点任务,牵头单位,完成时限
                1,城乡建设,新增停车位300个,城建办,2016年6月底
                2,城乡建设,完成老街立面改造,城建办,年底前
                3,社会事业,建成标准化村卫生室5家,卫生院,三季度末
                4,社会事业,开展全民健身活动,文体站,12月31日前

                """.replacingOccurrences(of: "\n", with: "\r\n")
            var location = ""
            try await app.testing().test(
                .POST, "/plans", headers: admin.multipartHeaders,
                body: multipartFile(field: "document", name: "2016分解表.csv", data: Data(csv.utf8))
            ) { res in
                #expect(res.status == .seeOther, "\(res.body.string)")
                location = res.headers.first(name: .location) ?? ""
            }
            let plan = try #require(try await Plan.query(on: app.db).filter(\.$title == "某镇2016年重点工作任务分解表").first())
            #expect(plan.year == 2016)
            #expect(plan.status == .draft)
            let items = try await PlanItem.query(on: app.db).filter(\.$plan.$id == plan.id!).sort(\.$position).all()
            #expect(items.filter { $0.kind == .area }.map(\.title) == ["城乡建设", "社会事业"])
            // A row that is all target is that target; the others are tasks.
            #expect(items.filter { $0.kind == .task }.map(\.title) == ["完成老街立面改造", "开展全民健身活动"])
            let targets = items.filter { $0.kind == .target }
            #expect(targets.map(\.value) == [300, 5])
            #expect(targets.map(\.unit) == ["个", "家"])
            // The targets stand under the area of their row.
            let areas = Dictionary(uniqueKeysWithValues: items.filter { $0.kind == .area }.map { ($0.id!, $0.title) })
            #expect(targets.map { areas[$0.$parent.id ?? UUID()] } == ["城乡建设", "社会事业"])
            // Next, the sheet's assignments are previewed against the new plan.
            #expect(location.hasPrefix("/plans/\(plan.id!)/breakdown/import/"))
            var digest = ""
            try await app.testing().test(.GET, location, headers: admin.headers) { res in
                #expect(res.status == .ok)
                #expect(res.body.string.contains("value=\"文体站\""))  // no such unit in the demo: proposed
                digest = formValue("digest", in: res.body.string) ?? ""
            }
            try await app.testing().test(
                .POST, location.components(separatedBy: "?")[0], headers: admin.formHeaders,
                body: ByteBuffer(string: "digest=\(digest)&units[]=\(urlEncoded("文体站"))")
            ) { res in #expect(res.status == .seeOther, "\(res.body.string)") }
            let assignments = try await Assignment.query(on: app.db).join(
                PlanItem.self, on: \Assignment.$item.$id == \PlanItem.$id
            )
            .filter(PlanItem.self, \.$plan.$id == plan.id!).all()
            #expect(assignments.count == 4)
            let due = assignments.compactMap(\.dueDate).map { Breakdown.iso(CivilDay($0, calendar: .beijing)) }.sorted()
            #expect(due == ["2016-06-30", "2016-09-30", "2016-12-31", "2016-12-31"])
        }
    }
}

/// GB18030 as Chinese Excel saves CSV.
enum DocumentDecoderGB {
    static let encoding = String.Encoding(rawValue: 0x8000_0632)
}

func urlEncoded(_ s: String) -> String {
    var allowed = CharacterSet.urlQueryAllowed
    allowed.remove(charactersIn: "&=+?#[]")
    return s.addingPercentEncoding(withAllowedCharacters: allowed) ?? s
}

extension ServerTests {
    @Test("整份计划按列读出的行与 Fluent 读出的相同 (the plan's rows read by column equal Fluent's)")
    func planRowsEqualFluent() async throws {
        try await TestApp.with { app in
            let id = try await app.demoPlanID()
            let fast = try await PlanRows.liveItems(plan: id, on: app.db)
            let slow = try await PlanItem.live(plan: id, on: app.db).sort(\.$position).all()
            #expect(fast.count == slow.count && !fast.isEmpty)
            func key(_ i: PlanItem) -> String {
                "\(i.id!)|\(i.$plan.id)|\(String(describing: i.$parent.id))|\(i.kind)|\(i.position)|\(i.code)|\(i.number ?? "-")|"
                    + "\(i.title)|\(i.spanStart)-\(i.spanEnd)|\(i.headline)|\(i.subject ?? "-")|\(String(describing: i.comparator))|"
                    + "\(String(describing: i.value))|\(String(describing: i.valueMin))|\(String(describing: i.valueMax))|"
                    + "\(i.unit ?? "-")|\(String(describing: i.baseline))|\(String(describing: i.baselineYear))|"
                    + "\(String(describing: i.baselineSpanStart))|\(i.per ?? "-")|\(i.attributesJSON ?? "-")|"
                    + "\(String(describing: i.$mergedInto.id))"
            }
            #expect(fast.map(key) == slow.map(key))
            let fastA = try await PlanRows.assignments(plan: id, on: app.db)
            let slowA = try await Assignment.query(on: app.db).filter(\.$item.$id ~~ slow.compactMap(\.id)).all()
            func view(_ list: [Assignment]) -> [String] {
                list.map { "\($0.id!)|\($0.$item.id)|\(AssignmentView($0))" }.sorted()
            }
            #expect(!fastA.isEmpty && view(fastA) == view(slowA))
            // The latest accepted reports, each field as Fluent reads it (dates to the microsecond).
            let fastR = try await PlanSnapshot.latestAccepted(plan: id, items: slow.compactMap(\.id), on: app.db)
            let slowR = try await ProgressReport.query(on: app.db).filter(\.$id ~~ fastR.compactMap(\.id)).all()
            func report(_ r: ProgressReport) -> String {
                "\(r.id!)|\(r.$item.id)|\(r.$unit.id)|\(r.$author.id)|\(r.period)|\(String(describing: r.actualValue))|"
                    + "\(String(describing: r.percentComplete))|\(r.narrative)|\(r.state)|\(r.submittedAt.timeIntervalSince1970)|"
                    + "\(String(describing: r.reviewedAt?.timeIntervalSince1970))|\(String(describing: r.$reviewer.id))"
            }
            #expect(!fastR.isEmpty && fastR.map(report).sorted() == slowR.map(report).sorted())
        }
    }
}

@Suite("别人做的工作簿 (workbooks others made)")
struct ForeignWorkbookTests {
    /// A workbook written by hand, part by part, as another program would: inline and shared strings, a
    /// formula with its last value, a date cell as a serial number in a date format, a merged title.
    static func workbook(sheet: String, shared: [String]) throws -> Data {
        let archive = try Archive(accessMode: .create)
        func add(_ path: String, _ text: String) throws {
            let data = Data(text.utf8)
            try archive.addEntry(
                with: path, type: .file, uncompressedSize: Int64(data.count),
                provider: { position, size in data.subdata(in: Int(position)..<Int(position) + size) })
        }
        try add(
            "[Content_Types].xml",
            #"<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/></Types>"#
        )
        try add(
            "xl/workbook.xml",
            #"<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="说明" sheetId="1" r:id="rId1"/><sheet name="分解表" sheetId="2" r:id="rId2"/></sheets></workbook>"#
        )
        try add(
            "xl/_rels/workbook.xml.rels",
            #"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="worksheet" Target="worksheets/sheet2.xml"/></Relationships>"#
        )
        try add(
            "xl/styles.xml",
            #"<?xml version="1.0"?><styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><numFmts count="1"><numFmt numFmtId="176" formatCode="yyyy&quot;年&quot;m&quot;月&quot;d&quot;日&quot;"/></numFmts><cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="176"/></cellXfs></styleSheet>"#
        )
        try add(
            "xl/sharedStrings.xml",
            #"<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">"#
                + shared.map { "<si><t xml:space=\"preserve\">\($0)</t></si>" }.joined() + "</sst>")
        try add(
            "xl/worksheets/sheet1.xml",
            #"<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>填表说明：按要求填写。</t></is></c></row></sheetData></worksheet>"#
        )
        try add("xl/worksheets/sheet2.xml", sheet)
        return try #require(archive.data)
    }

    @Test("公式取其值，日期格式的序列号读成日期，说明页跳过，合并的标题行 (a formula's value, a serial date, a note sheet skipped)")
    func foreignWorkbook() throws {
        let shared = ["2015年重点任务分解表", "序号", "工作任务", "主办单位", "完成时限", "权重", "新增停车位300个", "城建办"]
        let sheet = """
            <?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>\
            <row r="1"><c r="A1" t="s"><v>0</v></c></row>\
            <row r="2"><c r="A2" t="s"><v>1</v></c><c r="B2" t="s"><v>2</v></c><c r="C2" t="s"><v>3</v></c><c r="D2" t="s"><v>4</v></c><c r="E2" t="s"><v>5</v></c></row>\
            <row r="3"><c r="A3"><v>1</v></c><c r="B3" t="s"><v>6</v></c><c r="C3" t="s"><v>7</v></c><c r="D3" s="1"><v>42185</v></c><c r="E3"><f>2+3</f><v>5</v></c></row>\
            <row r="4"><c r="A4"><v>2</v></c><c r="B4" t="inlineStr"><is><t>完成老街立面改造</t></is></c><c r="C4" t="s"><v>7</v></c><c r="D4"><v>42277</v></c><c r="E4" t="str"><f>CONCAT("x","y")</f><v>xy</v></c></row>\
            </sheetData><mergeCells count="1"><mergeCell ref="A1:E1"/></mergeCells></worksheet>
            """
        let data = try Self.workbook(sheet: sheet, shared: shared)
        let rows = try BreakdownFile.rows(data)
        #expect(rows.first == Array(repeating: "2015年重点任务分解表", count: 5))
        #expect(rows[2] == ["1", "新增停车位300个", "城建办", "2015-06-30", "5"])
        // A serial number without a date format is still read as a date in the 完成时限 column.
        #expect(rows[3] == ["2", "完成老街立面改造", "城建办", "42277", "xy"])
        let reading = try BreakdownSheet.read(rows, planYear: 2015)
        #expect(
            reading.lines.map(\.due) == [
                .day(CivilDay(year: 2015, month: 6, day: 30)), .day(CivilDay(year: 2015, month: 9, day: 30)),
            ])
        #expect(reading.lines.map(\.weight) == [5, nil])
        #expect(reading.errors.map(\.description) == ["第4行 权重：“xy”不是 0–1000 的数 (not a number from 0 to 1000)"])
    }
}

extension ServerTests {
    @Test("表中的新行只在勾选后作为新任务加入其领域 (new rows become tasks under their area only when ticked)")
    func breakdownNewRows() async throws {
        try await TestApp.with { app in
            let admin = try await app.signIn("duchaban")
            let (plan, exported) = try await exportedRows(app)
            // Below the title and the header: a group row's area, a task row's unit.
            let body = exported.dropFirst(2)
            let area = try #require(body.first { $0.count > 2 && Int($0[0]) == nil && !$0[2].isEmpty })[2]
            let unit = try #require(body.first { $0.count > 5 && Int($0[0]) != nil && !$0[5].isEmpty })[5]
            let data = CSVWriter.csv([
                ["序号", "领域/部分", "任务内容", "牵头单位", "完成时限"], ["1", area, "新建口袋公园3个", unit, "10月底"],
                ["2", "数字乡村", "建成村级数字化服务点12个", unit, "年底"],
            ])
            let sha = Fingerprint.sha256Hex(data)
            try await app.testing().test(
                .POST, "/plans/\(plan.id!)/breakdown/import", headers: admin.multipartHeaders,
                body: multipartFile(field: "sheet", name: "新增.csv", data: data)
            ) { res in #expect(res.status == .seeOther) }
            var digest = ""
            try await app.testing().test(.GET, "/plans/\(plan.id!)/breakdown/import/\(sha)", headers: admin.headers) {
                res in
                #expect(res.body.string.contains("2 行不是本计划的事项"))
                #expect(res.body.string.contains("name=\"addItems\""))
                digest = formValue("digest", in: res.body.string) ?? ""
            }
            // Unticked, nothing to write.
            try await app.testing().test(
                .POST, "/plans/\(plan.id!)/breakdown/import/\(sha)", headers: admin.formHeaders,
                body: ByteBuffer(string: "digest=\(digest)")
            ) { res in
                #expect(res.status == .conflict)
                #expect(res.body.string.contains("没有需要修改的内容"))
            }
            try await app.testing().test(
                .POST, "/plans/\(plan.id!)/breakdown/import/\(sha)", headers: admin.formHeaders,
                body: ByteBuffer(string: "digest=\(digest)&addItems=1")
            ) { res in #expect(res.status == .seeOther, "\(res.body.string)") }
            let added = try await PlanItem.query(on: app.db).filter(\.$plan.$id == plan.id!)
                .filter(\.$title ~~ ["新建口袋公园3个", "建成村级数字化服务点12个", "数字乡村"]).all()
            let byTitle = Dictionary(uniqueKeysWithValues: added.map { ($0.title, $0) })
            let park = try #require(byTitle["新建口袋公园3个"])
            let digital = try #require(byTitle["建成村级数字化服务点12个"])
            let newArea = try #require(byTitle["数字乡村"])
            #expect(newArea.kind == .area && digital.$parent.id == newArea.id)
            let existingArea = try #require(
                try await PlanItem.query(on: app.db).filter(\.$plan.$id == plan.id!).filter(\.$title == area).first())
            #expect(park.$parent.id == existingArea.id)
            let a = try #require(try await Assignment.query(on: app.db).filter(\.$item.$id == park.id!).first())
            #expect(a.dueDate.map { Breakdown.iso(CivilDay($0, calendar: .beijing)) } == "2015-10-31")
            let adds = try await AuditEntry.query(on: app.db).filter(\.$action == "item.add").all()
            #expect(added.count == 3 && Set(added.map { $0.id!.uuidString }).isSubset(of: Set(adds.map(\.entityID))))
            // The export now has them, and the same sheet uploaded again matches them by their words.
            let again = try await BreakdownImport.preview(
                plan: plan, rows: try BreakdownFile.rows(data), on: app.db, now: app.clock.now())
            #expect(again.newItems.isEmpty)
            #expect(again.changes.isEmpty, "\(again.changes)")
        }
    }
}

extension ServerTests {
    @Test("报送的存在问题、下一步措施进入进展表、台账和事项页 (problems and next steps reach the progress sheet, the 台账 and the item page)")
    func problemsAndNextSteps() async throws {
        try await TestApp.with { app in
            let (item, reporter) = try await app.assignedItem()
            let unit = try await app.signIn(reporter.username)
            let admin = try await app.signIn("duchaban")
            var reportID = ""
            try await app.testing().test(
                .POST, "/api/v1/items/\(item.id!)/reports", headers: .json(unit),
                body: ByteBuffer(
                    string:
                        #"{"period":"2015-06","percentComplete":55,"narrative":"完成主体工程。","problems":"征地拆迁滞后","nextSteps":"7月底前完成清表"}"#
                )
            ) { res in
                #expect(res.status == .created, "\(res.body.string)")
                #expect(try res.content.get(String.self, at: "problems") == "征地拆迁滞后")
                reportID = try res.content.get(String.self, at: "id")
            }
            try await app.testing().test(.POST, "/api/v1/reports/\(reportID)/accept", headers: .json(admin)) { res in
                #expect(res.status == .ok, "\(res.body.string)")
            }
            let plan = item.$plan.id
            try await app.testing().test(.GET, "/plans/\(plan)/breakdown.csv?progress=1", headers: admin.headers) {
                res in
                let rows = try CSVReader.rows(res.body.string)
                let header = try #require(rows.first)
                let row = try #require(rows.first { $0.last == item.code })
                let column = { (name: String) in row[try #require(header.firstIndex(of: name))] }
                #expect(try column("进展情况") == "完成主体工程。")
                #expect(try column("存在问题") == "征地拆迁滞后")
                #expect(try column("下一步措施") == "7月底前完成清表")
            }
            try await app.testing().test(.GET, "/plans/\(plan)/ledger.xlsx", headers: admin.headers) { res in
                let sheet = try #require(try SpreadsheetReader.sheets(of: Data(res.body.readableBytesView)).first).rows
                #expect(sheet[0][7] == "存在问题" && sheet[0][8] == "下一步措施")
                #expect(sheet.contains { $0.count > 8 && $0[7] == "征地拆迁滞后" && $0[8] == "7月底前完成清表" })
            }
            try await app.testing().test(.GET, "/items/\(item.id!)", headers: admin.headers) { res in
                #expect(res.body.string.contains("存在问题：<span lang=\"zh-CN\">征地拆迁滞后</span>"))
            }
            // The audit log still verifies: rows sealed before the columns existed keep their digests.
            let (_, broken) = try await LuoshiServer.verifyAudit(app)
            #expect(broken == nil)
        }
    }
}

extension ServerTests {
    /// A plan of two tasks made from a sheet, a year of reports filed on set days, and the score worked out
    /// by hand from the standard scheme and the standard rules (monthly reports due on the 25th).
    @Test("考核：按报送记录、督办单计分，明细给单位本身看 (assessment from the record, the working shown to the unit)")
    func assessmentFromTheRecord() async throws {
        try await TestApp.with { app in
            let store = app.store
            let now = app.clock.now()
            let admin = try #require(try await User.query(on: app.db).filter(\.$username == "duchaban").first())
            let (_, reporter) = try await app.assignedItem()
            let u = try #require(try await Organization.find(reporter.$organization.id, on: app.db))
            let v = try #require(
                try await Organization.query(on: app.db).filter(\.$kind == u.kind).filter(\.$id != u.id!).first())
            let csv = CSVWriter.csv([
                ["2015年考核测试分解表"], ["序号", "任务内容", "牵头单位", "配合单位", "完成时限", "报送周期", "权重"],
                ["1", "修缮村道并完成竣工验收", u.name, v.name, "2015-03-31", "每月", "2"],
                ["2", "建成便民服务中心", v.name, "", "2015-06-30", "每月", "1"],
            ])
            let (plan, sha) = try await PlanStore.importBreakdown(
                csv, name: "考核测试.csv", actor: admin, on: store, now: now,
                keepIn: BreakdownFile.directory(app.luoshi.evidenceDirectory))
            let rows = try BreakdownFile.rows(csv)
            let preview = try await BreakdownImport.preview(plan: plan, rows: rows, on: app.db, now: now)
            _ = try await BreakdownImport.apply(
                plan: plan.id!, source: .init(name: "考核测试.csv", sha256: sha, rows: rows), expected: preview.digest,
                createUnits: [], addItems: false, actor: admin, on: store, now: now)
            try await PlanLifecycle.publish(plan.id!, actor: admin, on: store, now: now)
            let road = try #require(
                try await PlanItem.query(on: app.db).filter(\.$plan.$id == plan.id!).filter(\.$kind == .task)
                    .filter(\.$title == "修缮村道并完成竣工验收").first())
            func day(_ m: Int, _ d: Int) -> Date {
                CivilDay(year: 2015, month: m, day: d).start(in: .beijing) + 10 * 3600
            }
            func file(_ period: String, _ pc: Double, on date: Date) async throws -> ProgressReport {
                try await Reports.file(
                    .init(period: period, percentComplete: pc, narrative: "\(period) 进展"), item: road, user: reporter,
                    on: store, now: date)
            }
            // January on time; February filed on time but returned, filed again on 2 March: 5 days late;
            // March never.
            let jan = try await file("2015-01", 30, on: day(1, 20))
            _ = try await Reports.review(
                jan.id!.uuidString, accept: true, reason: nil, user: admin, on: store, now: day(1, 21))
            let feb = try await file("2015-02", 60, on: day(2, 20))
            _ = try await Reports.review(
                feb.id!.uuidString, accept: false, reason: "数据不实", user: admin, on: store, now: day(2, 22))
            let again = try await file("2015-02", 60, on: day(3, 2))
            _ = try await Reports.review(
                again.id!.uuidString, accept: true, reason: nil, user: admin, on: store, now: day(3, 3))
            // An update of the accepted February report supersedes it: that is no return.
            let update = try await file("2015-02", 60, on: day(3, 5))
            _ = try await Reports.review(
                update.id!.uuidString, accept: true, reason: nil, user: admin, on: store, now: day(3, 6))
            _ = try await Notices.issue(
                .init(
                    item: road.id!, unit: nil, level: .yellow, reason: "进度滞后", requiredAction: "加快进度", respondBy: nil),
                by: admin, on: store, now: day(4, 10))

            let result = try await AssessmentService.score(
                plan: plan, period: "2015", at: CivilDay(year: 2015, month: 12, day: 31), on: app.db)
            let mine = try #require(result.scores.first { $0.unit == u.id })
            let theirs = try #require(result.scores.first { $0.unit == v.id })
            // U leads the road with one cooperating unit: 60% done, 275 days past 31 March, so no timeliness.
            #expect(abs(mine.points(.work) - 60 * (0.8 * 0.6 + 0.2 * 0)) < 1e-9)
            // Late February, missing March, the returned report, the yellow notice: 20 − 0.5 − 1 − 0.5 − 1.
            #expect(abs(mine.points(.common) - 17) < 1e-9)
            #expect(mine.lines.first { $0.subject == "逾期报送" }?.sources == ["\(road.code) 2015-02（晚 5 天）"])
            #expect(mine.lines.first { $0.subject == "未报送" }?.sources == ["\(road.code) 2015-03"])
            // V: the road at 0.3 × 2, its own centre (nothing reported, six months missing) at 1.
            #expect(abs(theirs.points(.work) - 60 * (0.6 * 0.48 + 1 * 0) / 1.6) < 1e-9)
            #expect(abs(theirs.points(.common) - (20 - 6)) < 1e-9)
            // The same numbers at an earlier day leave out what came after it: on 28 February, February's
            // report had been returned and not yet filed again, and March was not yet due.
            let early = try await AssessmentService.score(
                plan: plan, period: "2015", at: CivilDay(year: 2015, month: 2, day: 28), on: app.db)
            let mineEarly = try #require(early.scores.first { $0.unit == u.id })
            #expect(mineEarly.lines.first { $0.subject == "未报送" }?.sources == ["\(road.code) 2015-02"])
            #expect(mineEarly.lines.first { $0.subject == "逾期报送" } == nil)
            // Escalated (unanswered past its day): it counts from the day after the response was due, not before.
            let notice = try #require(
                try await SupervisionNotice.query(on: app.db).filter(\.$plan.$id == plan.id!).first())
            notice.escalation = 1
            try await notice.save(on: app.db)
            let dueDay = CivilDay(notice.respondBy, calendar: .beijing)
            for (at, counted) in [(dueDay, false), (dueDay.adding(days: 1), true)] {
                let r = try await AssessmentService.score(plan: plan, period: "2015", at: at, on: app.db)
                let line = r.scores.first { $0.unit == u.id }?.lines.first { $0.subject == "督办升级" }
                #expect((line != nil) == counted)
            }
            // Put back as the log has it (the escalation above was set by hand, not by a pass).
            notice.escalation = 0
            try await notice.save(on: app.db)

            // The unit reads its own working; another unit's reporter cannot; a reporter's ranking is their own.
            let unitCaller = try await app.signIn(reporter.username)
            try await app.testing().test(
                .GET, "/plans/\(plan.id!)/assessment/\(u.id!)?period=2015&at=2015-12-31", headers: unitCaller.headers
            ) { res in
                #expect(res.status == .ok)
                #expect(res.body.string.contains("逾期报送") && res.body.string.contains("28.80"))
            }
            try await app.testing().test(
                .GET, "/plans/\(plan.id!)/assessment/\(v.id!)?period=2015", headers: unitCaller.headers
            ) { res in #expect(res.status == .notFound) }
            try await app.testing().test(.GET, "/plans/\(plan.id!)/assessment", headers: unitCaller.headers) { res in
                #expect(res.status == .seeOther)
                #expect(res.headers.first(name: .location)?.contains("/assessment/\(u.id!)") == true)
            }
            let deputy = try await app.signIn("daibiao")
            try await app.testing().test(
                .GET, "/plans/\(plan.id!)/assessment?period=2015&at=2015-12-31", headers: deputy.headers
            ) { res in
                #expect(res.status == .ok)
                #expect(res.body.string.contains(u.name) && res.body.string.contains("45.80"))
            }
            // The score sheet, as LibreOffice reads it: the ranking, and every line; a unit's has its own only.
            var xlsx = Data()
            try await app.testing().test(
                .GET, "/plans/\(plan.id!)/assessment.xlsx?period=2015&at=2015-12-31", headers: deputy.headers
            ) { res in
                #expect(res.status == .ok)
                xlsx = Data(res.body.readableBytesView)
            }
            let ranking = try #require(try SpreadsheetReader.sheets(of: xlsx).first).rows
            #expect(ranking[1].prefix(3) == ["组别", "名次", "单位"])
            #expect(ranking.contains { $0.count > 9 && $0[2] == u.name && $0[8] == "45.8" && $0[9] == "不合格" })
            if let sheets = try await libreOfficeSheets(xlsx) {
                let lines = try #require(sheets.first { $0.first?.first == "单位" })
                #expect(lines.contains { $0.first == u.name && $0[1] == "共性目标" && $0[2] == "逾期报送" && $0[5] == "-0.5" })
            }
            try await app.testing().test(
                .GET, "/plans/\(plan.id!)/assessment.xlsx?period=2015", headers: unitCaller.headers
            ) { res in
                let rows = try #require(try SpreadsheetReader.sheets(of: Data(res.body.readableBytesView)).first).rows
                #expect(rows.count == 3 && rows[2][2] == u.name)
            }
            // The 考核结果通报 in Word, as LibreOffice reads it; not a unit's to fetch.
            var docx = Data()
            try await app.testing().test(
                .GET, "/plans/\(plan.id!)/assessment.docx?period=2015&at=2015-12-31", headers: deputy.headers
            ) { res in
                #expect(res.status == .ok)
                docx = Data(res.body.readableBytesView)
            }
            let words = try WordDocument.paragraphs(of: docx).map(\.text).joined(separator: "\n")
            #expect(words.contains("考核结果通报") && words.contains(u.name) && words.contains("45.80"))
            if let text = try await libreOfficeText(docx) {
                #expect(text.contains("考核结果通报") && text.contains(u.name))
            }
            try await app.testing().test(
                .GET, "/plans/\(plan.id!)/assessment.docx?period=2015", headers: unitCaller.headers
            ) { res in #expect(res.status == .forbidden) }
        }
    }
}

extension ServerTests {
    @Test("考核录入：加分到上限、一票否决须有决定、测评表全部或全不导入、方案改为新版本 (entries, survey, scheme versions)")
    func assessmentEntries() async throws {
        try await TestApp.with { app in
            let admin = try await app.signIn("duchaban")
            let plan = try #require(try await Plan.find(try await app.demoPlanID(), on: app.db))
            let (_, reporter) = try await app.assignedItem()
            let u = try #require(reporter.$organization.id)
            let name = try #require(try await Organization.find(u, on: app.db)).name
            let day = CivilDay(year: 2015, month: 6, day: 30)
            func score() async throws -> Assessment.UnitScore {
                try #require(
                    try await AssessmentService.score(plan: plan, period: "2015", at: day, on: app.db).scores.first {
                        $0.unit == u
                    })
            }
            let before = try await score()
            func post(_ path: String, _ form: String, as caller: Caller = admin) async throws -> (HTTPStatus, String) {
                var out: (HTTPStatus, String) = (.ok, "")
                try await app.testing().test(.POST, path, headers: caller.formHeaders, body: ByteBuffer(string: form)) {
                    res in out = (res.status, res.body.string)
                }
                return out
            }
            let entries = "/plans/\(plan.id!)/assessment/\(u)/entries"
            var (status, _) = try await post(
                entries, "period=2015&kind=bonus&bonusType=\(urlEncoded("上级表彰"))&points=4&reason=\(urlEncoded("市级表彰"))")
            #expect(status == .seeOther)
            var now = try await score()
            #expect(abs(now.total - (before.total + 3)) < 1e-9)  // the type's cap
            // A veto without a decision changes nothing; with one, the grade is 不合格 and the points stand.
            (status, _) = try await post(entries, "period=2015&kind=veto&reason=\(urlEncoded("安全事故"))")
            #expect(status == .seeOther)
            now = try await score()
            #expect(!now.vetoed)
            (status, _) = try await post(
                entries,
                "period=2015&kind=veto&reason=\(urlEncoded("安全事故"))&decidedBy=\(urlEncoded("镇党委会"))&document=\(urlEncoded("张委〔2015〕9号"))"
            )
            now = try await score()
            #expect(now.vetoed && now.grade == .fail && abs(now.total - (before.total + 3)) < 1e-9)
            // No reason, no entry; a type the scheme does not have, no entry; a reporter, no entry.
            (status, _) = try await post(entries, "period=2015&kind=deduction&points=2&reason=")
            #expect(status == .unprocessableEntity)
            (status, _) = try await post(entries, "period=2015&kind=bonus&bonusType=x&points=1&reason=y")
            #expect(status == .unprocessableEntity)
            (status, _) = try await post(
                entries, "period=2015&kind=deduction&points=2&reason=y", as: try await app.signIn(reporter.username))
            #expect(status == .forbidden)
            // The survey sheet: a row naming no unit refuses the whole sheet; corrected, every score is in.
            func survey(_ csv: String) async throws -> HTTPStatus {
                var out = HTTPStatus.ok
                var body = Data("--sheet-boundary\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\nx\r\n".utf8)
                body += Data("--sheet-boundary\r\nContent-Disposition: form-data; name=\"period\"\r\n\r\n2015\r\n".utf8)
                body += Data(
                    "--sheet-boundary\r\nContent-Disposition: form-data; name=\"sheet\"; filename=\"测评.csv\"\r\n\r\n"
                        .utf8)
                body += Data(csv.utf8) + Data("\r\n--sheet-boundary--\r\n".utf8)
                try await app.testing().test(
                    .POST, "/plans/\(plan.id!)/assessment/survey", headers: admin.multipartHeaders,
                    body: ByteBuffer(bytes: body)
                ) { res in out = res.status }
                return out
            }
            #expect(try await survey("单位,得分\r\n\(name),90\r\n不存在的单位,80\r\n") == .unprocessableEntity)
            #expect(try await score().points(.survey) == before.points(.survey))
            #expect(
                try await survey("2015年各单位满意度测评结果,,\r\n序号,单位,满意度得分\r\n1,\(name),90\r\n") == .seeOther)
            #expect(try await score().points(.survey) == 18)
            // A new scheme is a new version; the scores say which; a scheme whose parts do not add up is refused.
            let fields =
                "period=2015&workPoints=50&commonPoints=30&surveyPoints=20&timelinessShare=20&latenessPerDay=2&leadShare=70"
                + "&lateReport=0.5&missingReport=1&returnedReport=0.5&yellowNotice=1&redNotice=2&escalation=1"
                + "&bonusTypes=\(urlEncoded("上级表彰=3\n创新工作=2"))&bonusCap=5&excellent=90&good=80&pass=60&excellentShare=30"
            (status, _) = try await post("/plans/\(plan.id!)/assessment/scheme", fields)
            #expect(status == .seeOther)
            let v2 = try await AssessmentService.score(plan: plan, period: "2015", at: day, on: app.db)
            #expect(v2.scheme.version == 2 && v2.scheme.workPoints == 50)
            (status, _) = try await post(
                "/plans/\(plan.id!)/assessment/scheme",
                fields.replacingOccurrences(of: "workPoints=50", with: "workPoints=60"))
            #expect(status == .unprocessableEntity)
            try await app.testing().test(.GET, "/plans/\(plan.id!)/assessment?period=2015", headers: admin.headers) {
                res in
                #expect(res.body.string.contains("按考核方案第 2 版计分"))
            }
            // Blocks folded in at 70% and 30%, villages without a survey, one 优秀 place, a veto that leaves 合格.
            func folded(_ blocks: String) -> String {
                fields + "&excellentTop=1&vetoCap=pass&blocks=\(urlEncoded(blocks))"
                    + "&groupExclusions=\(urlEncoded("村=满意度测评"))"
            }
            (status, _) = try await post(
                "/plans/\(plan.id!)/assessment/scheme", folded("重点工作=70\n共性目标+满意度=30"))
            #expect(status == .unprocessableEntity)  // no such category
            (status, _) = try await post(
                "/plans/\(plan.id!)/assessment/scheme", folded("重点工作=70\n共性目标+满意度测评=30"))
            #expect(status == .seeOther)
            let v3 = try await AssessmentService.score(plan: plan, period: "2015", at: day, on: app.db)
            #expect(v3.scheme.version == 3)
            #expect(v3.scheme.blocks.map(\.share) == [0.7, 0.3])
            #expect(v3.scheme.groupExclusions == ["村": [.survey]] && v3.scheme.grades.excellentTop == 1)
            #expect(v3.scheme.grades.vetoCap == .pass)
            let mine = try #require(v3.scores.first { $0.name == name })
            let work = mine.points(.work) / 50, rest = (mine.points(.common) + mine.points(.survey)) / 50
            #expect(abs(mine.total - mine.points(.bonus) - mine.points(.deduction) - (70 * work + 30 * rest)) < 1e-6)
            try await app.testing().test(.GET, "/plans/\(plan.id!)/assessment?period=2015", headers: admin.headers) {
                res in
                let page = res.body.string
                #expect(page.contains("按板块折算（重点工作 70%、共性目标+满意度测评 30%）"))
                #expect(page.contains("村不计满意度测评，折算为百分制"))
                #expect(page.contains("<th>折算</th>"))
                // The form shows the scheme as it was saved, ready to edit again.
                #expect(page.contains("共性目标+满意度测评=30</textarea>"))
                #expect(page.contains("村=满意度测评</textarea>"))
            }
            #expect(try await AuditEntry.query(on: app.db).filter(\.$action == "assessment.scheme").count() == 2)
            #expect(try await AuditEntry.query(on: app.db).filter(\.$action == "assessment.entry").count() == 4)
        }
    }
}

extension ServerTests {
    @Test("考核的一轮：冻结、公示、异议与答复、定稿后不再变动 (a round: frozen, published, objected to, answered, final)")
    func assessmentRound() async throws {
        try await TestApp.with { app in
            let store = app.store
            let plan = try #require(try await Plan.find(try await app.demoPlanID(), on: app.db))
            let admin = try #require(try await User.query(on: app.db).filter(\.$username == "duchaban").first())
            let (item, reporter) = try await app.assignedItem()
            let unit = try #require(reporter.$organization.id)
            func day(_ m: Int, _ d: Int) -> Date {
                CivilDay(year: 2015, month: m, day: d).start(in: .beijing) + 10 * 3600
            }
            func total() async throws -> Double {
                let (r, _) = try await AssessmentRounds.current(
                    plan: plan, period: "2015-Q2", at: CivilDay(year: 2015, month: 6, day: 30), on: app.db)
                return r.scores.first { $0.unit == unit }?.total ?? -1
            }
            // Not before its day; then frozen at 30 June.
            await #expect(throws: LuoshiError.self) {
                try await AssessmentRounds.open(
                    plan: plan.id!, period: "2015-Q2", at: nil, actor: admin, on: store, now: day(6, 29))
            }
            try await AssessmentRounds.open(
                plan: plan.id!, period: "2015-Q2", at: nil, actor: admin, on: store, now: day(7, 2))
            let frozen = try await total()
            #expect(frozen >= 0)
            // A report filed after the freeze changes nothing.
            _ = try await Reports.file(
                .init(period: "2015-07", percentComplete: 100, narrative: "全部完成"), item: item, user: reporter,
                on: store,
                now: day(7, 3))
            #expect(try await total() == frozen)
            // The unit's 自评 of a line, then staff's 复核 of it: the reviewed points count, the computed stay beside.
            let (draft, _) = try await AssessmentRounds.current(
                plan: plan, period: "2015-Q2", at: CivilDay(year: 2015, month: 6, day: 30), on: app.db)
            let mine = try #require(draft.scores.first { $0.unit == unit })
            let keys = Assessment.keys(mine.lines)
            let work = try #require(mine.lines.firstIndex { $0.category == .work })
            let caller = try await app.signIn(reporter.username)
            let staff = try await app.signIn("duchaban")
            func claim(_ kind: String, _ points: String, _ note: String, as who: Caller) async throws -> HTTPStatus {
                var out = HTTPStatus.ok
                let form =
                    "period=2015-Q2&kind=\(kind)&keys[\(work)]=\(urlEncoded(keys[work]))&points[\(work)]=\(points)"
                    + "&notes[\(work)]=\(urlEncoded(note))&keys[99]=\(urlEncoded(keys[0]))&points[99]=&notes[99]="
                try await app.testing().test(
                    .POST, "/plans/\(plan.id!)/assessment/\(unit)/claims", headers: who.formHeaders,
                    body: ByteBuffer(string: form)
                ) { res in out = res.status }
                return out
            }
            #expect(try await claim("self", "10", "已全部完成，见7月报送", as: caller) == .seeOther)
            #expect(try await claim("review", "8", "", as: staff) == .unprocessableEntity)  // a change needs a reason
            #expect(try await claim("review", "8", "按6月30日数据，完成八成", as: staff) == .seeOther)
            let reviewed = try #require(
                try await AssessmentRounds.current(
                    plan: plan, period: "2015-Q2", at: CivilDay(year: 2015, month: 6, day: 30), on: app.db
                ).0.scores.first { $0.unit == unit })
            #expect(reviewed.lines[work].points == 8 && reviewed.lines[work].computed == mine.lines[work].points)
            #expect(abs(reviewed.total - (mine.total - mine.lines[work].points + 8)) < 1e-9)
            let frozenReviewed = reviewed.total
            try await app.testing().test(
                .GET, "/plans/\(plan.id!)/assessment/\(unit)?period=2015-Q2", headers: caller.headers
            ) { res in
                #expect(res.body.string.contains("已全部完成，见7月报送") && res.body.string.contains("按6月30日数据，完成八成"))
            }
            // No objection before the notice; during it, the unit's; staff answer; not final before the notice ends.
            await #expect(throws: LuoshiError.self) {
                try await AssessmentRounds.object(
                    plan: plan.id!, period: "2015-Q2", text: "异议", actor: reporter, on: store, now: day(7, 4))
            }
            try await AssessmentRounds.publish(
                plan: plan.id!, period: "2015-Q2", until: CivilDay(year: 2015, month: 7, day: 10), actor: admin,
                on: store,
                now: day(7, 5))
            try await AssessmentRounds.object(
                plan: plan.id!, period: "2015-Q2", text: "6月份报送系按时提交，请核实", actor: reporter, on: store, now: day(7, 6))
            await #expect(throws: LuoshiError.self) {
                try await AssessmentRounds.finalize(
                    plan: plan, period: "2015-Q2", actor: admin, on: store, now: day(7, 11))
            }
            let objection = try #require(try await AssessmentObjection.query(on: app.db).first())
            _ = try await AssessmentRounds.answer(
                objection.id!.uuidString, text: "经核实，6月份报送逾期2天，维持原分", actor: admin, on: store, now: day(7, 8))
            await #expect(throws: LuoshiError.self) {
                try await AssessmentRounds.finalize(
                    plan: plan, period: "2015-Q2", actor: admin, on: store, now: day(7, 10))
            }
            try await AssessmentRounds.finalize(plan: plan, period: "2015-Q2", actor: admin, on: store, now: day(7, 11))
            // Final: stored, shown as stored, and nothing changes it.
            let round = try #require(try await AssessmentRounds.find(plan: plan.id!, period: "2015-Q2", on: app.db))
            #expect(round.stage == .final && round.resultJSON != nil)
            #expect(try await total() == frozenReviewed)
            await #expect(throws: LuoshiError.self) {
                try await AssessmentService.addEntry(
                    .init(period: "2015-Q2", kind: .deduction, bonusType: nil, points: "1", reason: "迟到的扣分"),
                    plan: plan.id!, unit: unit, actor: admin, on: store, now: day(7, 12))
            }
            // The unit's page says so, with its objection and the answer.
            try await app.testing().test(
                .GET, "/plans/\(plan.id!)/assessment/\(unit)?period=2015-Q2", headers: caller.headers
            ) { res in
                #expect(res.status == .ok)
                let page = res.body.string
                #expect(page.contains("已定稿") && page.contains("经核实，6月份报送逾期2天"))
                #expect(!page.contains("name=\"text\""))  // no objection form any more
            }
            let steps = try await AuditEntry.query(on: app.db).filter(
                \.$action ~~ [
                    "assessment.open", "assessment.publish", "assessment.object", "assessment.answer",
                    "assessment.finalize", "assessment.self", "assessment.review",
                ]
            ).count()
            #expect(steps == 7)  // the review refused for want of a reason wrote nothing
        }
    }
}
