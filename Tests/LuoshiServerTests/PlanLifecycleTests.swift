import Fluent
import Foundation
import LuoshiCore
import NIOCore
import Testing
import Vapor
import VaporTesting

@testable import LuoshiServer

extension ServerTests {
    @Test("结束的计划只读；语言偏好被记住 (a closed plan is read-only; the language choice is remembered)")
    func lifecycleAndLanguage() async throws {
        try await TestApp.with { app in
            let planID = try await app.demoPlanID()
            let (item, reporter) = try await app.assignedItem()
            // A browser session for the admin.
            let admin = try await app.browser("duchaban")
            let form = admin.headers
            let csrf = admin.csrf
            // The language is remembered for later pages.
            try await app.testing().test(
                .POST, "/account/language", headers: form, body: ByteBuffer(string: "_csrf=\(csrf)&language=en")
            ) { res throws in
                #expect(res.status == .seeOther)
            }
            try await app.testing().test(.GET, "/plans/\(planID)", headers: form) { res throws in
                #expect(res.body.string.contains("Headline targets"))
            }
            // Closing the plan is asked about first: a post without the confirmation closes nothing and
            // leads to the page that says what closing does.
            try await app.testing().test(
                .POST, "/plans/\(planID)/close", headers: form, body: ByteBuffer(string: "_csrf=\(csrf)")
            ) { res throws in
                #expect(res.status == .seeOther)
                #expect(res.headers.first(name: .location) == "/plans/\(planID)/close")
            }
            #expect(try await Plan.find(planID, on: app.db)?.status == .published)
            try await app.testing().test(.GET, "/plans/\(planID)/close", headers: form) { res throws in
                #expect(res.body.string.contains("The plan becomes read-only"))
                #expect(res.body.string.contains("name=\"confirm\" value=\"yes\""))
            }
            // Confirmed: recorded, and no more reports.
            try await app.testing().test(
                .POST, "/plans/\(planID)/close", headers: form, body: ByteBuffer(string: "_csrf=\(csrf)&confirm=yes")
            ) { res throws in
                #expect(res.status == .seeOther)
            }
            #expect(try await Plan.find(planID, on: app.db)?.status == .closed)
            let unit = try await app.signIn(reporter.username)
            try await app.testing().test(
                .POST, "/api/v1/items/\(item.id!)/reports", headers: .json(unit),
                body: ByteBuffer(string: #"{"period":"2015-06","narrative":"x"}"#)
            ) { res throws in
                #expect(res.status == .conflict)
            }
            let actions = try await AuditEntry.query(on: app.db).sort(\.$sequence).all().map(\.action)
            #expect(actions.suffix(2) == ["user.language", "plan.close"])
            // Staff reopen it, and must say why; the reason is kept with the change.
            try await app.testing().test(.GET, "/plans/\(planID)", headers: form) { res throws in
                #expect(res.body.string.contains("Why the plan is reopened"))
            }
            try await app.testing().test(
                .POST, "/plans/\(planID)/reopen", headers: form, body: ByteBuffer(string: "_csrf=\(csrf)&reason=%20")
            ) { res throws in
                #expect(res.status == .unprocessableEntity)
            }
            #expect(try await Plan.find(planID, on: app.db)?.status == .closed)
            try await app.testing().test(
                .POST, "/plans/\(planID)/reopen", headers: form,
                body: ByteBuffer(string: "_csrf=\(csrf)&reason=%E8%AF%AF%E7%BB%93%E6%9D%9F")
            ) { res throws in
                #expect(res.status == .seeOther)
            }
            #expect(try await Plan.find(planID, on: app.db)?.status == .published)
            let last = try #require(try await AuditEntry.query(on: app.db).sort(\.$sequence, .descending).first())
            #expect(last.action == "plan.reopen")
            #expect(last.after?.contains("误结束") == true)
        }
    }
}
