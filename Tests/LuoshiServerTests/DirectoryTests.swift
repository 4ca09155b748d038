import Fluent
import Foundation
import LuoshiCore
import Testing
import Vapor
import VaporTesting

@testable import LuoshiServer

/// Setting up an office without the shell: units, accounts, leaders' portfolios, found notices.
extension ServerTests {
    /// A request in process as a browser sends it, a form's token first; its status, `Location` and body.
    fileprivate func send(
        _ app: Application, _ method: HTTPMethod, _ path: String, _ s: BrowserSession, _ fields: [(String, String)] = []
    )
        async throws -> (status: HTTPStatus, location: String?, body: String)
    {
        var allowed = CharacterSet.urlQueryAllowed
        allowed.remove(charactersIn: "&=+?#")
        let form = ([("_csrf", s.csrf)] + fields).map {
            "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: allowed)!)"
        }.joined(separator: "&")
        nonisolated(unsafe) var out: (HTTPStatus, String?, String) = (.ok, nil, "")
        try await app.testing().test(
            method, path, headers: s.headers, body: method == .POST ? ByteBuffer(string: form) : nil
        ) { res in
            out = (res.status, res.headers.first(name: .location), res.body.string)
        }
        return out
    }

    @Test("督查办在页面上建单位、开账号、重置密码、停用，全部留痕 (staff set up units and accounts in pages, audited)")
    func officeSetUpInPages() async throws {
        try await TestApp.with { app in
            let admin = try await app.browser("duchaban")
            let town = try #require(try await Organization.query(on: app.db).filter(\.$kind == .town).first())
            // A new village, under the town.
            let made = try await send(
                app, .POST, "/units", admin, [("name", "新港村"), ("kind", "village"), ("parent", town.id!.uuidString)])
            #expect(made.status == .seeOther)
            let village = try #require(try await Organization.query(on: app.db).filter(\.$name == "新港村").first())
            #expect(village.$parent.id == town.id && village.kind == .village)
            #expect(try await send(app, .GET, "/units", admin).body.contains("新港村"))
            // The same name again is refused, saying why; a village needs its government.
            let again = try await send(
                app, .POST, "/units", admin, [("name", "新港村"), ("kind", "village"), ("parent", town.id!.uuidString)])
            #expect(again.status == .conflict && again.body.contains("已有名为「新港村」的单位"))
            let orphan = try await send(
                app, .POST, "/units", admin, [("name", "孤村"), ("kind", "village"), ("parent", "")])
            #expect(orphan.status == .unprocessableEntity && orphan.body.contains("村和社区属于镇或街道"))

            // Its reporter's account: the password is shown once, on the answer page.
            let added = try await send(
                app, .POST, "/people", admin,
                [
                    ("username", "xingang"), ("displayName", "新港村 填报员"), ("role", "reporter"),
                    ("organization", village.id!.uuidString), ("office", ""), ("portfolio", ""),
                ])
            #expect(added.status == .ok && added.body.contains("账号已建立"))
            let password = try #require(
                added.body.firstMatch(of: /class="secret">([A-Za-z0-9]{16})</).map { String($0.1) })
            let reporter = try await app.browser("xingang", password: password)
            #expect(try await send(app, .GET, "/", reporter).location == "/my")
            // A reporter without a unit is refused; so is a reporter at the people pages.
            let unitless = try await send(
                app, .POST, "/people", admin,
                [("username", "nobody"), ("displayName", "某人"), ("role", "reporter"), ("organization", "")])
            #expect(unitless.status == .unprocessableEntity && unitless.body.contains("填报人属于一个部门、村或社区"))
            #expect(try await send(app, .GET, "/people", reporter).status == .forbidden)
            #expect(
                try await send(app, .POST, "/units", reporter, [("name", "x"), ("kind", "village")]).status
                    == .forbidden)

