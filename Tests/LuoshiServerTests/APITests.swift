import Fluent
import Foundation
import LuoshiCore
import NIOCore
import Testing
import Vapor
import VaporTesting

@testable import LuoshiServer

/// Every server test runs one at a time: with PostgreSQL they share one database.
@Suite("服务器 (server)", .serialized)
struct ServerTests {
    @Test("无需登录的健康检查；未登录什么也读不到 (health without a session; nothing else without one)")
    func anonymous() async throws {
        try await TestApp.with { app in
            try await app.testing().test(.GET, "/healthz") { res throws in
                #expect(res.status == .ok)
                #expect(res.body.string == #"{"status":"ok"}"#)
            }
            try await app.testing().test(.GET, "/api/v1/plans") { res throws in
                #expect(res.status == .unauthorized)
                #expect(try res.content.get(String.self, at: "error", "code") == "unauthenticated")
            }
            try await app.testing().test(.GET, "/plans") { res throws in
                #expect(res.status == .seeOther)
                #expect(res.headers.first(name: .location)?.hasPrefix("/login") == true)
            }
            try await app.testing().test(.GET, "/api/openapi.json") { res throws in
                #expect(res.status == .ok)
                #expect(try res.content.get(String.self, at: "openapi") == "3.0.3")
                // Every API route is described.
                let doc = try #require(
                    try JSONSerialization.jsonObject(with: Data(res.body.readableBytesView)) as? [String: Any])
                let paths = try #require(doc["paths"] as? [String: [String: Any]])
                let described = Set(paths.flatMap { path, ops in ops.keys.map { "\($0.uppercased()) \(path)" } })
                let routes = Set(
                    app.routes.all.filter { !$0.refusesMethod }.map { r in
                        "\(r.method.rawValue) /"
                            + r.path.map { c in
                                if case .parameter(let name) = c { return "{\(name)}" }
                                return c.description
                            }.joined(separator: "/")
                    }.filter { $0.contains("/api/v1/") || $0.hasSuffix("/healthz") })
                #expect(routes.subtracting(described).isEmpty, "undocumented: \(routes.subtracting(described))")
                #expect(
                    described.subtracting(routes).isEmpty, "documented, not routed: \(described.subtracting(routes))")
                // The schemas are the types: what an item answer holds is what its schema lists.
                let schemas = try #require((doc["components"] as? [String: Any])?["schemas"] as? [String: Any])
                let itemSchema = try #require(schemas["APIController.ItemView"] as? [String: Any])
                let properties = Set(try #require(itemSchema["properties"] as? [String: Any]).keys)
                #expect(properties.isSuperset(of: ["id", "code", "kind", "title", "status", "reports", "milestones"]))
                #expect(Set(itemSchema["required"] as? [String] ?? []).isSuperset(of: ["id", "status", "reports"]))
                #expect(
                    !properties.contains("subject") || !(itemSchema["required"] as? [String] ?? []).contains("subject"))
                let comparator = (try #require(itemSchema["properties"] as? [String: [String: Any]]))["comparator"]
                #expect(comparator?["enum"] as? [String] == [">=", "<=", "=", "~", "range"])
            }
            // A method a documented path does not have is refused with 405 and what it allows.
            try await app.testing().test(.TRACE, "/api/v1/plans") { res throws in
                #expect(res.status == .methodNotAllowed)
                #expect(res.headers.first(name: "Allow") == "GET, POST")
            }
        }
    }

    @Test("计划以 luoshi-plan/1 返回，并带状态 (a plan in luoshi-plan/1 with statuses)")
    func planWithStatus() async throws {
        try await TestApp.with { app in
            let admin = try await app.signIn("duchaban")
            let id = try await app.demoPlanID()
            try await app.testing().test(.GET, "/api/v1/plans", headers: admin.headers) { res throws in
                #expect(res.status == .ok)
                let plans = try res.content.decode([APIController.PlanSummary].self)
                #expect(plans.map(\.title) == ["张芝山镇2015年度工作计划"])
                #expect(plans.first?.status == .published)
            }
            try await app.testing().test(.GET, "/api/v1/plans/\(id)", headers: admin.headers) { res throws in
                #expect(res.status == .ok)
                let view = try res.content.decode(APIController.PlanView.self)
                #expect(view.plan.format == "luoshi-plan/1")
                #expect(view.plan.sections.count == 6)
                #expect(view.plan.targets.count == 25)
                #expect(view.plan.targets.filter(\.headline).count == 5)
                // A project keeps its measured attributes: 张江公路升级改造工程, 1.7千米, 4000万元.
                let road = try #require(view.plan.projects.first { $0.name == "张江公路升级改造工程" })
                #expect(road.attributes.map(\.name) == ["length", "investment", "width"])
                #expect(road.attributes.map(\.value) == [1.7, 40_000_000, 60])
                // The demo holds every colour: the statuses mean something at 2015-06-30.
                let colours = Set(view.items.map(\.colour))
                #expect(colours == [.green, .yellow, .red])
                #expect(view.progress > 0.2 && view.progress < 0.6)
            }
            try await app.testing().test(.GET, "/api/v1/plans/\(UUID())", headers: admin.headers) { res throws in
                #expect(res.status == .notFound)
            }
            try await app.testing().test(.GET, "/api/v1/plans/not-a-uuid", headers: admin.headers) { res throws in
                #expect(res.status == .notFound)
            }
        }
    }

    @Test("填报人只能报送本单位的事项 (a reporter reports only on their unit's items)")
    func reportOwnership() async throws {
        try await TestApp.with { app in
            let (item, reporter) = try await app.assignedItem()
            let caller = try await app.signIn(reporter.username)
            let filing = Reports.Filing(
                period: "2015-06", actualValue: nil, percentComplete: 55, milestone: nil, narrative: "6月份完成主体施工。")
            var reportID = UUID()
            try await app.testing().test(
                .POST, "/api/v1/items/\(item.id!)/reports", headers: .json(caller),
                beforeRequest: { req in
                    try req.content.encode(filing, as: .json)
                }
            ) { res throws in
                #expect(res.status == .created, "\(res.body.string)")
                let view = try res.content.decode(APIController.ReportView.self)
                #expect(view.state == .submitted)
                #expect(view.percentComplete == 55)
                reportID = view.id
            }
            // Another unit's item.
            let (other, _) = try await app.assignedItem(otherThan: reporter.$organization.id)
            try await app.testing().test(
                .POST, "/api/v1/items/\(other.id!)/reports", headers: .json(caller),
                beforeRequest: { req in
                    try req.content.encode(filing, as: .json)
                }
            ) { res throws in
                #expect(res.status == .forbidden)
                #expect(try res.content.get(String.self, at: "error", "message").contains("不属于本单位"))
            }
            // A deputy reads but does not write.
            let deputy = try await app.signIn("daibiao")
            try await app.testing().test(
                .POST, "/api/v1/items/\(item.id!)/reports", headers: .json(deputy),
                beforeRequest: { req in
                    try req.content.encode(filing, as: .json)
                }
            ) { res throws in
                #expect(res.status == .forbidden)
            }
            // The report is there, once.
            let count = try await ProgressReport.query(on: app.db).filter(\.$item.$id == item.id!).filter(
                \.$period == "2015-06"
            ).count()
            #expect(count == 1)
            #expect(try await ProgressReport.find(reportID, on: app.db)?.state == .submitted)
        }
    }

    @Test("错误的请求：明确的 4xx，什么也不写入 (bad requests: a clear 4xx, nothing written)")
    func badRequests() async throws {
        try await TestApp.with { app in
            let (item, reporter) = try await app.assignedItem()
            let caller = try await app.signIn(reporter.username)
            let before = try await ProgressReport.query(on: app.db).count()
            let cases: [(String, HTTPStatus, String)] = [
                ("{not json", .badRequest, "malformed_request"),
                (#"{"period": "2015-06"}"#, .badRequest, "malformed_request"),
                (#"{"period": 6, "narrative": "x"}"#, .badRequest, "malformed_request"),
                (#"{"period": "2015-6", "narrative": "x"}"#, .unprocessableEntity, "invalid"),
                (#"{"period": "2015-06", "percentComplete": 150, "narrative": "x"}"#, .unprocessableEntity, "invalid"),
                (#"{"period": "2015-06", "narrative": "   "}"#, .unprocessableEntity, "invalid"),
            ]
            for (body, status, code) in cases {
                try await app.testing().test(
                    .POST, "/api/v1/items/\(item.id!)/reports", headers: .json(caller), body: ByteBuffer(string: body)
                ) { res throws in
                    #expect(res.status == status, "\(body) → \(res.status)")
                    #expect((try? res.content.get(String.self, at: "error", "code")) == code, "\(body)")
                    #expect((try? res.content.get(String.self, at: "error", "message"))?.isEmpty == false)
                }
            }
            try await app.testing().test(
                .POST, "/api/v1/items/\(UUID())/reports", headers: .json(caller),
                body: ByteBuffer(string: #"{"period":"2015-06","narrative":"x"}"#)
            ) { res throws in
                #expect(res.status == .notFound)
            }
            #expect(try await ProgressReport.query(on: app.db).count() == before)
            // Control characters are dropped, not stored (PostgreSQL refuses a NUL in text).
            try await app.testing().test(
                .POST, "/api/v1/items/\(item.id!)/reports", headers: .json(caller),
                body: ByteBuffer(string: #"{"period":"2015-06","narrative":"a\u0000b\u0007c"}"#)
            ) { res throws in
                #expect(res.status == .created)
                #expect(try res.content.decode(APIController.ReportView.self).narrative == "abc")
            }
        }
    }

    @Test("审核：采纳、退回需理由、不可重复审核；更正取代旧报送 (review; corrections supersede)")
    func review() async throws {
        try await TestApp.with { app in
            let (item, reporter) = try await app.assignedItem()
            let unit = try await app.signIn(reporter.username)
            let admin = try await app.signIn("duchaban")
            func file(_ percent: Double) async throws -> UUID {
                var id = UUID()
                try await app.testing().test(
                    .POST, "/api/v1/items/\(item.id!)/reports", headers: .json(unit),
                    beforeRequest: { req in
                        try req.content.encode(
                            Reports.Filing(
                                period: "2015-06", actualValue: nil, percentComplete: percent, milestone: nil,
                                narrative: "进展\(percent)"), as: .json)
                    }
                ) { res throws in
                    #expect(res.status == .created)
                    id = try res.content.decode(APIController.ReportView.self).id
                }
                return id
            }
            let first = try await file(40)
            try await app.testing().test(
                .POST, "/api/v1/reports/\(first)/return", headers: .json(admin), body: ByteBuffer(string: "{}")
            ) { res throws in
                #expect(res.status == .badRequest)
            }
            try await app.testing().test(
                .POST, "/api/v1/reports/\(first)/return", headers: .json(admin),
                body: ByteBuffer(string: #"{"reason":"  "}"#)
            ) { res throws in
                #expect(res.status == .unprocessableEntity)
            }
            try await app.testing().test(
                .POST, "/api/v1/reports/\(first)/return", headers: .json(admin),
                body: ByteBuffer(string: #"{"reason":"数据与台账不符"}"#)
            ) { res throws in
                #expect(res.status == .ok)
                #expect(try res.content.decode(APIController.ReportView.self).state == .returned)
            }
            // The unit corrects: a new report supersedes the returned one; both stay.
            let second = try await file(45)
            #expect(try await ProgressReport.find(first, on: app.db)?.state == .superseded)
            #expect(try await ProgressReport.find(second, on: app.db)?.$supersedes.id == first)
            // A reporter cannot accept.
            try await app.testing().test(.POST, "/api/v1/reports/\(second)/accept", headers: .json(unit)) {
                res throws in
                #expect(res.status == .forbidden)
            }
            try await app.testing().test(.POST, "/api/v1/reports/\(second)/accept", headers: .json(admin)) {
                res throws in
                #expect(res.status == .ok)
            }
            try await app.testing().test(.POST, "/api/v1/reports/\(second)/accept", headers: .json(admin)) {
                res throws in
                #expect(res.status == .conflict)
            }
            // The item's page shows the history.
            try await app.testing().test(.GET, "/api/v1/items/\(item.id!)", headers: admin.headers) { res throws in
                let view = try res.content.decode(APIController.ItemView.self)
                #expect(view.reports.filter { $0.period == "2015-06" }.map(\.state) == [.superseded, .accepted])
                #expect(!view.sourceWords.isEmpty)
            }
        }
    }

    @Test("审计日志是哈希链，篡改可被发现 (the audit log is a hash chain; tampering shows)")
    func auditChain() async throws {
        try await TestApp.with(tampers: true) { app in
            let admin = try await app.signIn("duchaban")
            try await app.testing().test(.GET, "/api/v1/audit", headers: admin.headers) { res throws in
                #expect(res.status == .ok)
                let view = try res.content.decode(APIController.AuditView.self)
                #expect(view.intact)
                #expect(view.count >= 2)
                #expect(view.entries.first?.action == "demo.load")
            }
            let reporter = try await app.signIn("dept1")
            try await app.testing().test(.GET, "/api/v1/audit", headers: reporter.headers) { res throws in
                #expect(res.status == .forbidden)
            }
            // Someone edits history behind the app's back.
            let entry = try #require(try await AuditEntry.query(on: app.db).filter(\.$sequence == 1).first())
            entry.actor = "someone-else"
            try await entry.save(on: app.db)
            let (_, broken) = try await LuoshiServer.verifyAudit(app)
            #expect(broken == .altered(sequence: 1))
        }
    }

    @Test("上传文档成为草稿；错误的文件给出明确信息 (an upload becomes a draft; a bad file gets a clear message)")
    func upload() async throws {
        try await TestApp.with { app in
            let admin = try await app.signIn("duchaban")
            let doc = "某镇2016年工作计划\n一、产业\n新建厂房5万平方米。\n"
            func multipart(_ data: String, filename: String) -> (HTTPHeaders, ByteBuffer) {
                let boundary = "luoshi-test-boundary"
                var h = admin.headers
                h.replaceOrAdd(name: .contentType, value: "multipart/form-data; boundary=\(boundary)")
                let body =
                    "--\(boundary)\r\nContent-Disposition: form-data; name=\"document\"; filename=\"\(filename)\"\r\nContent-Type: application/octet-stream\r\n\r\n\(data)\r\n--\(boundary)--\r\n"
                return (h, ByteBuffer(string: body))
            }
            let (headers, body) = multipart(doc, filename: "plan.txt")
            try await app.testing().test(.POST, "/api/v1/plans", headers: headers, body: body) { res throws in
                #expect(res.status == .created, "\(res.body.string)")
                #expect(try res.content.get(String.self, at: "status") == "draft")
                #expect(try res.content.get(Int.self, at: "items") == 3)  // the area, its task, its target
            }
            let (h2, b2) = multipart("%PDF-1.4 binary", filename: "plan.pdf")
            try await app.testing().test(.POST, "/api/v1/plans", headers: h2, body: b2) { res throws in
                #expect(res.status == .unprocessableEntity)
                #expect(try res.content.get(String.self, at: "error", "message").contains("PDF"))
            }
            let reporter = try await app.signIn("dept1")
            var h3 = headers
            h3.bearerAuthorization = BearerAuthorization(token: reporter.token)
            try await app.testing().test(.POST, "/api/v1/plans", headers: h3, body: body) { res throws in
                #expect(res.status == .forbidden)
            }
            #expect(try await Plan.query(on: app.db).count() == 2)
        }
    }

    @Test("督办规则的任何取值都不能让服务器崩溃 (no rule value can bring the server down)")
    func rulesCannotTrap() async throws {
        try await TestApp.with { app in
            let admin = try await app.signIn("duchaban")
            let plan = try await app.demoPlanID()
            var rules = SupervisionRules.standard
            rules.reminderWindowDays = 0
            let body = String(decoding: try JSONEncoder().encode(["rules": rules]), as: UTF8.self)
            try await app.testing().test(
                .PUT, "/api/v1/plans/\(plan)/supervision", headers: .json(admin), body: ByteBuffer(string: body)
            ) { res throws in
                #expect(res.status == .unprocessableEntity)
                #expect(try res.content.get(String.self, at: "error", "message").contains("催办期限应在 1 到 60 天之间"))
            }
            try await app.testing().test(.GET, "/api/v1/plans/\(plan)/supervision", headers: admin.headers) {
                res throws in
                #expect(try res.content.get(Int.self, at: "rules", "reminderWindowDays") == 10)
            }
        }
    }
}
