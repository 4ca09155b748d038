import Fluent
import Foundation
import LuoshiCore
import NIOCore
import Testing
import Vapor
import VaporTesting

@testable import LuoshiServer

extension ServerTests {
    /// Every page and form route with every role, in a browser: what each may see and do.
    @Test("每个网页路由 × 每个角色 (every page route with every role)")
    func pageRouteMatrix() async throws {
        try await TestApp.with { app in
            let planID = try await app.demoPlanID()
            let (item, reporter) = try await app.assignedItem()
            let milestone = try await Milestones.add(
                .init(name: "完成招标", plannedDate: "2015-09-30", share: "50"), to: item,
                actor: try #require(try await User.query(on: app.db).filter(\.$username == "duchaban").first()),
                on: app.store,
                now: app.clock.now())
            let pending = try #require(
                try await ProgressReport.query(on: app.db).filter(\.$state == .submitted).first()
            ).id!
            let sessions: [String: BrowserSession] = [
                "anonymous": try await app.browser(nil),
                "admin": try await app.browser("duchaban"),
                "reporter": try await app.browser(reporter.username),
                "leader": try await app.browser("zhenzhang"),
                "deputy": try await app.browser("daibiao"),
            ]
            let ok = HTTPStatus.ok
            let to = HTTPStatus.seeOther  // done, and sent on to the next page
            let login = HTTPStatus.seeOther  // anonymous: sent to the sign-in page
            let no = HTTPStatus.forbidden
            // (method, path, form fields, expected by role)
            let routes: [(HTTPMethod, String, String, [String: HTTPStatus])] = [
                (.GET, "/plans", "", ["anonymous": login, "admin": ok, "reporter": ok, "leader": ok, "deputy": ok]),
                (
                    .GET, "/plans/\(planID)", "",
                    ["anonymous": login, "admin": ok, "reporter": ok, "leader": ok, "deputy": ok]
                ),
                (
                    .GET, "/plans/\(planID)/review", "",
                    ["anonymous": login, "admin": ok, "reporter": no, "leader": ok, "deputy": ok]
                ),
                // The 分解表 and 台账: whoever reads the plan; a reporter gets their own unit's rows.
                (
                    .GET, "/plans/\(planID)/breakdown.xlsx?progress=1", "",
                    ["anonymous": login, "admin": ok, "reporter": ok, "leader": ok, "deputy": ok]
                ),
                (
                    .GET, "/plans/\(planID)/breakdown.csv?overdue=1", "",
                    ["anonymous": login, "admin": ok, "reporter": ok, "leader": ok, "deputy": ok]
                ),
                (
                    .GET, "/plans/\(planID)/ledger.xlsx", "",
                    ["anonymous": login, "admin": ok, "reporter": ok, "leader": ok, "deputy": ok]
                ),
                // The 考核: whoever reads the plan; a reporter is sent to their own unit's score.
                (
                    .GET, "/plans/\(planID)/assessment?period=2015", "",
                    ["anonymous": login, "admin": ok, "reporter": to, "leader": ok, "deputy": ok]
                ),
                (
                    .GET, "/plans/\(planID)/assessment/\(reporter.$organization.id!)", "",
                    ["anonymous": login, "admin": ok, "reporter": ok, "leader": ok, "deputy": ok]
                ),
                (
                    .GET, "/plans/\(planID)/assessment/\(UUID())", "",
                    ["anonymous": login, "admin": .notFound, "reporter": .notFound, "leader": .notFound]
                ),
                // A round's steps are staff's, an objection a unit's (here: no round yet, nothing to answer).
                (
                    .POST, "/plans/\(planID)/assessment/round", "period=2015-Q1&action=finalize",
                    ["anonymous": login, "admin": .notFound, "reporter": no, "leader": no, "deputy": no]
                ),
                (
                    .POST, "/plans/\(planID)/assessment/objections", "period=2015&text=x",
                    ["anonymous": login, "admin": no, "reporter": .conflict, "leader": no, "deputy": no]
                ),
                (
                    .POST, "/assessment/objections/\(UUID())/answer", "period=2015&text=x",
                    ["anonymous": login, "admin": .notFound, "reporter": no, "leader": no, "deputy": no]
                ),
                // Bringing an edited 分解表 back is staff's.
                (
                    .GET, "/plans/\(planID)/breakdown/import", "",
                    ["anonymous": login, "admin": ok, "reporter": no, "leader": no, "deputy": no]
                ),
                (
                    .GET, "/plans/\(planID)/breakdown/import/\(String(repeating: "0", count: 64))", "",
                    ["anonymous": login, "admin": .notFound, "reporter": no, "leader": no, "deputy": no]
                ),
                (
                    .POST, "/plans/\(planID)/breakdown/import/\(String(repeating: "0", count: 64))", "digest=x",
                    ["anonymous": login, "admin": .notFound, "reporter": no, "leader": no, "deputy": no]
                ),
                (
                    .GET, "/items/\(item.id!)", "",
                    ["anonymous": login, "admin": ok, "reporter": ok, "leader": ok, "deputy": ok]
                ),
                (.GET, "/assign", "", ["anonymous": login, "admin": ok, "reporter": no, "leader": no, "deputy": no]),
                (.GET, "/reviews", "", ["anonymous": login, "admin": ok, "reporter": no, "leader": no, "deputy": no]),
                (.GET, "/audit", "", ["anonymous": login, "admin": ok, "reporter": no, "leader": no, "deputy": ok]),
                (.GET, "/my", "", ["anonymous": login, "admin": no, "reporter": ok, "leader": no, "deputy": no]),
                (
                    .POST, "/items/\(item.id!)/comments", "body=%E8%AF%B7%E5%8A%A0%E5%BF%AB",
                    ["anonymous": login, "admin": to, "reporter": to, "leader": to, "deputy": no]
                ),
                (
                    .POST, "/items/\(item.id!)/milestones", "name=x&plannedDate=2015-10-01",
                    ["anonymous": login, "admin": to, "reporter": no, "leader": no, "deputy": no]
                ),
                (
                    .POST, "/milestones/\(milestone.id!)/reach", "",
                    ["anonymous": login, "leader": no, "deputy": no, "reporter": to]
                ),
                (
                    .POST, "/items/\(item.id!)/edit", "reason=x&title=%E6%94%B9",
                    ["anonymous": login, "reporter": no, "leader": no, "deputy": no, "admin": to]
                ),
                (
                    .POST, "/assign", "plan=\(planID)&items[]=\(item.id!)&weight=2",
                    ["anonymous": login, "reporter": no, "leader": no, "deputy": no, "admin": to]
                ),
                (
                    .POST, "/reports/\(pending)/return", "reason=x",
                    ["anonymous": login, "reporter": no, "leader": no, "deputy": no, "admin": to]
                ),
                (
                    .POST, "/plans/\(planID)/publish", "confirm=yes",
                    ["anonymous": login, "reporter": no, "leader": no, "deputy": no]
                ),
                (
                    .POST, "/plans/\(planID)/close", "confirm=yes",
                    ["anonymous": login, "reporter": no, "leader": no, "deputy": no]
                ),
                (
                    .POST, "/plans/\(planID)/reopen", "reason=x",
                    ["anonymous": login, "reporter": no, "leader": no, "deputy": no]
                ),
                (
                    .POST, "/account/language", "language=zh",
                    ["anonymous": login, "admin": to, "reporter": to, "leader": to, "deputy": to]
                ),
            ]
            for (method, path, fields, expect) in routes {
                for (role, session) in sessions.sorted(by: { $0.key < $1.key }) {
                    guard let expected = expect[role] else { continue }
                    let body =
                        method == .POST
                        ? ByteBuffer(string: fields + (fields.isEmpty ? "" : "&") + "_csrf=\(session.csrf)") : nil
                    try await app.testing().test(method, path, headers: session.headers, body: body) { res throws in
                        #expect(res.status == expected, "\(method) \(path) as \(role): \(res.status)")
                        if role == "anonymous" {
                            #expect(res.headers.first(name: .location)?.hasPrefix("/login") == true, "\(path)")
                        }
                    }
                }
            }
        }
    }
}
