import Fluent
import Foundation
import LuoshiCore
import OfficeOpenXML
import Testing
import Vapor
import VaporTesting

@testable import LuoshiServer

#if canImport(FoundationXML)
    import FoundationXML
#endif

extension ServerTests {
    /// Every response of the public site for one plan: its list, its page in both languages, every item's
    /// page, its open data and the page about the data.
    func publicResponses(_ app: Application, plan: UUID) async throws -> [(
        path: String, body: String, head: HTTPHeaders
    )] {
        var paths = ["/public", "/public/data", "/public/plans/\(plan)", "/public/plans/\(plan)?lang=en"]
        paths += [
            "/public/plans/\(plan)/plan.json", "/public/plans/\(plan)/plan.csv", "/public/plans/\(plan)/feed.atom",
            "/public/plans/\(plan)/assessment",
        ]
        let codes = try await PlanItem.query(on: app.db).filter(\.$plan.$id == plan).all().map(\.code)
        paths += codes.map { SiteURL.publicItem(plan: plan, code: $0).path }
        paths += codes.map { SiteURL.publicItem(plan: plan, code: $0).path + "/feed.atom" }
        var out: [(String, String, HTTPHeaders)] = []
        for path in paths {
            try await app.testing().test(.GET, path) { res in
                // Items never released (added since) are not found; everything else is there.
                #expect(res.status == .ok || (res.status == .notFound && path.contains("/items/")), "\(path)")
                if res.status == .ok { out.append((path, res.body.string, res.headers)) }
            }
        }
        return out
    }

