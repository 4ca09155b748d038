import Fluent
import Foundation
import LuoshiCore
import NIOCore
import Testing
import Vapor
import VaporTesting

@testable import LuoshiServer

extension ServerTests {
    /// Words that are markup, quotes and entities, as someone might type them into any field.
    static let hostile = #""><img src=x onerror=alert(1)>&lt;b&gt; 'x'"#

    @Test("页面转义一切输入：文字与属性值 (pages escape every input, in text and in attribute values)")
    func escaping() async throws {
        try await TestApp.with { app in
            let admin = try await app.signIn("duchaban")
            let target = try #require(
                try await PlanItem.query(on: app.db).filter(\.$kind == .target).filter(\.$headline == false).first())
            try await app.testing().test(
                .PATCH, "/api/v1/items/\(target.id!)", headers: .json(admin),
                beforeRequest: { req in
                    try req.content.encode(
                        ["subject": Self.hostile, "unit": Self.hostile, "reason": "测试"], as: .json)
                }
            ) { res throws in
                #expect(res.status == .noContent, "\(res.body.string)")
            }
            // The review page puts the subject into an input's value, the item page into text.
            for path in ["/plans/\(target.$plan.id)/review?item=\(target.id!)", "/items/\(target.id!)"] {
                try await app.testing().test(.GET, path, headers: admin.headers) { res throws in
                    let page = res.body.string
                    #expect(res.status == .ok)
                    #expect(!page.contains("<img"), "markup got through on \(path)")
                    #expect(!page.contains("alert(1)>"), "an element was opened on \(path)")
                    // What was typed comes back as typed: the entity-looking words too.
                    #expect(page.contains("&amp;lt;b&amp;gt;"), "the words changed on \(path)")
                }
            }
            try await app.testing().test(
                .GET, "/plans/\(target.$plan.id)/review?item=\(target.id!)", headers: admin.headers
            ) {
                res throws in
                #expect(res.body.string.contains(#"value="&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"#))
            }
        }
    }

    @Test("填报人看得到本单位全部报送，别的单位只看已采纳的 (a unit sees its own reports, and of others only accepted ones)")
    func reportVisibility() async throws {
        try await TestApp.with { app in
            let (item, reporter) = try await app.assignedItem()
            let (_, outsider) = try await app.assignedItem(otherThan: reporter.$organization.id)
            let filer = try await app.signIn(reporter.username)
            let reader = try await app.signIn(outsider.username)
            let admin = try await app.signIn("duchaban")
            let narrative = "六月完成桩基施工，待审核。"
            var reportID = UUID()
            try await app.testing().test(
                .POST, "/api/v1/items/\(item.id!)/reports", headers: .json(filer),
                beforeRequest: { req in
                    try req.content.encode(
                        Reports.Filing(
                            period: "2015-06", actualValue: nil, percentComplete: 40, milestone: nil,
                            narrative: narrative),
                        as: .json)
                }
            ) { res throws in
                #expect(res.status == .created)
                reportID = try res.content.decode(APIController.ReportView.self).id
            }
            func sees(_ caller: Caller) async throws -> (page: Bool, api: Bool) {
                var page = false
                var api = false
                try await app.testing().test(.GET, "/items/\(item.id!)", headers: caller.headers) { res throws in
                    page = res.body.string.contains(narrative)
                }
                try await app.testing().test(.GET, "/api/v1/items/\(item.id!)", headers: caller.headers) { res throws in
                    api = res.body.string.contains(narrative)
                }
                return (page, api)
            }
            #expect(try await sees(filer) == (true, true))
            #expect(try await sees(admin) == (true, true))
            // Pending: another unit sees nothing of it, on the page or through the API.
            #expect(try await sees(reader) == (false, false))
            try await app.testing().test(.POST, "/api/v1/reports/\(reportID)/accept", headers: .json(admin)) {
                res throws in
                #expect(res.status == .ok)
            }
            // Accepted, it is part of the plan's record.
            #expect(try await sees(reader) == (true, true))
        }
    }

    @Test("草稿只有督查办看得到，领导与代表也看不到 (a draft is staff's alone, leaders and deputies included)")
    func draftsAreStaffOnly() async throws {
        try await TestApp.with { app in
            let admin = try await app.signIn("duchaban")
            let staff = try #require(try await User.query(on: app.db).filter(\.$username == "duchaban").first())
            let draft = try await PlanStore.importDocument(
                Data("某镇2016年工作计划\n一、经济发展\n新增停车位300个。\n".utf8), name: "draft.txt", actor: staff,
                on: app.store, now: Date()
            ).id!
            for user in ["zhenzhang", "daibiao"] {
                let caller = try await app.signIn(user)
                for path in ["/plans/\(draft)", "/plans/\(draft)/review", "/api/v1/plans/\(draft)"] {
                    try await app.testing().test(.GET, path, headers: caller.headers) { res throws in
                        #expect(res.status == .notFound, "\(user) opened \(path)")
                    }
                }
                try await app.testing().test(.GET, "/plans", headers: caller.headers) { res throws in
                    #expect(!res.body.string.contains("某镇2016年工作计划"))
                }
            }
            try await app.testing().test(.GET, "/plans/\(draft)/review", headers: admin.headers) { res throws in
                #expect(res.status == .ok)
                #expect(res.body.string.contains("发布计划"))
            }
        }
    }

    @Test("登录页只显示自己的提示，不显示地址里的文字 (the sign-in page shows its own message, never words from the address)")
    func signInMessage() async throws {
        try await TestApp.with(demo: false) { app in
            try await app.testing().test(.GET, "/login?error=%E8%AF%B7%E6%8B%A8%E6%89%93400&failed=1") { res throws in
                #expect(res.body.string.contains("用户名或密码不正确"))
                #expect(!res.body.string.contains("请拨打400"))
            }
            try await app.testing().test(.GET, "/login") { res throws in
                #expect(!res.body.string.contains("用户名或密码不正确"))
            }
        }
    }

    @Test("每个站内链接都指向已注册的路由 (every link the site makes reaches a registered route)")
    func siteURLsReachRoutes() async throws {
        try await TestApp.with(demo: false) { app in
            let id = UUID()
            var urls: [SiteURL] = [
                .home, .stylesheet, .login(next: "/x", failed: true), .logout, .language, .plans, .plan(id),
                .review(plan: id, item: id), .publish(plan: id), .close(plan: id), .addItem(plan: id),
                .bulletin(plan: id, month: "2015-06"), .bulletinDocx(plan: id), .rules(plan: id), .item(id),
                .fileReport(item: id), .comment(item: id), .addMilestone(item: id), .reachMilestone(id), .evidence(id),
                .reviews, .accept(report: id), .giveBack(report: id), .myTasks, .assign(plan: id, changed: 3), .audit,
                .notices(state: "all"), .newNotice(item: id), .notice(id), .noticePrint(id), .noticeDocx(id),
                .noticeEvidence(id), .inbox, .markRead(id), .markAllRead, .channels, .toggleChannel(id),
                .units, .unit(id), .people, .person(id), .resetPassword(id), .setDisabled(id, true),
                .setDisabled(id, false), .portfolio(leader: id, plan: id), .newNoticeAll(query: "河道"),
                .bulkSupervision, .search("河道"), .planSorted(id, "late"), .portfolio(unit: id),
                .reviewsDone(accepted: 2, skipped: 1), .acceptMany, .breakdown(plan: id),
                .breakdown(plan: id, format: "csv", unit: id, leader: id, overdue: true, progress: true),
                .ledger(plan: id), .breakdownImport(plan: id),
                .assessment(plan: id, period: "2015-Q2", at: "2015-06-30"),
                .assessmentUnit(plan: id, unit: id, period: "2015"), .assessmentEntries(plan: id, unit: id),
                .assessmentClaims(plan: id, unit: id),
                .assessmentScheme(plan: id), .assessmentSurvey(plan: id), .assessmentWorkbook(plan: id, period: "2015"),
                .assessmentBulletin(plan: id, period: "2015", at: "2015-12-31"), .assessmentRound(plan: id),
                .assessmentObjections(plan: id), .answerObjection(id),
                .breakdownPreview(
                    plan: id, sha: String(repeating: "a", count: 64), name: "分解表 (1).xlsx", applied: "1,0,0,0"),
                .reviewsFiltered(.init(unit: id, text: "x", selectAll: true), page: 2),
            ]
            urls += SiteURL.ItemEdit.allCases.map { .edit(item: id, $0) }
            urls += NoticeAction.allCases.map { .noticeAction(id, $0) }
            let routes = app.routes.all.map { $0.path }
            for url in urls {
                let path = String(url.path.split(separator: "?")[0].split(separator: "#")[0])
                let parts = path.split(separator: "/").map(String.init)
                let found = routes.contains { route in
                    route.count == parts.count
                        && zip(route, parts).allSatisfy { component, part in
                            switch component {
                            case .constant(let c): return c == part
                            case .parameter: return true
                            default: return false
                            }
                        }
                }
                #expect(found, "no route for \(url.path)")
            }
        }
    }
}
