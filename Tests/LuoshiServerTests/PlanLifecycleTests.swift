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
            // Closing the plan: recorded, and no more reports.
            try await app.testing().test(
                .POST, "/plans/\(planID)/close", headers: form, body: ByteBuffer(string: "_csrf=\(csrf)")
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
        }
    }
}
