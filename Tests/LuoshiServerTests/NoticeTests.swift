import Fluent
import Foundation
import LuoshiCore
import NIOCore
import Testing
import Vapor
import VaporTesting

@testable import LuoshiServer

/// LibreOffice's `soffice`, or nil when it is not installed (CI installs it, and a missing one fails there).
func sofficePath() -> String? {
    let candidates = ["/usr/bin/soffice", "/usr/local/bin/soffice", "/usr/lib/libreoffice/program/soffice"]
    guard let path = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
        if ProcessInfo.processInfo.environment["CI"] != nil { Issue.record("LibreOffice is missing in CI") }
        return nil
    }
    return path
}

/// Runs `soffice` headless on `input` in `dir`, with a profile of its own so a LibreOffice already running
/// elsewhere does not swallow the call.
func runSoffice(_ soffice: String, _ arguments: [String], input: URL, in dir: URL) async throws {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: soffice)
    process.arguments =
        ["-env:UserInstallation=file://\(dir.path)/profile", "--headless"] + arguments + [
            "--outdir", dir.path, input.path,
        ]
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try await runToEnd(process)
}

/// Runs `process` and waits for it without holding a thread: a conversion takes LibreOffice seconds, and
/// `waitUntilExit` in an async test would hold one of the few cooperative threads the whole test process
/// shares (two on CI), starving every other test's awaits for that long.
func runToEnd(_ process: Process) async throws {
    try await withCheckedThrowingContinuation { (finished: CheckedContinuation<Void, any Error>) in
        process.terminationHandler = { _ in finished.resume() }
        do {
            try process.run()
        } catch {
            process.terminationHandler = nil
            finished.resume(throwing: error)
        }
    }
}

