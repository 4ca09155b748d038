import Fluent
import Foundation
import LuoshiCore
import NIOCore
import PlanReader
import Testing
import Vapor
import VaporTesting

@testable import LuoshiServer

extension ServerTests {
    @Test("修正提取结果：已发布的承诺须说明理由，每次修改都入审计 (corrections: a reason for published promises, each audited)")
    func corrections() async throws {
        try await TestApp.with { app in
            let admin = try await app.signIn("duchaban")
            let target = try #require(
                try await PlanItem.query(on: app.db).filter(\.$kind == .target).filter(\.$headline == false).first())
            var headers = HTTPHeaders.json(admin)
            headers.replaceOrAdd(name: .accept, value: "application/json")
            func patch(_ json: String, _ headers: HTTPHeaders) async throws -> HTTPStatus {
                var status = HTTPStatus.ok
                try await app.testing().test(
                    .PATCH, "/api/v1/items/\(target.id!)", headers: headers, body: ByteBuffer(string: json)
                ) { res throws in status = res.status }
                return status
            }
            // The demo plan is published: no reason, no change.
            #expect(try await patch(#"{"value":350}"#, headers) == .unprocessableEntity)
            #expect(try await patch(#"{"value":350,"reason":"镇人大决议调增"}"#, headers) == .noContent)
            #expect(try await PlanItem.find(target.id, on: app.db)?.value == 350)
            #expect(try await patch(#"{"baseline":120,"reason":"补充基数"}"#, headers) == .noContent)
            #expect(try await PlanItem.find(target.id, on: app.db)?.baseline == 120)
            // The API takes numbers as numbers: a figure sent as text is refused, null empties it.
            #expect(try await patch(#"{"value":"360","reason":"文字"}"#, headers) == .badRequest)
            #expect(try await PlanItem.find(target.id, on: app.db)?.value == 350)
            #expect(try await patch(#"{"baseline":null,"reason":"基数有误"}"#, headers) == .noContent)
            #expect(try await PlanItem.find(target.id, on: app.db)?.baseline == nil)
            #expect(try await patch(#"{"baseline":120,"reason":"补充基数"}"#, headers) == .noContent)
            let entry = try #require(try await AuditEntry.query(on: app.db).filter(\.$action == "item.edit").first())
            #expect(entry.after?.contains("镇人大决议调增") == true)
            #expect(entry.before?.contains("\"value\":\(Int(target.value ?? 0))") == true)
            // A range needs both ends; a reporter may not edit.
            #expect(
                try await patch(#"{"comparator":"range","valueMin":5,"reason":"x"}"#, headers) == .unprocessableEntity)
            let (_, reporter) = try await app.assignedItem()
            var reporterHeaders = HTTPHeaders.json(try await app.signIn(reporter.username))
            reporterHeaders.replaceOrAdd(name: .accept, value: "application/json")
            #expect(try await patch(#"{"value":1,"reason":"x"}"#, reporterHeaders) == .forbidden)
            let (_, broken) = try await LuoshiServer.verifyAudit(app)
            #expect(broken == nil)
        }
    }

    @Test("草稿中合并、拆分、移动、删除、新增 (merge, split, move, delete, add in a draft)")
    func draftEdits() async throws {
        try await TestApp.with(demo: false) { app in
            // setup: a draft with two tasks under one area, and an admin.
            let password = try await LuoshiServer.addUser(
                app, username: "staff", displayName: "督查办", role: .admin, unit: nil)
            let admin = try #require(try await User.query(on: app.db).filter(\.$username == "staff").first())
            let doc = try PlanReader.read(text: "某镇2016年工作计划\n一、产业\n新建厂房5万平方米。引进项目3个。\n二、民生\n新增就业500人。\n")
            let plan = try await PlanStore.store(
                doc, sourceText: "", actor: "test", on: app.store, now: app.clock.now())
            func items() async throws -> [PlanItem] {
                try await PlanItem.live(plan: plan.id!, on: app.db).sort(\.$position).all()
            }
            let tasks = try await items().filter { $0.kind == .task }
            #expect(tasks.map(\.title) == ["新建厂房5万平方米。", "引进项目3个。", "新增就业500人。"])
            let now = app.clock.now()
            // MUT + validate: merge the first two, split them again, move, add, retire.
            try await PlanEdits.merge(
                tasks[0].id!, with: tasks[1].id!, reason: nil, actor: admin, on: app.store, now: now)
            #expect(try await items().filter { $0.kind == .task }.map(\.title) == ["新建厂房5万平方米。引进项目3个。", "新增就业500人。"])
            let second = try await PlanEdits.split(
                tasks[0].id!, first: "新建厂房5万平方米。", second: "引进项目3个。", reason: nil, actor: admin,
                on: app.store, now: now)
            #expect(second.$parent.id == tasks[0].$parent.id)
            let areas = try await items().filter { $0.kind == .area }
            try await PlanEdits.move(second.id!, to: areas[1].id, reason: nil, actor: admin, on: app.store, now: now)
            #expect(try await PlanItem.find(second.id, on: app.db)?.$parent.id == areas[1].id)
            await #expect(throws: LuoshiError.self) {
                try await PlanEdits.move(
                    areas[0].id!, to: areas[0].id, reason: nil, actor: admin, on: app.store, now: now)
            }
            let added = try await PlanEdits.add(
                .init(kind: .task, parent: areas[0].id, title: "建成污水管网3公里。", reason: nil), to: plan.id!,
                actor: admin, on: app.store, now: now)
            #expect(added.$parent.id == areas[0].id)
            try await PlanEdits.retire(added.id!, reason: nil, actor: admin, on: app.store, now: now)
            #expect(try await PlanItem.find(added.id, on: app.db)?.retiredAt != nil)
            #expect(try await items().contains { $0.id == added.id } == false)
            await #expect(throws: LuoshiError.self) {
                try await PlanEdits.retire(areas[0].id!, reason: nil, actor: admin, on: app.store, now: now)
            }
            let actions = try await AuditEntry.query(on: app.db).sort(\.$sequence).all().map(\.action)
            #expect(
                actions.suffix(6) == [
                    "item.merge", "item.retire", "item.split", "item.move", "item.add", "item.retire",
                ])
            #expect(!password.isEmpty)
        }
    }
}
