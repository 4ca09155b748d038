import Fluent
import Foundation
import LuoshiCore
import NIOCore
import Testing
import Vapor
import VaporTesting

@testable import LuoshiServer

extension ServerTests {
    /// Every route with every role: anonymous, admin, reporter (own unit and another's), leader, deputy.
    @Test("每个路由 × 每个角色 (every route with every role)")
    func routeMatrix() async throws {
        try await TestApp.with { app in
            let planID = try await app.demoPlanID()
            let (item, reporter) = try await app.assignedItem()
            let (foreign, _) = try await app.assignedItem(otherThan: reporter.$organization.id)
            let pending = try #require(
                try await ProgressReport.query(on: app.db).filter(\.$state == .submitted).first()
            ).id!
            let callers: [String: Caller?] = [
                "anonymous": nil,
                "admin": try await app.signIn("duchaban"),
                "reporter": try await app.signIn(reporter.username),
                "leader": try await app.signIn("zhenzhang"),
                "deputy": try await app.signIn("daibiao"),
            ]
            let filing = #"{"period":"2015-06","percentComplete":50,"narrative":"推进中"}"#
            let rulesJSON = String(
                decoding: try JSONEncoder().encode(["rules": SupervisionRules.standard]), as: UTF8.self)
            struct Route {
                var method: HTTPMethod
                var path: String
                var body: String?
                var expect: [String: HTTPStatus]
            }
            let ok = HTTPStatus.ok
            let routes: [Route] =
                [
                    Route(
                        method: .GET, path: "/api/v1/plans",
                        expect: ["anonymous": .unauthorized, "admin": ok, "reporter": ok, "leader": ok, "deputy": ok]),
                    Route(
                        method: .GET, path: "/api/v1/plans/\(planID)",
                        expect: ["anonymous": .unauthorized, "admin": ok, "reporter": ok, "leader": ok, "deputy": ok]),
                    Route(
                        method: .GET, path: "/api/v1/items/\(item.id!)",
                        expect: ["anonymous": .unauthorized, "admin": ok, "reporter": ok, "leader": ok, "deputy": ok]),
                    Route(
                        method: .POST, path: "/api/v1/items/\(item.id!)/reports", body: filing,
                        expect: [
                            "anonymous": .unauthorized, "admin": .forbidden, "reporter": .created, "leader": .forbidden,
                            "deputy": .forbidden,
                        ]),
                    Route(
                        method: .POST, path: "/api/v1/items/\(foreign.id!)/reports", body: filing,
                        expect: [
                            "anonymous": .unauthorized, "admin": .forbidden, "reporter": .forbidden,
                            "leader": .forbidden,
                            "deputy": .forbidden,
                        ]),
                    Route(
                        method: .POST, path: "/api/v1/reports/\(pending)/return", body: #"{"reason":"请补充台账"}"#,
                        expect: [
                            "anonymous": .unauthorized, "reporter": .forbidden, "leader": .forbidden,
                            "deputy": .forbidden,
                            "admin": ok,
                        ]),
                    Route(
                        method: .POST, path: "/api/v1/assignments", body: #"{"items":["\#(item.id!)"],"weight":3}"#,
                        expect: [
                            "anonymous": .unauthorized, "reporter": .forbidden, "leader": .forbidden,
                            "deputy": .forbidden,
                            "admin": ok,
                        ]),
                    Route(
                        method: .GET, path: "/api/v1/audit",
                        expect: [
                            "anonymous": .unauthorized, "admin": ok, "reporter": .forbidden, "leader": .forbidden,
                            "deputy": ok,
                        ]),
                    Route(
                        method: .GET, path: "/api/v1/notices",
                        expect: ["anonymous": .unauthorized, "admin": ok, "reporter": ok, "leader": ok, "deputy": ok]),
                    Route(
                        method: .POST, path: "/api/v1/notices",
                        body: #"{"item":"\#(item.id!)","level":"blue","reason":"请报送","requiredAction":"报送进展"}"#,
                        expect: [
                            "anonymous": .unauthorized, "reporter": .forbidden, "leader": .forbidden,
                            "deputy": .forbidden,
                            "admin": .created,
                        ]),
                    Route(
                        method: .GET, path: "/api/v1/inbox",
                        expect: ["anonymous": .unauthorized, "admin": ok, "reporter": ok, "leader": ok, "deputy": ok]),
                    Route(
                        method: .GET, path: "/api/v1/channels",
                        expect: [
                            "anonymous": .unauthorized, "admin": ok, "reporter": .forbidden, "leader": .forbidden,
                            "deputy": .forbidden,
                        ]),
                    Route(
                        method: .POST, path: "/api/v1/channels",
                        body:
                            #"{"name":"群","kind":"wecom","target":"https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k","organization":"\#(reporter.$organization.id!)"}"#,
                        expect: [
                            "anonymous": .unauthorized, "reporter": .forbidden, "leader": .forbidden,
                            "deputy": .forbidden,
                            "admin": .created,
                        ]),
                    Route(
                        method: .GET, path: "/api/v1/deliveries",
                        expect: [
                            "anonymous": .unauthorized, "admin": ok, "reporter": .forbidden, "leader": .forbidden,
                            "deputy": .forbidden,
                        ]),
                    Route(
                        method: .GET, path: "/api/v1/plans/\(planID)/supervision",
                        expect: ["anonymous": .unauthorized, "admin": ok, "reporter": ok, "leader": ok, "deputy": ok]),
                    Route(
                        method: .PUT, path: "/api/v1/plans/\(planID)/supervision", body: rulesJSON,
                        expect: [
                            "anonymous": .unauthorized, "reporter": .forbidden, "leader": .forbidden,
                            "deputy": .forbidden,
                            "admin": ok,
                        ]),
                    Route(
                        method: .GET, path: "/api/v1/plans/\(planID)/bulletin?month=2015-05",
                        expect: ["anonymous": .unauthorized, "admin": ok, "reporter": ok, "leader": ok, "deputy": ok]),
                    Route(
                        method: .GET, path: "/healthz",
                        expect: ["anonymous": ok, "admin": ok, "reporter": ok, "leader": ok, "deputy": ok]),
                    Route(
                        method: .GET, path: "/api/openapi.json",
                        expect: ["anonymous": ok, "admin": ok, "reporter": ok, "leader": ok, "deputy": ok]),
                    Route(
                        method: .GET, path: "/plans/\(planID)/congress?period=2015-H1",
                        expect: [
                            "anonymous": .unauthorized, "admin": ok, "reporter": .forbidden, "leader": ok, "deputy": ok,
                        ]),
                    Route(
                        method: .POST, path: "/plans/\(planID)/congress?period=2015-H1", body: #"{"action":"draft"}"#,
                        expect: [
                            "anonymous": .unauthorized, "reporter": .forbidden, "leader": .forbidden,
                            "deputy": .forbidden,
                            "admin": .seeOther,
                        ]),
                    Route(
                        method: .GET, path: "/feedback",
                        expect: ["anonymous": .unauthorized, "admin": ok, "reporter": ok, "leader": ok, "deputy": ok]),
                    // A feedback's photo: staff's, never the public's; none here.
                    Route(
                        method: .GET, path: "/feedback/\(UUID())/photo",
                        expect: [
                            "anonymous": .unauthorized, "admin": .notFound, "reporter": .notFound, "leader": .notFound,
                            "deputy": .notFound,
                        ]),
                    // A follower's page without its code is no page, for anyone.
                    Route(
                        method: .GET, path: "/public/follow/\(UUID())/00000000000000000000000000000000",
                        expect: [
                            "anonymous": .notFound, "admin": .notFound, "reporter": .notFound, "leader": .notFound,
                            "deputy": .notFound,
                        ]),
                    // The public site: nothing until staff release the plan; then the same for everyone.
                    Route(
                        method: .GET, path: "/public/plans/\(planID)",
                        expect: [
                            "anonymous": .notFound, "admin": .notFound, "reporter": .notFound, "leader": .notFound,
                            "deputy": .notFound,
                        ]),
                    Route(
                        method: .POST, path: "/plans/\(planID)/release", body: #"{"note":"首次公开"}"#,
                        expect: [
                            "anonymous": .unauthorized, "reporter": .forbidden, "leader": .forbidden,
                            "deputy": .forbidden,
                            "admin": .seeOther,
                        ]),
                ]
                + [
                    "/public", "/public/data", "/public/plans/\(planID)", "/public/plans/\(planID)/plan.json",
                    "/public/plans/\(planID)/feed.atom", "/public/plans/\(planID)/items/\(item.code)",
                    "/public/plans/\(planID)/follow/sent",
                ].map {
                    Route(
                        method: .GET, path: $0,
                        expect: ["anonymous": ok, "admin": ok, "reporter": ok, "leader": ok, "deputy": ok])
                }
            for route in routes {
                for (name, caller) in callers.sorted(by: { $0.key < $1.key }) {
                    guard let expected = route.expect[name] else { continue }
                    var headers = caller?.headers ?? HTTPHeaders()
                    headers.contentType = .json
                    headers.replaceOrAdd(name: .accept, value: "application/json")
                    try await app.testing().test(
                        route.method, route.path, headers: headers, body: route.body.map { ByteBuffer(string: $0) }
                    ) { res throws in
                        #expect(
                            res.status == expected,
                            "\(route.method) \(route.path) as \(name): \(res.status) \(res.body.string.prefix(160))")
                        if res.status.code >= 400 {
                            #expect(res.headers.contentType == .json, "\(route.path) as \(name)")
                        }
                    }
                }
            }
        }
    }

    /// The pages, through a browser's session: sign-in with CSRF, each page by role.
    @Test("网页：登录、CSRF、各角色可见的页面 (pages: sign-in, CSRF, what each role sees)")
    func pages() async throws {
        try await TestApp.with { app in
            let planID = try await app.demoPlanID()
            let (item, reporter) = try await app.assignedItem()
            func session(_ username: String) async throws -> BrowserSession {
                let s = try await app.browser(username)
                #expect(s.landedAt == "/")
                return s
            }
            func get(_ path: String, _ s: BrowserSession) async throws -> (HTTPStatus, String) {
                let headers = s.headers
                var out: (HTTPStatus, String) = (.ok, "")
                try await app.testing().test(.GET, path, headers: headers) { res throws in
                    out = (res.status, res.body.string)
                }
                return out
            }
            let admin = try await session("duchaban")
            let (status, overview) = try await get("/plans/\(planID)", admin)
            #expect(status == .ok)
            #expect(overview.contains("主要预期目标"))
            #expect(overview.contains("以园区建设为引擎,做强园区"))
            #expect(overview.contains("<svg"))
            #expect(overview.contains("演示环境"))
            let (_, review) = try await get("/plans/\(planID)/review?item=\(item.id!)", admin)
            #expect(review.contains("<mark id=\"src\">"))
            let (_, english) = try await get("/plans/\(planID)?lang=en", admin)
            #expect(english.contains("Headline targets"))
            for path in ["/assign", "/reviews", "/audit", "/plans", "/items/\(item.id!)"] {
                #expect(try await get(path, admin).0 == .ok, "\(path)")
            }
            // A reporter sees their tasks and the report form on their item; not the staff pages.
            let unit = try await session(reporter.username)
            let (_, mine) = try await get("/my", unit)
            #expect(mine.contains("/items/\(item.id!)"))
            // The demo's reports stop in May: June's, due on the 25th, is owed and late on the 30th.
            #expect(mine.contains("下次应报"))
            #expect(mine.contains("逾期未报"))
            let (_, itemPage) = try await get("/items/\(item.id!)", unit)
            #expect(itemPage.contains("报送进展"))
            for path in ["/assign", "/reviews", "/audit"] {
                #expect(try await get(path, unit).0 == .forbidden, "\(path)")
            }
            // A form post without its CSRF token is refused; with it, the report is filed.
            let headers = unit.headers
            let form = "period=2015-06&percentComplete=60&actualValue=&narrative=%E6%8E%A8%E8%BF%9B"
            try await app.testing().test(
                .POST, "/items/\(item.id!)/reports", headers: headers, body: ByteBuffer(string: form)
            ) { res throws in
                #expect(res.status == .forbidden)
            }
            try await app.testing().test(
                .POST, "/items/\(item.id!)/reports", headers: headers,
                body: ByteBuffer(string: form + "&_csrf=\(unit.csrf)")
            ) { res throws in
                #expect(res.status == .seeOther)
            }
            let filed = try await ProgressReport.query(on: app.db).filter(\.$item.$id == item.id!).filter(
                \.$period == "2015-06"
            ).count()
            #expect(filed == 1)
            // A deputy reads, but gets no forms.
            let deputy = try await session("daibiao")
            let (_, deputyItem) = try await get("/items/\(item.id!)", deputy)
            #expect(!deputyItem.contains("报送进展"))
            #expect(!deputyItem.contains("name=\"body\""))
        }
    }
}
