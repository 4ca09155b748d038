import Fluent
import Foundation
import LuoshiCore
import Testing
import Vapor
import VaporTesting

@testable import LuoshiServer

/// What the browser suite (Tests/e2e) found, pinned where a page's words can be checked in process.
extension ServerTests {
    @Test("手机上列表逐行成卡片：每格带列名 (on a phone each cell carries its column's title)")
    func listCellsCarryTheirColumn() {
        let html =
            ##"<tbody><tr><td class="num">1</td><td>经济发展局</td><td colspan="2">—</td></tr><tr><td>2</td></tr></tbody>"##
        #expect(
            ListTable.labelled(html, ["#", "单位", "状态", "", "备注"])
                == ##"<tbody><tr><td data-label="#" class="num">1</td><td data-label="单位">经济发展局</td><td data-label="状态" colspan="2">—</td></tr><tr><td data-label="#">2</td></tr></tbody>"##
        )
    }

    @Test("英文界面不露代码：状态、周期、角色都有英文名 (English pages name values, never show their codes)")
    func englishNamesNotCodes() {
        for status in ItemStatus.allCases { #expect(status.english != status.rawValue, "\(status)") }
        #expect(Lang(english: true).name(ReportingCycle.monthly) == "Monthly")
        #expect(Lang(english: false).name(ReportingCycle.monthly) == "每月")
        #expect(Format.date(ServerConfiguration.demoNow, Lang(english: true)) == "30 Jun 2015")
    }

    @Test("督办单页的“发督办单”：先选事项，最落后的在前 (issuing a notice from the notices page: items most behind first)")
    func issuingStartsFromAList() async throws {
        try await TestApp.with { app in
            let admin = try await app.browser("duchaban")
            try await app.testing().test(.GET, "/notices", headers: admin.headers) { res in
                #expect(res.body.string.contains("href=\"/notices/new\""))
            }
            try await app.testing().test(.GET, "/notices/new", headers: admin.headers) { res in
                #expect(res.status == .ok)
                let page = res.body.string
                #expect(page.contains("发督办单：选择事项"))
                // The first status shown is the worst there is.
                let badges = page.components(separatedBy: "class=\"badge ").dropFirst()
                let firstBadge = badges.first.map { String($0.prefix(while: { $0 != "<" })) } ?? ""
                #expect(firstBadge == "red\">已逾期")
                #expect(page.contains("/notices/new?item="))
            }
            try await app.testing().test(.GET, "/notices/new?q=%E6%B2%B3%E9%81%93", headers: admin.headers) { res in
                let page = res.body.string
                #expect(page.contains("河道"))
                #expect(!page.contains("停车位"))
            }
            let reporter = try await app.browser("dept1")
            try await app.testing().test(.GET, "/notices/new", headers: reporter.headers) { res in
                #expect(res.status == .forbidden)
            }
        }
    }
}

extension ServerTests {
    @Test("报送被采纳或退回、领导批示：填报人收到消息 (reporters hear when a report is accepted or returned, and of a 批示)")
    func reportersHearBack() async throws {
        try await TestApp.with { app in
            let staff = try #require(try await User.query(on: app.db).filter(\.$username == "duchaban").first())
            let pending = try #require(
                try await ProgressReport.query(on: app.db).filter(\.$state == .submitted).with(\.$item).first())
            let author = pending.$author.id
            func inbox(_ user: UUID) async throws -> [InboxMessage] {
                try await InboxMessage.query(on: app.db).filter(\.$user.$id == user).sort(\.$createdAt, .descending)
                    .sort(\.$id).all()
            }
            let before = try await inbox(author).count
            _ = try await Reports.review(
                pending.id!.uuidString, accept: false, reason: "数据与台账不一致。", user: staff, on: app.store,
                now: app.clock.now())
            let got = try await inbox(author)
            #expect(got.count == before + 1)
            let message = try #require(got.first { $0.kind == .review })
            #expect(message.title.hasPrefix("【被退回】"))
            #expect(message.body.contains("被退回：数据与台账不一致。请修改后重新报送。"))
            #expect(message.link == "/items/\(pending.$item.id)#reports")

            // A leader's 批示 reaches the lead unit's reporters.
            let (item, reporter) = try await app.assignedItem()
            let leader = try #require(try await User.query(on: app.db).filter(\.$username == "zhenzhang").first())
            try await Comments.add("请加快进度，月底前完成。", on: item.id!, actor: leader, on: app.store, now: app.clock.now())
            let told = try #require(try await inbox(reporter.id!).first { $0.kind == .instruction })
            #expect(told.title.hasPrefix("【领导批示】"))
            #expect(told.body.contains("请加快进度，月底前完成。"))
            // A comment by staff is no 批示 and sends nothing.
            let count = try await inbox(reporter.id!).count
            try await Comments.add("已阅。", on: item.id!, actor: staff, on: app.store, now: app.clock.now())
            #expect(try await inbox(reporter.id!).count == count)
        }
    }
}
