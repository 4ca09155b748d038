import Fluent
import Foundation
import LuoshiCore
import NIOCore
import NIOPosix
import OfficeOpenXML
import Testing
import Vapor
import VaporTesting

@testable import LuoshiServer

/// What careless or hostile input found: periods that only looked right, characters Word cannot
/// open, file names with NUL, comments on items the author cannot see, files left by a kill.
extension ServerTests {
    @Test("报送期按格式解析：换行、0000 年、第 99 周都不行 (periods are parsed: no trailing line break, year 0000 or week 99)")
    func periodsAreParsed() async throws {
        try await TestApp.with { app in
            let (item, reporter) = try await app.assignedItem()
            let caller = try await app.signIn(reporter.username)
            func file(_ period: String) async throws -> HTTPStatus {
                let filing = Reports.Filing(
                    period: period, actualValue: nil, percentComplete: 40, milestone: nil, narrative: "推进中")
                var status = HTTPStatus.ok
                try await app.testing().test(
                    .POST, "/api/v1/items/\(item.id!)/reports", headers: .json(caller),
                    beforeRequest: { req in try req.content.encode(filing, as: .json) }
                ) { res in status = res.status }
                return status
            }
            for bad in ["2015-03\n", " 2015-03", "0000-01", "2015-W99", "2015-W00", "2016-W53", "2015-13", "2015-Q5"] {
                #expect(try await file(bad) == .unprocessableEntity, "\(bad.debugDescription)")
            }
            #expect(try await file("2015-W53") == .created)  // 2015 began on a Thursday: it has 53 weeks
            #expect(try await file("2015-03") == .created)
            let live = try await ProgressReport.query(on: app.db).filter(\.$item.$id == item.id!)
                .filter(\.$period == "2015-03").filter(\.$state == .submitted).count()
            #expect(live == 1)
        }
    }

    @Test("报送期解析规则 (the period parser)")
    func periodParser() {
        for good in ["2015-01", "2015-12", "2015-Q1", "2015-H2", "2015-W01", "2015-W53", "2020-W53"] {
            #expect(ReportPeriod.parse(good) == good, "\(good)")
        }
        for bad in ["2015-1", "2015-00", "15-01", "2015/01", "２０１５-01", "2015-W5", "2019-W53", "2015-H3", "2015-01 "] {
            #expect(ReportPeriod.parse(bad) == nil, "\(bad)")
        }
        #expect([2015, 2020, 2026].map(ReportPeriod.isoWeeks) == [53, 53, 53])
        #expect([2016, 2019, 2021].map(ReportPeriod.isoWeeks) == [52, 52, 52])
    }

    @Test("XML 不允许的字符不进 Word 文件；文件名去掉 NUL 与路径 (no XML-forbidden character in Word files; file names cleaned)")
    func textIsCleaned() {
        #expect(MarkupText.escape("反馈\u{FFFE}内容\u{FFFF}\u{0}<b>") == "反馈内容&lt;b&gt;")
        #expect(EvidenceStore.cleanName("report\u{0}.pdf") == "report.pdf")
        #expect(EvidenceStore.cleanName("..\\..\\Windows\\evil.pdf") == "evil.pdf")
        #expect(EvidenceStore.cleanName("gpj.\u{202E}exe.pdf") == "gpj.exe.pdf")
        let long = String(repeating: "长", count: 400) + ".pdf"
        #expect(EvidenceStore.cleanName(long).count == 200)
        #expect(EvidenceStore.cleanName(long).hasSuffix(".pdf"))
        #expect(EvidenceStore.cleanName("x." + String(repeating: "a", count: 300)).count == 200)
    }

