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