    @Test(
        "公开：无需登录；只有公开的内容，草稿、退回、证明材料、报送人从不出现；再次公开后才显示修改 (the public site shows what was released and accepted, nothing else)"
    )
    func publicSite() async throws {
        try await TestApp.with { app in
            let store = app.store
            let now = app.clock.now()
            let planID = try await app.demoPlanID()
            let admin = try #require(try await User.query(on: app.db).filter(\.$username == "duchaban").first())
            try await app.testing().test(.GET, "/public/plans/\(planID)") { res in
                #expect(res.status == .notFound)  // never released
            }

            // Marked words on three reports: one accepted with an evidence file, one waiting, one returned.
            let (item, reporter) = try await app.assignedItem()
            let directory = app.luoshi.evidenceDirectory
            let pdf = try receivedPDF(named: "SECRET-EVIDENCE-9a1.pdf", in: directory)
            let accepted = try await Reports.file(
                .init(
                    period: "2015-06", actualValue: nil, percentComplete: 70, milestone: nil,
                    narrative: "ACCEPTED-7f3 道路已完成七成", problems: "PROBLEM-SECRET-3c5"),
                evidence: pdf, evidenceDirectory: directory, item: item, user: reporter, on: store, now: now)
            _ = try await Reports.review(
                accepted.id!.uuidString, accept: true, reason: nil, user: admin, on: store, now: now)
            let others = try await Assignment.query(on: app.db).filter(\.$leadUnit.$id == reporter.$organization.id!)
                .with(\.$item).all().map(\.item).filter { $0.id != item.id && $0.kind == .task }
            try #require(others.count >= 3)
            _ = try await Reports.file(
                .init(period: "2015-06", percentComplete: 10, narrative: "PENDING-SECRET-4c2"), item: others[0],
                user: reporter, on: store, now: now)
            let returned = try await Reports.file(
                .init(period: "2015-06", percentComplete: 20, narrative: "RETURNED-SECRET-8d0"), item: others[1],
                user: reporter, on: store, now: now)
            _ = try await Reports.review(
                returned.id!.uuidString, accept: false, reason: "RETURN-REASON-SECRET-2b7", user: admin, on: store,
                now: now)

            // A reporter cannot release; staff can, once; again only when something changed.
            let form = "_csrf=x&note=\(urlEncoded("首次向社会公开"))"
            let reporterCaller = try await app.signIn(reporter.username)
            try await app.testing().test(
                .POST, "/plans/\(planID)/release", headers: reporterCaller.formHeaders, body: ByteBuffer(string: form)
            ) { res in #expect(res.status == .forbidden) }
            let adminCaller = try await app.signIn("duchaban")
            try await app.testing().test(
                .POST, "/plans/\(planID)/release", headers: adminCaller.formHeaders, body: ByteBuffer(string: form)
            ) { res in
                #expect(res.status == .seeOther)
                #expect(res.headers.first(name: .location) == "/public/plans/\(planID)")
            }
            await #expect(throws: LuoshiError.self) {
                try await Publication.release(planID, note: "", actor: admin, on: store, now: now)
            }

            // Edited and dropped after the release: not shown until released again.
            try await PlanEdits.edit(
                others[2].id!, .init(title: "EDITED-AFTER-RELEASE-5e1", reason: "措辞调整"), actor: admin, on: store,
                now: now)
            let dropped = others[1]
            try await PlanEdits.retire(dropped.id!, reason: "因规划调整撤销", actor: admin, on: store, now: now)

            // Feedback with a marked e-mail and a marked phone, published and answered: the words show, the
            // contacts never.
            let day = CivilDay(now, calendar: .beijing)
            let (qa, qb) = FeedbackService.question(key: app.auditKey, plan: planID, day: day)
            for (contact, words) in [
                ("secret-7c1@example.com", "FEEDBACK-SHOWN-1"), ("13912345678", "FEEDBACK-SHOWN-2"),
            ] {
                let f = try await FeedbackService.submit(
                    .init(
                        item: item.code, name: nil, contact: contact, text: words, day: Breakdown.iso(day),
                        answer: "\(qa + qb)"), plan: planID, address: "192.0.2.\(words.count)", key: app.auditKey,
                    on: store, now: now)
                try await FeedbackService.moderate(
                    f.id!, .init(action: "publish", reason: nil, unit: nil), actor: admin, on: store, now: now)
            }
            // A follower, confirmed: the address is never on a page.
            app.luoshi.mail = .init(host: "127.0.0.1", port: 1, from: "luoshi@zhen.gov.cn")
            try await Following.request(
                .init(
                    item: item.code, email: "follower-6d4@example.com", day: Breakdown.iso(day), answer: "\(qa + qb)"),
                plan: planID, address: "192.0.2.99", key: app.auditKey, mailConfigured: true, on: store, now: now)
            let follower = try #require(try await Follower.query(on: app.db).first())
            try await Following.act(
                follower, stop: false, view: try await Publication.view(planID, on: app.db, now: now), on: store,
                now: now)
            let marks = [
                "PENDING-SECRET-4c2", "RETURNED-SECRET-8d0", "RETURN-REASON-SECRET-2b7", "SECRET-EVIDENCE-9a1",
                "EDITED-AFTER-RELEASE-5e1", reporter.username, "secret-7c1@example.com", "13912345678",
                "follower-6d4",
            ]
            var pages = try await publicResponses(app, plan: planID)
            for page in pages {
                for mark in marks { #expect(!page.body.contains(mark), "\(mark) in \(page.path)") }
                // No session, no cookie: the public site never starts one.
                #expect(page.head.first(name: .setCookie) == nil, "a cookie from \(page.path)")
                #expect(page.head.first(name: .eTag) != nil && page.head.first(name: .lastModified) != nil)
            }
            let itemPage = try #require(
                pages.first { $0.path == SiteURL.publicItem(plan: planID, code: item.code).path })
            #expect(itemPage.body.contains("ACCEPTED-7f3 道路已完成七成"))
            #expect(itemPage.body.contains("FEEDBACK-SHOWN-1") && itemPage.body.contains("FEEDBACK-SHOWN-2"))
            #expect(itemPage.body.contains("<svg") && itemPage.body.contains("最新进度 70%"))
            // Its status day by day: from the year's first day, each change once, the last one today's.
            let changes = try #require(
                itemPage.body.components(separatedBy: "<ol class=\"changes\">").dropFirst().first
            )
            .components(separatedBy: "</ol>")[0]
            #expect(changes.hasPrefix("<li>2015年1月1日 "))
            let statuses = changes.components(separatedBy: "<li>").dropFirst().map {
                $0.components(separatedBy: "</span>")[0].components(separatedBy: ">").last ?? ""
            }
            #expect(statuses.count >= 2 && zip(statuses, statuses.dropFirst()).allSatisfy { $0 != $1 }, "\(statuses)")
            let droppedPage = try #require(
                pages.first { $0.path == SiteURL.publicItem(plan: planID, code: dropped.code).path })
            #expect(!droppedPage.body.contains("已撤销"))
            // The open data says what the pages say: the accepted report in the item's history, its figure.
            let json = try #require(pages.first { $0.path.hasSuffix("plan.json") }).body
            let doc = try JSONDecoder().decode(PlanDocument.self, from: Data(json.utf8))
            let tasks = doc.sections.flatMap { s in
                s.tasks + s.sections.flatMap { $0.tasks + $0.sections.flatMap(\.tasks) }
            }
            let mine = try #require(tasks.first { $0.id == item.code }?.progress)
            #expect(mine.percent == 70 && mine.history.last?.narrative == "ACCEPTED-7f3 道路已完成七成")
            #expect(mine.leadUnit != nil && json.contains("\"progress\" : {"))
            #expect(!json.contains("PROBLEM-SECRET-3c5"))
            let csv = try #require(pages.first { $0.path.hasSuffix("plan.csv") }).body
            #expect(csv.contains(item.code + ",") && csv.contains("状态"))
            try await checkAtom(try #require(pages.first { $0.path.hasSuffix("feed.atom") }).body)
            // An item's own feed, for those who follow it: its accepted report is an entry.
            let itemFeed = try #require(
                pages.first { $0.path == SiteURL.publicItem(plan: planID, code: item.code).path + "/feed.atom" }
            ).body
            try await checkAtom(itemFeed, entries: 1)
            #expect(itemFeed.contains("ACCEPTED-7f3"))

            // However the address is spelt, one page is one entry of the cache.
            let kept = app.publicPages.count
            for spelling in [planID.uuidString.lowercased(), planID.uuidString.uppercased()] {
                try await app.testing().test(.GET, "/public/plans/\(spelling)?x=\(UUID())") { res in
                    #expect(res.status == .ok)
                }
            }
            #expect(app.publicPages.count == kept)
            // A browser revalidating gets a 304; a changed page a new ETag.
            let etag = try #require(pages.first { $0.path == "/public/plans/\(planID)" }?.head.first(name: .eTag))
            var h = HTTPHeaders()
            h.replaceOrAdd(name: .ifNoneMatch, value: etag)
            try await app.testing().test(.GET, "/public/plans/\(planID)", headers: h) { res in
                #expect(res.status == .notModified && res.body.readableBytes == 0)
            }