    @Test("意见只能写在看得见、本单位承担的事项上 (comments only on items the author sees and, for a unit, works on)")
    func commentsNeedAccess() async throws {
        try await TestApp.with { app in
            let (item, reporter) = try await app.assignedItem()
            let unitID = try #require(reporter.$organization.id)
            let other = try #require(
                try await Assignment.query(on: app.db).with(\.$item).all().first { !$0.involves(unitID) }?.item)
            let unit = try await app.browser(reporter.username)
            func comment(_ id: UUID) async throws -> HTTPStatus {
                var status = HTTPStatus.ok
                try await app.testing().test(
                    .POST, "/items/\(id)/comments", headers: unit.headers,
                    body: ByteBuffer(string: "_csrf=\(unit.csrf)&body=%E5%B7%B2%E8%90%BD%E5%AE%9E")
                ) { res in status = res.status }
                return status
            }
            #expect(try await comment(item.id!) == .seeOther)
            #expect(try await comment(other.id!) == .forbidden)
            // The plan back in draft: its items are staff's alone, and do not exist for the unit.
            try await Plan.query(on: app.db).set(\.$status, to: .draft).update()
            #expect(try await comment(item.id!) == .notFound)
            let comments = try await Comment.query(on: app.db).filter(\.$body == "已落实").count()
            #expect(comments == 1)
        }
    }

    @Test("被强杀后留下的证明材料文件在启动时移到一旁 (evidence files left by a kill are moved aside at start)")
    func orphanedEvidenceIsSweptAside() async throws {
        try await TestApp.with { app in
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("luoshi-orphans-\(UUID())")
                .path
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let (item, reporter) = try await app.assignedItem()
            let pdf = try receivedPDF(named: "a.pdf", in: directory)
            let incoming = directory + "/" + UploadReceiver.incoming
            _ = try await Reports.file(
                Reports.Filing(
                    period: "2015-06", actualValue: nil, percentComplete: 50, milestone: nil, narrative: "x"),
                evidence: pdf, evidenceDirectory: directory, item: item, user: reporter, on: app.store,
                now: app.clock.now())
            let old = UUID().uuidString.lowercased()
            let fresh = UUID().uuidString.lowercased()
            for name in [old, fresh] {
                _ = FileManager.default.createFile(atPath: directory + "/" + name, contents: Data("x".utf8))
            }
            try FileManager.default.setAttributes(
                [.modificationDate: Date().addingTimeInterval(-3600)], ofItemAtPath: directory + "/" + old)
            // An upload abandoned an hour ago in the incoming folder, and one still arriving.
            let abandoned = incoming + "/" + UUID().uuidString.lowercased()
            let arriving = incoming + "/" + UUID().uuidString.lowercased()
            for path in [abandoned, arriving] {
                _ = FileManager.default.createFile(atPath: path, contents: Data("y".utf8))
            }
            try FileManager.default.setAttributes(
                [.modificationDate: Date().addingTimeInterval(-3600)], ofItemAtPath: abandoned)
            let moved = try await EvidenceStore.sweepOrphans(in: directory, on: app.db)
            #expect(moved == [old])
            #expect(FileManager.default.fileExists(atPath: directory + "/orphaned/" + old))
            #expect(FileManager.default.fileExists(atPath: directory + "/" + fresh))
            #expect(FileManager.default.fileExists(atPath: EvidenceStore.path(pdf[0].id, in: directory)))
            #expect(!FileManager.default.fileExists(atPath: pdf[0].source), "the received file was moved into place")
            #expect(!FileManager.default.fileExists(atPath: abandoned))
            #expect(FileManager.default.fileExists(atPath: arriving))
        }
    }
}

extension ServerTests {
    @Test("发了一半就停住的请求被关闭 (a request that stops half-sent is closed)")
    func stalledRequestsAreClosed() async throws {
        try await TestApp.with { app in
            #expect(app.http.server.configuration.idleTimeout == .seconds(30))
            app.http.server.configuration.idleTimeout = .milliseconds(500)
            let live = try await Live.start(app)
            let port = try #require(app.http.server.shared.localAddress?.port)
            let channel = try await ClientBootstrap(group: app.eventLoopGroup).connect(host: "127.0.0.1", port: port)
                .get()
            try await channel.writeAndFlush(ByteBuffer(string: "POST /login HTTP/1.1\r\nHost: x\r\nContent-Le")).get()
            let started = Date()
            // Closed by the server well before this test gives up waiting.
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await channel.closeFuture.get() }
                group.addTask {
                    try await Task.sleep(for: .seconds(10))
                    throw TestFailure.missing("the connection is still open")
                }
                try await group.next()
                group.cancelAll()
            }
            #expect(Date().timeIntervalSince(started) < 5)
            await live.stop()
        }
    }
}

extension ServerTests {
    @Test("报送多的事项分页显示，每页 50 份 (an item's reports come 50 to a page)")
    func itemReportsArePaged() async throws {
        try await TestApp.with { app in
            let (item, reporter) = try await app.assignedItem()
            let start = app.clock.now().addingTimeInterval(-200 * 86_400)
            for n in 0..<120 {
                let r = ProgressReport(
                    itemID: item.id!, unitID: reporter.$organization.id!, authorID: reporter.id!, period: "2015-05",
                    actualValue: nil, percentComplete: 10, milestone: nil, narrative: "第\(n)次报送",
                    submittedAt: start.addingTimeInterval(Double(n) * 3600))
                r.state = .accepted
                try await r.create(on: app.db)
            }
            let total = try await ProgressReport.query(on: app.db).filter(\.$item.$id == item.id!).count()
            let admin = try await app.browser("duchaban")
            try await app.testing().test(.GET, "/items/\(item.id!)", headers: admin.headers) { res in
                let page = res.body.string
                #expect(page.contains("第 1–50 份，共 \(total) 份"))
                #expect(page.contains("第119次报送"))  // the newest first
                #expect(!page.contains("第0次报送"))
                #expect(page.contains("/items/\(item.id!)?reports=2#reports"))
            }
            let last = (total + 49) / 50
            try await app.testing().test(.GET, "/items/\(item.id!)?reports=\(last)", headers: admin.headers) { res in
                let page = res.body.string
                #expect(page.contains("第 \((last - 1) * 50 + 1)–\(total) 份，共 \(total) 份"))
                #expect(!page.contains("较早 →"))
                #expect(page.timelineEntries <= 50)
            }
        }
    }
}