            // A leader's office and portfolio, shown on the people page.
            let leader = try #require(try await User.query(on: app.db).filter(\.$username == "fuzhen2").first())
            let edited = try await send(
                app, .POST, "/people/\(leader.id!)", admin,
                [
                    ("displayName", "副镇长 周丽"), ("role", "leader"), ("organization", town.id!.uuidString),
                    ("office", "副镇长"), ("portfolio", "农业农村、水利"),
                ])
            #expect(edited.status == .seeOther)
            let people = try await send(app, .GET, "/people", admin).body
            #expect(people.contains("副镇长；分管 农业农村、水利"))
            // The town's office reaches the whole installation: the deputy, of no unit, is listed too.
            #expect(people.contains("<code>daibiao</code>"))

            // Disabled: the open session ends and signing in says why; enabled and reset: only the new one works.
            let xingang = try #require(try await User.query(on: app.db).filter(\.$username == "xingang").first())
            #expect(try await send(app, .POST, "/people/\(xingang.id!)/disable", admin, []).status == .seeOther)
            #expect(try await send(app, .GET, "/my", reporter).status != .ok)
            let refused = try await BrowserSession.signIn(nil) { m, p, h, b in
                nonisolated(unsafe) var out: (HTTPStatus, HTTPHeaders, String) = (.ok, [:], "")
                try await app.testing().test(m, p, headers: h, body: b) {
                    out = ($0.status, $0.headers, $0.body.string)
                }
                return out
            }
            let tryAgain = try await send(
                app, .POST, "/login", refused, [("username", "xingang"), ("password", password)])
            #expect(tryAgain.status == .forbidden && tryAgain.body.contains("账号已停用"))
            #expect(try await send(app, .POST, "/people/\(xingang.id!)/enable", admin, []).status == .seeOther)
            let reset = try await send(app, .POST, "/people/\(xingang.id!)/reset", admin, [])
            let second = try #require(
                reset.body.firstMatch(of: /class="secret">([A-Za-z0-9]{16})</).map { String($0.1) })
            #expect(second != password && reset.body.contains("原密码和所有已登录的会话都已失效"))
            #expect(
                try await send(app, .GET, "/", try await app.browser("xingang", password: second)).location == "/my")

            // Staff cannot lock themselves out.
            let me = try #require(try await User.query(on: app.db).filter(\.$username == "duchaban").first())
            let selfDisable = try await send(app, .POST, "/people/\(me.id!)/disable", admin, [])
            #expect(selfDisable.status == .conflict && selfDisable.body.contains("不能停用自己的账号"))

            // Every step is in the log, named by the person who took it.
            let steps = try await AuditEntry.query(on: app.db).filter(\.$entity ~~ ["user", "unit"]).sort(\.$sequence)
                .all()
            #expect(
                steps.suffix(6).map(\.action) == [
                    "unit.add", "user.add", "user.edit", "user.disable", "user.enable", "user.reset",
                ])
            #expect(steps.suffix(6).allSatisfy { $0.actor == "duchaban" })
            #expect(!steps.contains { ($0.after ?? "").contains(password) || ($0.after ?? "").contains("hash") })
            let person = try await send(app, .GET, "/people/\(xingang.id!)", admin).body
            #expect(person.contains("停用账号") && person.contains("重置密码") && person.contains("督查办 王芳"))
            #expect(!(try await send(app, .GET, "/audit", admin).body.contains(">duchaban<")))
        }
    }

    @Test("镇长的首页是他的分管任务，最需要督促的在前 (a leader's home is the portfolio, worst first)")
    func leaderReadsPortfolio() async throws {
        try await TestApp.with { app in
            let leader = try await app.browser("zhenzhang")
            #expect(leader.landedAt == "/")
            let home = try await send(app, .GET, "/", leader)
            #expect(home.location == "/portfolio")
            let page = try await send(app, .GET, "/portfolio", leader).body
            #expect(page.contains("镇长 陈建国的分管任务"))
            let me = try #require(try await User.query(on: app.db).filter(\.$username == "zhenzhang").first())
            let mine = try await Assignment.query(on: app.db).filter(\.$leadLeader.$id == me.id!).with(\.$item).all()
            #expect(!mine.isEmpty)
            #expect(page.contains("共分管 \(mine.count) 项"))
            // Someone else's item is not in his portfolio.
            let others = try await Assignment.query(on: app.db).filter(\.$leadLeader.$id != me.id!).with(\.$item).all()
            let foreign = try #require(
                others.first { o in !mine.contains { $0.item.title.prefix(20) == o.item.title.prefix(20) } })
            #expect(!page.contains("/items/\(foreign.item.id!)\""))
            // The items needing attention come first, and the worst of them leads.
            let worst = try #require(page.firstMatch(of: /<tbody>.*?class="badge (\w+)">([^<]+)</).map { String($0.2) })
            #expect(["已逾期", "进度滞后"].contains(worst))
            // Staff read any leader's; a reporter reads none.
            let admin = try await app.browser("duchaban")
            let other = try #require(try await User.query(on: app.db).filter(\.$username == "fuzhen1").first())
            #expect(try await send(app, .GET, "/portfolio?leader=\(other.id!)", admin).body.contains("副镇长 李明的分管任务"))
            // A unit's page lists what it leads; a reporter reads another unit's, but not that unit's notices.
            _ = try await Supervisor.pass(at: ServerConfiguration.demoNow, on: app.store)
            let notice = try #require(try await SupervisionNotice.query(on: app.db).with(\.$unit).first())
            let unitPage = try await send(app, .GET, "/portfolio?unit=\(notice.$unit.id)", admin).body
            #expect(unitPage.contains("\(notice.unit.name)的牵头任务") && unitPage.contains(">\(notice.number)<"))
            let outsider = try #require(
                try await User.query(on: app.db).filter(\.$role == .reporter)
                    .filter(\.$organization.$id != notice.$unit.id).first())
            let seen = try await send(
                app, .GET, "/portfolio?unit=\(notice.$unit.id)", try await app.browser(outsider.username))
            #expect(seen.status == .ok && !seen.body.contains(">\(notice.number)<"))
        }
    }

    @Test("概览的单位、领导列表可排序，每行通向其任务 (the overview's unit and leader lists sort and link)")
    func overviewListsSortAndLink() async throws {
        try await TestApp.with { app in
            let admin = try await app.browser("duchaban")
            let plan = try await app.demoPlanID()
            let byName = try await send(app, .GET, "/plans/\(plan)", admin).body
            let byLate = try await send(app, .GET, "/plans/\(plan)?sort=late", admin).body
            // The first unit row of each order: the alphabetical one and the one with most items behind.
            func firstUnit(_ page: String) -> String? {
                page.firstMatch(of: /href="\/portfolio\?unit=([0-9A-F-]+)/).map { String($0.1) }
            }
            let snapshot = try await PlanSnapshot.load(
                try #require(try await Plan.find(plan, on: app.db)), on: app.db, now: ServerConfiguration.demoNow)
            var late: [UUID: Int] = [:]
            for item in snapshot.items where PlanSnapshot.isLeaf(item) {
                if let u = snapshot.assignments[item.id!]?.$leadUnit.id,
                    [.overdue, .behind].contains(snapshot.status(of: item).status)
                {
                    late[u, default: 0] += 1
                }
            }
            let most = try #require(late.values.max())
            let first = try #require(firstUnit(byLate).flatMap(UUID.init(uuidString:)))
            #expect(late[first] == most)
            #expect(firstUnit(byName) != nil)
            #expect(byLate.contains("aria-current=\"true\">逾期滞后多的在前"))
            #expect(byName.contains("/portfolio?leader="))
        }
    }

    @Test("督办单按文号、单位、等级、逾期查找 (notices found by number, unit, level and lateness)")
    func noticesAreFound() async throws {
        try await TestApp.with { app in
            _ = try await Supervisor.pass(at: ServerConfiguration.demoNow, on: app.store)
            let admin = try await app.browser("duchaban")
            let notices = try await SupervisionNotice.query(on: app.db).with(\.$unit).with(\.$item).all()
            let n = try #require(notices.first)
            let byNumber = try await send(
                app, .GET,
                "/notices?state=all&q=" + n.number.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!,
                admin
            ).body
            #expect(byNumber.contains(n.number))
            #expect(byNumber.components(separatedBy: "href=\"/notices/").count - 1 <= 3)
            let byUnit = try await send(app, .GET, "/notices?state=all&unit=\(n.$unit.id)", admin).body
            let others = Set(notices.filter { $0.$unit.id != n.$unit.id }.map(\.number))
            #expect(byUnit.contains(n.unit.name) && !others.contains { byUnit.contains(">\($0)<") })
            let overdue = try await send(app, .GET, "/notices?state=all&overdue=1", admin).body
            for late in notices where late.state != .closed && late.respondBy >= ServerConfiguration.demoNow {
                #expect(!overdue.contains(">\(late.number)<"))
            }
        }
    }
}

/// Staff working in bulk, and the one search box.
extension ServerTests {
    @Test("审核页按单位筛选，勾选多份一次采纳；已被他人审核的跳过并说明 (the queue filters by unit; many accepted at once)")
    func reviewQueueInBulk() async throws {
        try await TestApp.with { app in
            let admin = try await app.browser("duchaban")
            let pending = try await ProgressReport.query(on: app.db).filter(\.$state == .submitted).with(\.$unit).all()
            let unit = try #require(pending.first?.unit)
            let ofUnit = pending.filter { $0.$unit.id == unit.id }
            let page = try await send(app, .GET, "/reviews?unit=\(unit.id!)", admin).body
            #expect(page.contains("待审核的报送 (\(ofUnit.count))"))
            for other in pending where other.$unit.id != unit.id { #expect(!page.contains(other.id!.uuidString)) }
            // Select all ticks every box on the page.
            let all = try await send(app, .GET, "/reviews?unit=\(unit.id!)&all=1", admin).body
            #expect(
                all.components(separatedBy: "form=\"bulk-accept\" aria-label=\"选择\" checked").count - 1 == ofUnit.count)
            let chosen = Array(pending.prefix(2))
            let done = try await send(
                app, .POST, "/reviews/accept", admin, chosen.map { ("reports[]", $0.id!.uuidString) })
            #expect(done.status == .seeOther && done.location == "/reviews?accepted=\(chosen.count)")
            #expect(try await send(app, .GET, done.location!, admin).body.contains("已采纳 \(chosen.count) 份报送"))
            for r in chosen { #expect(try await ProgressReport.find(r.id, on: app.db)?.state == .accepted) }
            let again = try await send(
                app, .POST, "/reviews/accept", admin, chosen.map { ("reports[]", $0.id!.uuidString) })
            #expect(again.location == "/reviews?accepted=0&skipped=\(chosen.count)")
            #expect(try await send(app, .GET, again.location!, admin).body.contains("另有 \(chosen.count) 份已由他人审核或不能采纳"))
            let accepts = try await AuditEntry.query(on: app.db).filter(\.$action == "report.accept").count()
            #expect(accepts >= chosen.count)
            // Nothing chosen is a clear refusal.
            #expect(try await send(app, .POST, "/reviews/accept", admin).status == .unprocessableEntity)
        }
    }

    @Test("从最落后的事项中勾选多项：一次催报或各发一份督办单 (remind or issue notices on many items at once)")
    func remindAndIssueInBulk() async throws {
        try await TestApp.with { app in
            let admin = try await app.browser("duchaban")
            let assigned = try await Assignment.query(on: app.db).filter(\.$leadUnit.$id != nil).with(\.$item).limit(3)
                .all()
            let ids = assigned.map { $0.item.id!.uuidString }
            let reminded = try await send(
                app, .POST, "/notices/bulk", admin,
                ids.map { ("items[]", $0) } + [("action", "remind"), ("note", "本周五前")])
            #expect(reminded.status == .ok && reminded.body.contains("已催报 3 项"))
            let unitID = try #require(assigned[0].$leadUnit.id)
            let reporter = try #require(
                try await User.query(on: app.db).filter(\.$organization.$id == unitID).filter(\.$role == .reporter)
                    .first())
            let inbox = try await InboxMessage.query(on: app.db).filter(\.$user.$id == reporter.id!).filter(
                \.$kind == .reminder
            )
            .all()
            #expect(inbox.contains { $0.title.hasPrefix("【催报】") && $0.body.contains("本周五前。") })
            #expect(try await AuditEntry.query(on: app.db).filter(\.$action == "item.remind").count() == 3)

            // Notices: a blank reason is refused for all; with words, each item gets its own number.
            let blank = try await send(
                app, .POST, "/notices/bulk", admin, ids.map { ("items[]", $0) } + [("action", "notice")])
            #expect(blank.status == .unprocessableEntity && blank.body.contains("督办事由"))
            let before = try await SupervisionNotice.query(on: app.db).count()
            let issued = try await send(
                app, .POST, "/notices/bulk", admin,
                ids.map { ("items[]", $0) } + [
                    ("action", "notice"), ("level", "blue"), ("reason", "进度滞后"), ("requiredAction", "按期整改"),
                    ("respondBy", ""),
                ])
            #expect(issued.status == .ok && issued.body.contains("已发出 3 份督办单"))
            #expect(try await SupervisionNotice.query(on: app.db).count() == before + 3)
            #expect(issued.body.components(separatedBy: "督〔2015〕").count - 1 == 3)
            // The list of items offers the step, every box ticked on asking.
            let picker = try await send(app, .GET, "/notices/new?all=1", admin).body
            #expect(picker.contains("向牵头单位催报") && picker.contains("form=\"bulk\" aria-label=\"选择\" checked"))
            // A reporter may do neither.
            let unitUser = try await app.browser("dept1")
            #expect(
                try await send(app, .POST, "/notices/bulk", unitUser, [("items[]", ids[0]), ("action", "remind")])
                    .status
                    == .forbidden)
        }
    }

    @Test("一个搜索框：事项、文号、单位、报送；填报人看不到别单位待审的报送 (one search box, as each person may read)")
    func searchFindsWhatOneMayRead() async throws {
        try await TestApp.with { app in
            _ = try await Supervisor.pass(at: ServerConfiguration.demoNow, on: app.store)
            let admin = try await app.browser("duchaban")
            let items = try await send(
                app, .GET, "/search?q=" + "停车位".addingPercentEncoding(withAllowedCharacters: .alphanumerics)!, admin
            ).body
            let parking = try #require(try await PlanItem.query(on: app.db).filter(\.$title ~~ "停车位").first())
            #expect(items.contains("/items/\(parking.id!)"))
            let notice = try #require(try await SupervisionNotice.query(on: app.db).first())
            let byNumber = try await send(
                app, .GET, "/search?q=" + notice.number.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!,
                admin
            ).body
            #expect(byNumber.contains("/notices/\(notice.id!)"))
            // A unit's pending report is found by its own unit and by staff, not by another unit.
            let (item, owner) = try await app.assignedItem()
            _ = try await Reports.file(
                .init(
                    period: "2015-06", actualValue: nil, percentComplete: 40, milestone: nil, narrative: "已完成征地拆迁签约九成"),
                item: item, user: owner, on: app.store, now: ServerConfiguration.demoNow)
            let q = "/search?q=" + "征地拆迁签约".addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
            let other = try #require(
                try await User.query(on: app.db).filter(\.$organization.$id != owner.$organization.id!)
                    .filter(\.$role == .reporter).first())
            #expect(try await send(app, .GET, q, try await app.browser(owner.username)).body.contains("已完成征地拆迁签约九成"))
            #expect(try await send(app, .GET, q, admin).body.contains("已完成征地拆迁签约九成"))
            #expect(!(try await send(app, .GET, q, try await app.browser(other.username)).body.contains("征地拆迁签约九成")))
            #expect(try await send(app, .GET, "/search?q=", admin).body.contains("输入事项名称"))
            #expect(try await send(app, .GET, "/search?q=zzzz不存在", admin).body.contains("没有找到"))
        }
    }
}