/// A temporary folder holding `data` as `name`, removed after `body`.
func withTemporaryFile<T>(_ data: Data, named name: String, _ body: (URL, URL) async throws -> T) async throws -> T {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("luoshi-lo-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let input = dir.appendingPathComponent(name)
    try data.write(to: input)
    return try await body(input, dir)
}

/// The text LibreOffice reads out of a Word file, or nil when LibreOffice is not installed.
func libreOfficeText(_ docx: Data) async throws -> String? {
    guard let soffice = sofficePath() else { return nil }
    return try await withTemporaryFile(docx, named: "doc.docx") { input, dir in
        try await runSoffice(soffice, ["--convert-to", "txt:Text"], input: input, in: dir)
        return try String(contentsOf: dir.appendingPathComponent("doc.txt"), encoding: .utf8)
    }
}

extension ServerTests {
    @Test("督办单：发出、签收、反馈、退回、办结，各角色权限，Word 与打印 (a notice's whole life)")
    func noticeLifecycle() async throws {
        try await TestApp.with { app in
            let (item, reporter) = try await app.assignedItem()
            let (_, stranger) = try await app.assignedItem(otherThan: reporter.$organization.id)
            let admin = try await app.signIn("duchaban")
            let unit = try await app.signIn(reporter.username)
            let other = try await app.signIn(stranger.username)
            let deputy = try await app.signIn("daibiao")
            var noticeID = ""
            var number = ""
            try await app.testing().test(
                .POST, "/api/v1/notices", headers: .json(admin),
                body: ByteBuffer(
                    string: #"{"item":"\#(item.id!)","level":"yellow","reason":"进度滞后于序时","requiredAction":"提出整改措施"}"#)
            ) { res throws in
                #expect(res.status == .created, "\(res.body.string)")
                noticeID = try res.content.get(String.self, at: "id")
                number = try res.content.get(String.self, at: "number")
                #expect(try res.content.get(String.self, at: "state") == "issued")
                #expect(try res.content.get(String.self, at: "unit") == reporter.$organization.id!.uuidString)
                // Yellow: seven days from the demo's 30 June.
                #expect(try res.content.get(String.self, at: "respondBy") == "2015-07-07")
            }
            #expect(number == "督〔2015〕1号")
            func step(_ caller: Caller, _ action: String, _ text: String? = nil) async throws -> HTTPStatus {
                var status = HTTPStatus.ok
                let body = text.map { #"{"text":"\#($0)"}"# } ?? "{}"
                try await app.testing().test(
                    .POST, "/api/v1/notices/\(noticeID)/\(action)", headers: .json(caller),
                    body: ByteBuffer(string: body)
                ) { res in status = res.status }
                return status
            }
            func state() async throws -> NoticeState {
                try #require(try await SupervisionNotice.find(UUID(uuidString: noticeID), on: app.db)).state
            }
            // Another unit can neither read nor act; a deputy reads but does not act; staff do not sign for units.
            try await app.testing().test(.GET, "/api/v1/notices/\(noticeID)", headers: other.headers) { res in
                #expect(res.status == .forbidden)
            }
            try await app.testing().test(.GET, "/api/v1/notices/\(noticeID)", headers: deputy.headers) { res in
                #expect(res.status == .ok)
            }
            #expect(try await step(other, "sign") == .forbidden)
            #expect(try await step(deputy, "sign") == .forbidden)
            #expect(try await step(admin, "sign") == .forbidden)
            #expect(try await step(unit, "close") == .forbidden)
            #expect(try await step(unit, "sign") == .ok)
            #expect(try await state() == .signed)
            #expect(try await step(unit, "sign") == .conflict)
            #expect(try await step(unit, "respond") == .unprocessableEntity)
            #expect(try await step(unit, "respond", "已召开专题会，倒排工期") == .ok)
            #expect(try await step(admin, "return") == .unprocessableEntity)
            #expect(try await step(admin, "return", "请附整改时间表") == .ok)
            #expect(try await state() == .signed)
            // The second response carries evidence, as a form with files.
            let boundary = "notice-boundary"
            var form = Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"text\"\r\n\r\n已附整改时间表\r\n".utf8)
            form += Data(
                "--\(boundary)\r\nContent-Disposition: form-data; name=\"evidence[]\"; filename=\"整改时间表.pdf\"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.4\n时间表\n%%EOF\r\n--\(boundary)--\r\n"
                    .utf8)
            var multipart = unit.headers
            multipart.replaceOrAdd(name: .contentType, value: "multipart/form-data; boundary=\(boundary)")
            try await app.testing().test(
                .POST, "/api/v1/notices/\(noticeID)/respond", headers: multipart, body: ByteBuffer(bytes: form)
            ) { res in #expect(res.status == .ok, "\(res.body.string)") }
            let file = try #require(try await NoticeEvidence.query(on: app.db).first())
            #expect(file.filename == "整改时间表.pdf" && file.contentType == "application/pdf")
            try await app.testing().test(.GET, "/notice-evidence/\(file.id!)", headers: deputy.headers) { res in
                #expect(res.status == .ok)
                #expect(res.body.string.hasPrefix("%PDF-1.4"))
            }
            try await app.testing().test(.GET, "/notice-evidence/\(file.id!)", headers: other.headers) { res in
                #expect(res.status == .forbidden)
            }
            #expect(try await step(admin, "close", "同意办结") == .ok)
            #expect(try await state() == .closed)
            #expect(try await step(unit, "respond", "再次反馈") == .conflict)

            // Every step in the audit log, in order; the chain intact.
            let steps = try await AuditEntry.query(on: app.db).filter(\.$entity == "notice")
                .filter(\.$entityID == noticeID).sort(\.$sequence).all().map(\.action)
            #expect(
                steps == [
                    "notice.issue", "notice.sign", "notice.respond", "notice.sendBack", "notice.respond",
                    "notice.close",
                ])
            #expect(try await Audit.verify(on: app.db, key: app.auditKey).broken == nil)
            // The unit was told of the notice, the return and the closing; staff of each response.
            let unitInbox = try await InboxMessage.query(on: app.db).filter(\.$user.$id == reporter.id!).all()
            #expect(unitInbox.map(\.kind.rawValue).sorted() == ["notice", "notice.update", "notice.update"])
            try await app.testing().test(.GET, "/api/v1/inbox", headers: unit.headers) { res throws in
                #expect(try res.content.get(Int.self, at: "unread") == 3)
            }
            try await app.testing().test(.GET, "/inbox", headers: unit.headers) { res in
                #expect(res.body.string.contains("<span class=\"count\""))
                #expect(res.body.string.contains(number))
            }
            let staff = try #require(try await User.query(on: app.db).filter(\.$username == "duchaban").first())
            #expect(
                try await InboxMessage.query(on: app.db).filter(\.$user.$id == staff.id!).filter(
                    \.$kind == .noticeUpdate
                )
                .count() == 2)

            // The item's page lists it; it prints on one page and downloads as Word that LibreOffice opens.
            try await app.testing().test(.GET, "/items/\(item.id!)", headers: admin.headers) { res in
                #expect(res.body.string.contains(number))
            }
            try await app.testing().test(.GET, "/notices/\(noticeID)/print", headers: unit.headers) { res in
                #expect(res.status == .ok)
                #expect(res.body.string.contains("督查督办通知单"))
                #expect(res.body.string.contains("已附整改时间表"))
            }
            var docx = Data()
            try await app.testing().test(.GET, "/notices/\(noticeID)/docx", headers: deputy.headers) { res in
                #expect(res.status == .ok)
                #expect(res.headers.first(name: .contentDisposition)?.contains("filename*=UTF-8''") == true)
                docx = Data(res.body.readableBytesView)
            }
            if let text = try await libreOfficeText(docx) {
                #expect(text.contains(number))
                #expect(text.contains("进度滞后于序时"))
                #expect(text.contains("已办结"))
            }
            try await app.testing().test(.GET, "/notices/\(noticeID)/docx", headers: other.headers) { res in
                #expect(res.status == .forbidden)
            }
        }
    }

    @Test("月通报：按时、逾期、未报，在办督办单；Word 可打开 (the monthly bulletin)")
    func monthlyBulletin() async throws {
        try await TestApp.with { app in
            let planID = try await app.demoPlanID()
            let plan = try #require(try await Plan.find(planID, on: app.db))
            let (item, reporter) = try await app.assignedItem()
            try await Assignment.query(on: app.db).filter(\.$item.$id == item.id!).set(\.$cycle, to: .monthly).update()
            // May in the demo: reports filed on the 25th, so on time; some units silent.
            let b = try await Bulletin.build(plan: plan, year: 2015, month: 5, on: app.db, now: app.clock.now())
            #expect(b.totals.due == b.totals.onTime + b.totals.late + b.totals.missing)
            #expect(b.totals.onTime > 0 && b.totals.missing > 0)
            #expect(b.totals.late == 0)
            // A report for May filed on the 27th, after its due day, counts as late (one filed in June would still
            // be missing: the bulletin speaks for the month's end).
            try await TestApp.unguarded(ProgressReport.schema, in: app) {
                try await ProgressReport.query(on: app.db).filter(\.$item.$id == item.id!)
                    .filter(\.$period == "2015-05").delete()
            }
            _ = try await Reports.file(
                .init(period: "2015-05", actualValue: nil, percentComplete: 40, milestone: nil, narrative: "补报"),
                item: item, user: reporter, on: app.store,
                now: CivilDay(year: 2015, month: 5, day: 27).start(in: .beijing).addingTimeInterval(36000))
            let after = try await Bulletin.build(plan: plan, year: 2015, month: 5, on: app.db, now: app.clock.now())
            #expect(after.totals.late == 1)
            #expect(after.totals.onTime + after.totals.missing == b.totals.onTime + b.totals.missing - 1)
            let admin = try await app.signIn("duchaban")
            try await app.testing().test(.GET, "/plans/\(planID)/bulletin?month=2015-05", headers: admin.headers) {
                res in
                #expect(res.status == .ok)
                #expect(res.body.string.contains("督查督办月通报"))
                #expect(res.body.string.contains("2015年第5期"))
            }
            try await app.testing().test(.GET, "/plans/\(planID)/bulletin?month=2015-13", headers: admin.headers) {
                res in
                #expect(res.status == .unprocessableEntity)
            }
            var docx = Data()
            try await app.testing().test(.GET, "/plans/\(planID)/bulletin.docx?month=2015-05", headers: admin.headers) {
                res in
                #expect(res.status == .ok)
                docx = Data(res.body.readableBytesView)
            }
            if let text = try await libreOfficeText(docx) {
                #expect(text.contains("督查督办月通报"))
                #expect(text.contains("本月应报送进展\(after.totals.due)件"))
            }
            // A draft's bulletin and rules are staff's alone.
            plan.status = .draft
            try await plan.save(on: app.db)
            let unitCaller = try await app.signIn(reporter.username)
            for path in [
                "/plans/\(planID)/bulletin", "/api/v1/plans/\(planID)/bulletin", "/plans/\(planID)/supervision",
            ] {
                try await app.testing().test(.GET, path, headers: unitCaller.headers) { res in
                    #expect(res.status == .notFound, "\(path)")
                }
                try await app.testing().test(.GET, path, headers: admin.headers) { res in
                    #expect(res.status == .ok, "\(path)")
                }
            }
        }
    }
}