extension String {
    /// How many reports a page's timeline shows.
    fileprivate var timelineEntries: Int {
        guard let list = range(of: #"<ol class="timeline">.*?</ol>"#, options: .regularExpression) else { return 0 }
        return self[list].components(separatedBy: "<li").count - 1
    }
}

extension ServerTests {
    @Test("审计日志与消息一页 50 条，可翻到最早的 (the audit log and an inbox come 50 to a page, back to the first)")
    func auditAndInboxArePaged() async throws {
        try await TestApp.with { app in
            let (item, _) = try await app.assignedItem()
            let staff = try #require(try await User.query(on: app.db).filter(\.$username == "duchaban").first())
            for n in 0..<60 {
                try await Comments.add("意见\(n)", on: item.id!, actor: staff, on: app.store, now: app.clock.now())
            }
            let start = app.clock.now()
            for n in 0..<120 {
                let m = InboxMessage()
                m.$user.id = staff.id!
                m.kind = .reminder
                m.title = "消息\(n)号"
                m.body = "正文"
                m.createdAt = start.addingTimeInterval(Double(n))
                try await m.create(on: app.db)
            }
            let admin = try await app.browser("duchaban")
            try await app.testing().test(.GET, "/inbox", headers: admin.headers) { res in
                let page = res.body.string
                #expect(page.contains("第 1–50 条，共 120 条"))
                #expect(page.contains("消息119号"))
                #expect(!page.contains("消息69号"))
                #expect(page.contains("/inbox?page=2"))
            }
            try await app.testing().test(.GET, "/inbox?page=3", headers: admin.headers) { res in
                let page = res.body.string
                #expect(page.contains("第 101–120 条，共 120 条"))
                #expect(page.contains("消息0号"))
                #expect(!page.contains("较早 →"))
            }
            let entries = try await AuditEntry.query(on: app.db).count()
            #expect(entries > 60)
            try await app.testing().test(.GET, "/audit", headers: admin.headers) { res in
                let page = res.body.string
                #expect(page.contains("第 1–50 条，共 \(entries) 条"))
                #expect(page.contains("class=\"num\">\(entries)</td>"))
                #expect(!page.contains("class=\"num\">1</td>"))
            }
            let last = (entries + 49) / 50
            try await app.testing().test(.GET, "/audit?page=\(last)", headers: admin.headers) { res in
                #expect(res.body.string.contains("class=\"num\">1</td>"))
            }
            // The API's lists: 200 to a page, and past the last page nothing, so a client that pages
            // until a page comes back empty stops.
            let api = try await app.signIn("duchaban")
            struct Anything: Decodable { init(from decoder: any Decoder) throws {} }
            struct Inbox: Decodable { var messages: [Anything] }
            func listed(_ path: String) async throws -> Int {
                var n = -1
                try await app.testing().test(.GET, path, headers: api.headers) { res in
                    n =
                        path.contains("inbox")
                        ? try res.content.decode(Inbox.self).messages.count
                        : try res.content.decode([Anything].self).count
                }
                return n
            }
            #expect(try await listed("/api/v1/inbox") == 120)
            #expect(try await listed("/api/v1/inbox?page=2") == 0)
            try await app.testing().test(
                .POST, "/api/v1/notices", headers: .json(api),
                body: ByteBuffer(
                    string: #"{"item":"\#(item.id!)","level":"yellow","reason":"进度滞后","requiredAction":"整改"}"#)
            ) { res in #expect(res.status == .created) }
            #expect(try await listed("/api/v1/notices") == 1)
            #expect(try await listed("/api/v1/notices?page=2") == 0)
        }
    }
}

/// A small PDF as an upload leaves it: received into the evidence folder's incoming folder, then checked.
func receivedPDF(named name: String, in directory: String) throws -> [EvidenceStore.Checked] {
    let incoming = directory + "/" + UploadReceiver.incoming
    try FileManager.default.createDirectory(atPath: incoming, withIntermediateDirectories: true)
    let bytes = Data("%PDF-1.4 证明".utf8)
    let source = incoming + "/" + UUID().uuidString.lowercased()
    _ = FileManager.default.createFile(atPath: source, contents: bytes)
    return try EvidenceStore.check([
        ReceivedFile(
            field: "evidence", filename: name, path: source, size: bytes.count, sha256: Fingerprint.sha256Hex(bytes),
            head: Array(bytes.prefix(16)))
    ])
}