            // Released again: the edit and the dropped item show, the dropped one with its reason.
            try await app.testing().test(
                .POST, "/plans/\(planID)/release", headers: adminCaller.formHeaders,
                body: ByteBuffer(string: "_csrf=x&note=\(urlEncoded("调整两项任务"))")
            ) { res in #expect(res.status == .seeOther) }
            try await app.testing().test(.GET, "/public/plans/\(planID)", headers: h) { res in
                #expect(res.status == .ok && res.body.string.contains("EDITED-AFTER-RELEASE-5e1"))
                #expect(res.body.string.contains("第 2 次公开") && res.body.string.contains("调整两项任务"))
            }
            pages = try await publicResponses(app, plan: planID)
            let droppedAgain = try #require(
                pages.first { $0.path == SiteURL.publicItem(plan: planID, code: dropped.code).path })
            #expect(droppedAgain.body.contains("已撤销") && droppedAgain.body.contains("因规划调整撤销"))
            for page in pages {
                for mark in marks where mark != "EDITED-AFTER-RELEASE-5e1" {
                    #expect(!page.body.contains(mark), "\(mark) in \(page.path)")
                }
            }
            #expect(try await AuditEntry.query(on: app.db).filter(\.$action == "plan.release").count() == 2)
        }
    }

    /// The feed against RFC 4287's rules: a feed and each entry have exactly one id (an absolute IRI), title
    /// and updated (an RFC 3339 date); the feed names an author and links to itself; each entry links to its
    /// page; ids are unique.
    func checkAtom(_ text: String, entries minimum: Int = 2) async throws {
        if let errors = try await atomSchemaErrors(text) {
            #expect(errors.isEmpty, "the feed does not validate against RFC 4287's schema: \(errors)")
        }
        #if canImport(FoundationXML)
            let doc = try XMLDocument(data: Data(text.utf8))
            let atom = "http://www.w3.org/2005/Atom"
            let feed = try #require(doc.rootElement())
            #expect(feed.localName == "feed" && feed.uri == atom)
            func one(_ e: XMLElement, _ name: String) -> String? {
                let found = e.elements(forLocalName: name, uri: atom)
                #expect(found.count == 1, "\(name) in \(e.localName ?? "")")
                return found.first?.stringValue
            }
            let date = try Regex(#"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$"#)
            let iri = try Regex(#"^[a-zA-Z][a-zA-Z0-9+.-]*:\S+$"#)
            func check(_ e: XMLElement) -> String? {
                let id = one(e, "id")
                #expect(id.map { (try? iri.wholeMatch(in: $0)) != nil } == true, "id \(id ?? "")")
                #expect(!(one(e, "title") ?? "").isEmpty)
                let updated = one(e, "updated") ?? ""
                #expect((try? date.wholeMatch(in: updated)) != nil, "updated \(updated)")
                return id
            }
            var ids = [check(feed)]
            #expect(!feed.elements(forLocalName: "author", uri: atom).isEmpty)
            let links = feed.elements(forLocalName: "link", uri: atom)
            // Attributes by the list: corelibs' `attribute(forName:)` finds none in a namespaced document.
            func attribute(_ e: XMLElement, _ name: String) -> String? {
                e.attributes?.first { $0.name == name }?.stringValue
            }
            #expect(links.contains { attribute($0, "rel") == "self" })
            let entries = feed.elements(forLocalName: "entry", uri: atom)
            #expect(entries.count >= minimum)
            for entry in entries {
                ids.append(check(entry))
                let alternate = entry.elements(forLocalName: "link", uri: atom).first {
                    (attribute($0, "rel") ?? "alternate") == "alternate"
                }
                let href = alternate.flatMap { attribute($0, "href") } ?? ""
                #expect(href.hasPrefix("http://") || href.hasPrefix("https://"), "entry link \(href)")
            }
            #expect(Set(ids.compactMap { $0 }).count == ids.count)
        #endif
    }
}

extension ServerTests {
    @Test(
        "群众留言：答对问题才收；审核后公开并交办；单位答复后公开；联系方式不公开、不进日志、到期删除；过于频繁被拒 (feedback: asked, moderated, answered; the contact never shown)"
    )
    func feedback() async throws {
        try await TestApp.with { app in
            let store = app.store
            let now = app.clock.now()
            let (planID, _, item, reporter) = try await app.releasedDemo()
            let itemPath = SiteURL.publicItem(plan: planID, code: item.code).path
            let day = CivilDay(now, calendar: .beijing)
            let (a, b) = FeedbackService.question(key: app.auditKey, plan: planID, day: day)
            var page = ""
            try await app.testing().test(.GET, itemPath) { res in page = res.body.string }
            #expect(page.contains(FeedbackRules.question(a, b).chinese))
            #expect(page.contains(#"action="/public/plans/\#(planID)/feedback""#))
            func send(answer: String, text: String = "FEEDBACK-TEXT-1 路灯不亮") async throws -> (HTTPStatus, String) {
                let form =
                    "item=\(urlEncoded(item.code))&day=\(Breakdown.iso(day))&answer=\(urlEncoded(answer))"
                    + "&name=\(urlEncoded("张先生"))&contact=13800138000&text=\(urlEncoded(text))"
                return try await app.postPublicForm("/public/plans/\(planID)/feedback", form)
            }
            // A wrong answer: the form comes back with what was typed, and nothing is kept.
            var (status, body) = try await send(answer: "\(a + b + 1)")
            #expect(status == .unprocessableEntity && body.contains("答案不对") && body.contains("FEEDBACK-TEXT-1 路灯不亮"))
            #expect(try await Feedback.query(on: app.db).count() == 0)
            (status, body) = try await send(answer: "\(a + b)")
            #expect(status == .seeOther)
            let f = try #require(try await Feedback.query(on: app.db).first())
            #expect(f.state == .received && f.contact == "13800138000" && f.$item.id == item.id)
            // Not shown before staff publish it; the contact is in no audit entry.
            try await app.testing().test(.GET, itemPath) { res in #expect(!res.body.string.contains("FEEDBACK-TEXT-1"))
            }
            for entry in try await AuditEntry.query(on: app.db).all() {
                #expect(!(entry.after ?? "").contains("13800138000") && !(entry.before ?? "").contains("13800138000"))
            }

            // Staff publish it to the item's lead unit; the public sees it, never the contact.
            let adminCaller = try await app.signIn("duchaban")
            try await app.testing().test(
                .POST, "/feedback/\(f.id!)/moderate", headers: adminCaller.formHeaders,
                body: ByteBuffer(string: "action=publish")
            ) { res in #expect(res.status == .seeOther) }
            try await app.testing().test(.GET, itemPath) { res in
                #expect(res.body.string.contains("FEEDBACK-TEXT-1") && res.body.string.contains("张先生"))
                #expect(!res.body.string.contains("13800138000"))
            }
            // Staff see the contact; a leader does not.
            try await app.testing().test(.GET, "/feedback", headers: adminCaller.headers) { res in
                #expect(res.body.string.contains("13800138000"))
            }
            try await app.testing().test(.GET, "/feedback", headers: try await app.signIn("zhenzhang").headers) { res in
                #expect(res.status == .ok && res.body.string.contains("FEEDBACK-TEXT-1"))
                #expect(!res.body.string.contains("13800138000"))
            }
            // Another unit's reporter cannot answer; the item's unit can, and the answer is public.
            let (_, other) = try await app.assignedItem(otherThan: reporter.$organization.id)
            let answerForm = ByteBuffer(string: "text=\(urlEncoded("已安排维修，三日内修复。"))")
            try await app.testing().test(
                .POST, "/feedback/\(f.id!)/answer", headers: try await app.signIn(other.username).formHeaders,
                body: answerForm
            ) { res in #expect(res.status == .notFound) }
            try await app.testing().test(
                .POST, "/feedback/\(f.id!)/answer", headers: try await app.signIn(reporter.username).formHeaders,
                body: answerForm
            ) { res in #expect(res.status == .seeOther) }
            try await app.testing().test(.GET, itemPath) { res in
                #expect(res.body.string.contains("已安排维修，三日内修复。"))
            }
            // The contact is erased once the retention after the answer has passed, and not before.
            #expect(
                try await FeedbackService.eraseExpiredContacts(on: store, now: now.addingTimeInterval(89 * 86_400)) == 0
            )
            #expect(
                try await FeedbackService.eraseExpiredContacts(on: store, now: now.addingTimeInterval(92 * 86_400)) == 1
            )
            let erased = try #require(try await Feedback.find(f.id, on: app.db))
            #expect(erased.contact == nil && erased.contactErasedAt != nil && erased.answer != nil)

            // Five an hour from one address; the sixth is refused.
            for n in 2...5 {
                (status, _) = try await send(answer: "\(a + b)", text: "第\(n)条")
                #expect(status == .seeOther)
            }
            (status, body) = try await send(answer: "\(a + b)", text: "第6条")
            #expect(status == .tooManyRequests && body.contains("留言过于频繁"))
            // Hidden with a reason: not shown.
            let spam = try #require(try await Feedback.query(on: app.db).filter(\.$text == "第2条").first())
            try await app.testing().test(
                .POST, "/feedback/\(spam.id!)/moderate", headers: adminCaller.formHeaders,
                body: ByteBuffer(string: "action=hide&reason=\(urlEncoded("重复留言"))")
            ) { res in #expect(res.status == .seeOther) }
            try await app.testing().test(.GET, itemPath) { res in #expect(!res.body.string.contains("第2条")) }
            #expect(try await AuditEntry.query(on: app.db).filter(\.$action == "feedback.submit").count() == 5)
        }
    }

    @Test(
        "关注：双重确认后才发更新；状态、数据变化各告知一次；一键退订删除邮箱；未确认到期删除；邮箱不进日志、不进工作人员列表 (following by e-mail: double opt-in, each change told once, one-click stop)"
    )
    func following() async throws {
        try await TestApp.with { app in
            let store = app.store
            let now = app.clock.now()
            let (planID, admin, item, reporter) = try await app.releasedDemo()
            let itemPath = SiteURL.publicItem(plan: planID, code: item.code).path
            let followAction = #"action="/public/plans/\#(planID)/follow""#
            // A site that sends no mail offers the Atom feed only.
            try await app.testing().test(.GET, itemPath) { res in
                #expect(!res.body.string.contains(followAction))
                #expect(res.body.string.contains(itemPath + "/feed.atom"))
            }
            app.luoshi.mail = .init(host: "127.0.0.1", port: 1, from: "luoshi@zhen.gov.cn")
            app.publicPages.clear()
            try await app.testing().test(.GET, itemPath) { res in #expect(res.body.string.contains(followAction)) }

            let day = CivilDay(now, calendar: .beijing)
            let (a, b) = FeedbackService.question(key: app.auditKey, plan: planID, day: day)
            func follow(_ email: String, answer: Int? = nil, item code: String? = nil) async throws -> (
                HTTPStatus, String
            ) {
                let form =
                    "item=\(urlEncoded(code ?? item.code))&day=\(Breakdown.iso(day))&answer=\(answer ?? a + b)&email=\(urlEncoded(email))"
                return try await app.postPublicForm("/public/plans/\(planID)/follow", form)
            }
            var (status, body) = try await follow("Citizen.One@Example.cn", answer: a + b + 1)
            #expect(status == .unprocessableEntity && body.contains("答案不对") && body.contains("Citizen.One@Example.cn"))
            (status, body) = try await follow("not an address")
            #expect(status == .unprocessableEntity && body.contains("有效的电子邮箱"))
            #expect(try await Follower.query(on: app.db).count() == 0)

            // Asked: a confirmation mail is queued, nothing else; the address is in no audit entry.
            (status, _) = try await follow("Citizen.One@Example.cn")
            #expect(status == .seeOther)
            let f = try #require(try await Follower.query(on: app.db).first())
            #expect(f.state == .pending && f.email == "citizen.one@example.cn" && f.$item.id == item.id)
            let link = Following.path(f.id!, key: app.auditKey)
            func mails(_ kind: MessageKind) async throws -> [Delivery] {
                try await Delivery.query(on: app.db).filter(\.$event == kind).sort(\.$createdAt).all()
            }
            let confirmations = try await mails(.followConfirm)
            #expect(confirmations.count == 1 && confirmations[0].link == link)
            #expect(confirmations[0].title.contains(item.title) && confirmations[0].body.contains("7 天内不确认"))
            for entry in try await AuditEntry.query(on: app.db).all() {
                #expect(!((entry.after ?? "") + (entry.before ?? "")).contains("example.cn"))
            }
            // Staff's channel list and delivery list do not show the public's mail.
            let adminCaller = try await app.signIn("duchaban")
            try await app.testing().test(.GET, "/channels", headers: adminCaller.headers) { res in
                #expect(res.status == .ok && !res.body.string.contains("example.cn"))
                #expect(!res.body.string.contains("请确认关注"))
            }
            try await app.testing().test(.GET, "/api/v1/deliveries", headers: adminCaller.headers) { res in
                #expect(res.status == .ok && !res.body.string.contains("请确认关注"))
            }
            try await app.testing().test(.GET, "/api/v1/channels", headers: adminCaller.headers) { res in
                #expect(res.status == .ok && !res.body.string.contains("example.cn"))
            }
            // Asked again while pending: mailed again, but not within ten minutes; still one follower.
            (status, _) = try await follow("citizen.one@example.cn")
            #expect(status == .seeOther)
            #expect(try await mails(.followConfirm).count == 1)
            try await Following.request(
                .init(item: item.code, email: "citizen.one@example.cn", day: Breakdown.iso(day), answer: "\(a + b)"),
                plan: planID, address: "192.0.2.1", key: app.auditKey, mailConfigured: true, on: store,
                now: now.addingTimeInterval(660))
            #expect(try await Follower.query(on: app.db).count() == 1)
            #expect(try await mails(.followConfirm).count == 2)

            // The link's page: a wrong code is not found; the right one confirms.
            try await app.testing().test(.GET, "/public/follow/\(f.id!)/0123456789abcdef0123456789abcdef") { res in
                #expect(res.status == .notFound)
            }
            try await app.testing().test(.GET, link) { res in
                #expect(res.status == .ok && res.body.string.contains("待确认") && res.body.string.contains(item.title))
                #expect(res.headers.first(name: .cacheControl) == "no-store")
            }
            var h = HTTPHeaders()
            h.contentType = .urlEncodedForm
            try await app.testing().test(.POST, link, headers: h, body: ByteBuffer(string: "action=confirm")) { res in
                #expect(res.status == .seeOther)
            }
            #expect(try await Follower.find(f.id, on: app.db)?.state == .confirmed)
            // Confirmed: asking again sends nothing (a stranger cannot mail a follower at will).
            (status, _) = try await follow("citizen.one@example.cn")
            #expect(status == .seeOther)
            #expect(try await mails(.followConfirm).count == 2)

            // Nothing changed since confirming: no mail.
            let base = "https://zhen.gov.cn"
            #expect(try await Following.tell(on: store, base: base, key: app.auditKey, now: now) == 0)
            // An accepted report changes the figure (and the status): one mail, then nothing more.
            let report = try await Reports.file(
                .init(period: "2015-06", percentComplete: 100, narrative: "全部完成"), item: item, user: reporter,
                on: store, now: now)
            _ = try await Reports.review(
                report.id!.uuidString, accept: true, reason: nil, user: admin, on: store, now: now)
            #expect(try await Following.tell(on: store, base: base, key: app.auditKey, now: now) == 1)
            #expect(try await Following.tell(on: store, base: base, key: app.auditKey, now: now) == 0)
            let update = try #require(try await mails(.followUpdate).first)
            #expect(update.title.contains(item.title) && update.link == link)
            #expect(update.body.contains("最新数据：100%") && update.body.contains(base + itemPath))
            #expect(update.body.contains("Latest figure: 100%"))

            // One click from a mail program: stopped, the address erased from the follower and its channel.
            try await app.testing().test(
                .POST, link, headers: h, body: ByteBuffer(string: "List-Unsubscribe=One-Click")
            ) { res in #expect(res.status == .ok) }
            let stopped = try #require(try await Follower.find(f.id, on: app.db))
            #expect(stopped.state == .ended && stopped.email == nil && stopped.endedAt != nil)
            let channel = try #require(try await NotificationChannel.find(stopped.$channel.id, on: app.db))
            #expect(!channel.active && channel.target == "—")
            try await app.testing().test(.GET, link) { res in #expect(res.body.string.contains("邮箱已从本站删除")) }
            // A confirmation of an ended request is refused; ask again instead.
            try await app.testing().test(.POST, link, headers: h, body: ByteBuffer(string: "action=confirm")) { res in
                #expect(res.status == .conflict)
            }

            // The whole plan, never confirmed: erased after seven days, not before.
            (status, _) = try await follow("two@example.cn", item: "")
            #expect(status == .seeOther)
            #expect(try await Following.lapseUnconfirmed(on: store, now: now.addingTimeInterval(6 * 86_400)) == 0)
            #expect(try await Following.lapseUnconfirmed(on: store, now: now.addingTimeInterval(8 * 86_400)) == 1)
            let lapsed = try #require(try await Follower.query(on: app.db).filter(\.$state == .lapsed).first())
            #expect(lapsed.email == nil && lapsed.$item.id == nil)
            // Five requests an hour from one address, whatever came of them (so the answer never tells whether an
            // address follows): four so far, then one more, then refused.
            (status, _) = try await follow("three@example.cn")
            #expect(status == .seeOther)
            (status, body) = try await follow("four@example.cn")
            #expect(status == .tooManyRequests && body.contains("申请过于频繁"))
            // One address gets at most three confirmations a day, however many ask for it.
            for (n, minutes) in [11.0, 22, 33, 44].enumerated() {
                try await Following.request(
                    .init(item: "", email: "target@example.cn", day: Breakdown.iso(day), answer: "\(a + b)"),
                    plan: planID, address: "198.51.100.\(n)", key: app.auditKey, mailConfigured: true, on: store,
                    now: now.addingTimeInterval(minutes * 60))
            }
            let toTarget = try await Follower.query(on: app.db).filter(\.$email == "target@example.cn").all()
            #expect(toTarget.count == 1)
            let targetMails = try await Delivery.query(on: app.db).filter(\.$channel.$id == toTarget[0].$channel.id!)
                .count()
            #expect(targetMails == 3)
        }
    }

    @Test(
        "群众留言的答复受督办：到期前 3 天催办，逾期对事项发蓝色督办单，对计划整体的留言逾期催办并报主要领导；各一次 (unanswered feedback is supervised: a reminder, then a notice, each once)"
    )
    func feedbackSupervised() async throws {
        try await TestApp.with { app in
            let store = app.store
            let now = app.clock.now()
            let (planID, admin, item, reporter) = try await app.releasedDemo()
            let day = CivilDay(now, calendar: .beijing)
            let (a, b) = FeedbackService.question(key: app.auditKey, plan: planID, day: day)
            var ids: [UUID] = []
            for (code, text) in [(item.code, "ITEM-FEEDBACK 路灯坏了"), ("", "PLAN-FEEDBACK 希望公开更多数据")] {
                let f = try await FeedbackService.submit(
                    .init(item: code, name: nil, contact: nil, text: text, day: Breakdown.iso(day), answer: "\(a + b)"),
                    plan: planID, address: "192.0.2.\(ids.count)", key: app.auditKey, on: store, now: now)
                try await FeedbackService.moderate(
                    f.id!,
                    .init(
                        action: "publish", reason: nil, unit: code.isEmpty ? reporter.$organization.id?.uuidString : nil
                    ),
                    actor: admin, on: store, now: now)
                ids.append(f.id!)
            }
            func at(_ m: Int, _ d: Int) -> Date {
                CivilDay(year: 2015, month: m, day: d).start(in: .beijing) + 9 * 3600
            }
            func feedbackActions(_ when: Date) async throws -> [Supervisor.Action] {
                try await Supervisor.pass(at: when, on: store).actions.filter { $0.detail.contains("feedback") }
            }
            // Published 30 June, due 15 July: nothing on the 11th; reminded on the 12th, once.
            #expect(try await feedbackActions(at(7, 11)).isEmpty)
            let reminders = try await feedbackActions(at(7, 12))
            #expect(reminders.count == 2 && reminders.allSatisfy { $0.kind == .reminder })
            #expect(reminders.allSatisfy { $0.recipients.contains(reporter.displayName) })
            #expect(try await feedbackActions(at(7, 13)).isEmpty)
            let inbox = try await InboxMessage.query(on: app.db).filter(\.$user.$id == reporter.id!)
                .filter(\.$title ~~ "群众留言待答复").all()
            #expect(inbox.count == 2 && inbox.contains { $0.body.contains("7月15日前答复") })
            // Still due on the 15th; late on the 16th: a blue notice on the item, a late reminder for the plan's.
            #expect(try await feedbackActions(at(7, 15)).isEmpty)
            let late = try await feedbackActions(at(7, 16))
            #expect(late.count == 2)
            let notice = try #require(
                try await SupervisionNotice.query(on: app.db).filter(\.$triggerKey == "feedback:\(ids[0])").first())
            #expect(notice.level == .blue && notice.$item.id == item.id && notice.$unit.id == reporter.$organization.id)
            #expect(notice.reason.contains("ITEM-FEEDBACK 路灯坏了") && notice.reason.contains("7月15日到期未答复"))
            #expect(late.contains { $0.kind == .reminder && $0.detail.contains("late") })
            let principal = try #require(late.first { $0.kind == .reminder }?.recipients.last)
            #expect(!principal.isEmpty)
            #expect(try await feedbackActions(at(7, 17)).isEmpty)
            // Answered: nothing more, and the notice is the unit's to answer as any other.
            try await FeedbackService.answer(ids[1], .init(text: "已公开"), actor: reporter, on: store, now: at(7, 17))
            // Answering the item's feedback closes the notice its lateness brought.
            try await FeedbackService.answer(ids[0], .init(text: "已修复"), actor: reporter, on: store, now: at(7, 18))
            let closed = try #require(try await SupervisionNotice.find(notice.id, on: app.db))
            #expect(closed.state == .closed && closed.closingNote?.contains("群众留言已答复") == true)
            #expect(try await Feedback.find(ids[0], on: app.db)?.lateAt != nil)
            #expect(
                try await AuditEntry.query(on: app.db).filter(\.$action == "notice.issue").filter(
                    \.$entityID == notice.id!.uuidString
                )
                .count() == 1)
        }
    }
}

extension ServerTests {
    @Test(
        "人大报告：按期末数据起草四部分和主要目标表，改文字后印发，印发后不再改动，公开页面和 Word (the report to the congress)"
    )
    func congressReport() async throws {
        try await TestApp.with { app in
            let planID = try await app.demoPlanID()
            let plan = try #require(try await Plan.find(planID, on: app.db))
            let admin = try await app.signIn("duchaban")
            let path = "/plans/\(planID)/congress?period=2015-H1"
            func post(_ form: String) async throws -> HTTPStatus {
                var status = HTTPStatus.ok
                try await app.testing().test(.POST, path, headers: admin.formHeaders, body: ByteBuffer(string: form)) {
                    res in status = res.status
                }
                return status
            }
            #expect(try await post("action=draft") == .seeOther)
            let report = try #require(try await CongressReports.find(plan: planID, period: "2015-H1", on: app.db))
            let content = try #require(report.content)
            // Worked out here from the stored plan: every task, target and project counted; each headline
            // target a row, with its figure as accepted by 30 June.
            let leaves = try await PlanItem.query(on: app.db).filter(\.$plan.$id == planID)
                .filter(\.$retiredAt == nil).all().filter { PlanSnapshot.isLeaf($0) }
            #expect(content.resolutions.contains("截至2015年6月30日") && content.resolutions.contains("共 \(leaves.count) 项"))
            let headline = leaves.filter { $0.kind == .target && $0.headline }
            #expect(content.targets.count == headline.count && !headline.isEmpty)
            for t in headline {
                let row = try #require(content.targets.first { $0.target == (t.subject ?? t.title) })
                let latest = try await ProgressReport.query(on: app.db).filter(\.$item.$id == t.id!)
                    .filter(\.$state == .accepted).sort(\.$submittedAt, .descending).first()
                if let v = latest?.actualValue, let spec = t.targetSpec {
                    #expect(row.actual.hasPrefix(Format.number(v)))
                    #expect(row.rate == "\(Int((StatusRules.targetProgress(spec, actual: v) * 100).rounded()))%")
                } else {
                    #expect(row.actual == "—")
                }
            }
            #expect(content.work.hasPrefix("（一）") && !content.problems.isEmpty)
            // Staff's words; a deputy sees nothing until it is issued, and the public neither.
            let words =
                "action=save&title=\(urlEncoded(content.title))&resolutions=\(urlEncoded(content.resolutions))"
                + "&work=\(urlEncoded(content.work))&problems=\(urlEncoded(content.problems))"
                + "&other=\(urlEncoded("OTHER-MATTER-7d2 镇人大主席团交办的建议已全部办复。"))"
            #expect(try await post(words) == .seeOther)
            let deputy = try await app.signIn("daibiao")
            try await app.testing().test(.GET, path, headers: deputy.headers) { res in
                #expect(res.status == .ok && res.body.string.contains("尚未印发"))
                #expect(!res.body.string.contains("OTHER-MATTER-7d2"))
            }
            let admin2 = try #require(try await User.query(on: app.db).filter(\.$username == "duchaban").first())
            try await Publication.release(planID, note: "", actor: admin2, on: app.store, now: app.clock.now())
            try await app.testing().test(.GET, "/public/plans/\(planID)/congress/2015-H1") { res in
                #expect(res.status == .notFound)
            }
            #expect(try await post("action=issue") == .seeOther)
            #expect(try await post(words.replacingOccurrences(of: "OTHER-MATTER-7d2", with: "CHANGED")) == .conflict)
            try await app.testing().test(.GET, "/public/plans/\(planID)/congress/2015-H1") { res in
                #expect(res.status == .ok && res.body.string.contains("OTHER-MATTER-7d2"))
                #expect(res.body.string.contains("一、执行人大决议和主要目标的情况"))
            }
            try await app.testing().test(.GET, path, headers: deputy.headers) { res in
                #expect(res.body.string.contains("OTHER-MATTER-7d2"))
            }
            var docx = Data()
            try await app.testing().test(.GET, "/public/plans/\(planID)/congress/2015-H1.docx") { res in
                #expect(res.status == .ok)
                docx = Data(res.body.readableBytesView)
            }
            let text = try WordDocument.paragraphs(of: docx).map(\.text).joined(separator: "\n")
            #expect(text.contains(content.title) && text.contains("OTHER-MATTER-7d2") && text.contains("完成率"))
            if let read = try await libreOfficeText(docx) { #expect(read.contains("OTHER-MATTER-7d2")) }
            #expect(plan.year == 2015)
            #expect(try await AuditEntry.query(on: app.db).filter(\.$action == "congress.issue").count() == 1)
        }
    }
}

/// `xmllint`, or nil when it is not installed (CI installs it, and a missing one fails there).
func xmllintPath() -> String? {
    guard let path = ["/usr/bin/xmllint", "/usr/local/bin/xmllint"].first(where: FileManager.default.isExecutableFile)
    else {
        if ProcessInfo.processInfo.environment["CI"] != nil { Issue.record("xmllint is missing in CI") }
        return nil
    }
    return path
}

/// What xmllint says is wrong with a feed against RFC 4287's RELAX NG grammar (`Fixtures/atom.rng`): the
/// elements, their order where it matters, required ones present, dates as xsd:dateTime, nothing foreign in
/// Atom's namespace. Empty: valid; nil: no xmllint here.
func atomSchemaErrors(_ feed: String) async throws -> String? {
    guard let xmllint = xmllintPath() else { return nil }
    let schema = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/atom.rng")
    return try await withTemporaryFile(Data(feed.utf8), named: "feed.atom") { file, dir in
        let process = Process()
        process.executableURL = URL(fileURLWithPath: xmllint)
        process.arguments = ["--noout", "--relaxng", schema.path, file.path]
        // To a file, not a pipe: the process is awaited before anything reads what it said.
        let errorsFile = dir.appendingPathComponent("errors.txt")
        _ = FileManager.default.createFile(atPath: errorsFile.path, contents: nil)
        let errors = try FileHandle(forWritingTo: errorsFile)
        defer { try? errors.close() }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = errors
        try await runToEnd(process)
        let said = try String(contentsOf: errorsFile, encoding: .utf8)
        return process.terminationStatus == 0 ? "" : said
    }
}

extension ServerTests {
    @Test("Atom 模式能发现错误：缺 updated、Atom 命名空间里的陌生元素、日期格式 (the Atom schema check can fail)")
    func atomSchemaRejects() async throws {
        let good = """
            <?xml version="1.0" encoding="utf-8"?>
            <feed xmlns="http://www.w3.org/2005/Atom"><title>t</title><id>urn:x:1</id>\
            <updated>2015-06-30T00:00:00Z</updated><entry><title>e</title><id>urn:x:2</id>\
            <updated>2015-06-30T00:00:00Z</updated><summary>s</summary></entry></feed>
            """
        guard let none = try await atomSchemaErrors(good) else { return }
        #expect(none.isEmpty, "\(none)")
        for bad in [
            good.replacingOccurrences(of: "<updated>2015-06-30T00:00:00Z</updated><entry>", with: "<entry>"),
            good.replacingOccurrences(of: "<summary>s</summary>", with: "<summary>s</summary><status>late</status>"),
            good.replacingOccurrences(
                of: "2015-06-30T00:00:00Z</updated><summary>", with: "2015年6月30日</updated><summary>"),
        ] {
            #expect(try await atomSchemaErrors(bad)?.isEmpty == false, "\(bad)")
        }
    }
}

extension ServerTests {
    @Test("后台工作的租约：同一时刻只有一台服务器持有；续租；到期或交还后另一台接手 (one server at a time holds the background work)")
    func backgroundLease() async throws {
        try await TestApp.with(demo: false) { app in
            let store = app.store
            let t = Date(timeIntervalSince1970: 1_435_622_400)
            #expect(try await Leases.take("supervision", holder: "a", on: store, now: t))
            #expect(try await !Leases.take("supervision", holder: "b", on: store, now: t.addingTimeInterval(60)))
            // The holder renews it each minute; the other keeps out for as long.
            #expect(try await Leases.take("supervision", holder: "a", on: store, now: t.addingTimeInterval(120)))
            #expect(try await !Leases.take("supervision", holder: "b", on: store, now: t.addingTimeInterval(240)))
            // Not renewed (its server killed): the other takes it once the term has run out.
            let out = t.addingTimeInterval(120 + Leases.term + 1)
            #expect(try await Leases.take("supervision", holder: "b", on: store, now: out))
            #expect(try await !Leases.take("supervision", holder: "a", on: store, now: out))
            // Given up on shutdown: taken at once.
            try await Leases.release("supervision", holder: "b", on: store, now: out)
            #expect(try await Leases.take("supervision", holder: "a", on: store, now: out.addingTimeInterval(1)))
            // Another kind of work is another lease.
            #expect(try await Leases.take("other", holder: "b", on: store, now: out))
        }
    }
}

extension Application {
    /// A form posted to the public site as a browser without an account sends it; its status and page.
    func postPublicForm(_ path: String, _ form: String) async throws -> (HTTPStatus, String) {
        var h = HTTPHeaders()
        h.contentType = .urlEncodedForm
        var out: (HTTPStatus, String) = (.ok, "")
        try await testing().test(.POST, path, headers: h, body: ByteBuffer(string: form)) { res in
            out = (res.status, res.body.string)
        }
        return out
    }

    /// The demo plan released to the public now, staff's account, and an assigned item with its unit's reporter.
    func releasedDemo() async throws -> (plan: UUID, admin: User, item: PlanItem, reporter: User) {
        let planID = try await demoPlanID()
        let admin = try #require(try await User.query(on: db).filter(\.$username == "duchaban").first())
        try await Publication.release(planID, note: "", actor: admin, on: store, now: clock.now())
        let (item, reporter) = try await assignedItem()
        return (planID, admin, item, reporter)
    }
}
