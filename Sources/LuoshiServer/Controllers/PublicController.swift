import Fluent
import Foundation
import LuoshiCore
import NIOConcurrencyHelpers
import OfficeOpenXML
import Vapor

/// The public site and its open data: no account, no session, no form token (`PublicPaths` keeps those
/// middlewares off these routes). Each response is rendered once per database version and day (statuses
/// move with the date) and served from memory, with an `ETag` and `Last-Modified` so a browser or a
/// proxy revalidates for a 304.
struct PublicController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let p = routes.grouped("public")
        p.get(use: index)
        p.get("data", use: data)
        p.get("plans", ":planID", use: plan)
        p.get("plans", ":planID", "items", ":code", use: item)
        p.get("plans", ":planID", "plan.json", use: json)
        p.get("plans", ":planID", "plan.csv", use: csv)
        p.get("plans", ":planID", "feed.atom", use: feed)
        p.get("plans", ":planID", "items", ":code", "feed.atom", use: itemFeed)
        p.get("plans", ":planID", "assessment", use: assessment)
        p.get("plans", ":planID", "congress", ":file", use: congress)
        p.upload(
            "plans", ":planID", "feedback", maxBytes: Limits.feedbackPhoto, eachFile: Limits.feedbackPhoto, from: [],
            anonymous: true, use: submitFeedback)
        p.get("plans", ":planID", "feedback", "received", use: feedbackReceived)
        p.post("plans", ":planID", "follow", use: follow)
        p.get("plans", ":planID", "follow", "sent", use: followRequested)
        p.get("follow", ":followerID", ":token", use: follower)
        p.post("follow", ":followerID", ":token", use: followerAction)
        routes.post("plans", ":planID", "release", use: release)
    }

    static let html = HTTPMediaType.html

    /// Whether the page is asked for in English (`?lang=en`), read from the raw target: decoding the query
    /// costs more than serving the page.
    static func english(_ req: Request) -> Bool {
        let t = PublicPaths.target(req)
        return t.contains("?lang=en") || t.contains("&lang=en")
    }

    /// The page in memory when it is still good, answered on the event loop with no task started; else
    /// rendered now (after reading the database's version) and kept for this version and day.
    static func serve(
        _ req: Request, key page: String, type: HTTPMediaType,
        render: @escaping @Sendable () async throws -> (body: String, lastModified: Date)
    ) -> EventLoopFuture<Response> {
        // The page as the handler names it (its parsed plan and item) and the language: however the address is
        // spelt (case, percent-encoding, query words), one page is one entry.
        let key = page + (english(req) ? "|en" : "|zh")
        let cache = req.application.publicPages
        let day = cache.day(req.now)
        if let hit = cache.fresh(key, day: day, at: Date()) {
            return req.eventLoop.makeSucceededFuture(respond(req, hit))
        }
        return req.eventLoop.makeFutureWithTask {
            let version = try await SnapshotCache.version(req)
            cache.setVersion(version, at: Date())
            if let hit = cache.entry(key, version: version, day: day) { return respond(req, hit) }
            let (body, modified) = try await render()
            let entry = PublicPageCache.Entry(
                version: version, day: day, body: ByteBuffer(string: body),
                etag: "\"" + Fingerprint.sha256Hex(Array(body.utf8)).prefix(20) + "\"",
                lastModified: HTTPDate.format(modified), type: type)
            cache.store(entry, for: key)
            return respond(req, entry)
        }
    }

    static func respond(_ req: Request, _ e: PublicPageCache.Entry) -> Response {
        let fresh: Bool
        // By the ETag alone: a page also changes with the day (its statuses, the day's question), which a
        // Last-Modified date does not say.
        if let tags = req.headers.first(name: .ifNoneMatch) {
            fresh = tags.split(separator: ",").contains { $0.trimmingCharacters(in: .whitespaces) == e.etag }
        } else {
            fresh = false
        }
        let r = Response(status: fresh ? .notModified : .ok, body: fresh ? .empty : .init(buffer: e.body))
        r.headers.contentType = e.type
        r.headers.replaceOrAdd(name: .eTag, value: e.etag)
        r.headers.replaceOrAdd(name: .lastModified, value: e.lastModified)
        // Kept by browsers and proxies but asked about each time: a 304 costs little, and an answer or a
        // status shows at once.
        r.headers.replaceOrAdd(name: .cacheControl, value: "public, no-cache")
        return r
    }

    static func context(_ req: Request) -> PageContext {
        PageContext(
            lang: Lang(english: english(req)), viewer: nil, csrf: "", unread: 0,
            demoDate: req.application.luoshi.fixedNow, now: req.now, frames: req.application.frames)
    }

    /// An item's number from the address; longer than any number is no item.
    static func code(_ req: Request) throws -> String {
        let code = req.parameters.get("code") ?? ""
        guard !code.isEmpty, code.count <= 60 else {
            throw LuoshiError.notFound(entity: "事项", id: String(code.prefix(60)))
        }
        return code
    }

    static func planID(_ req: Request) throws -> UUID {
        guard let id = req.parameters.get("planID").flatMap(UUID.init(uuidString:)) else {
            throw LuoshiError.notFound(entity: "公开的计划", id: req.parameters.get("planID") ?? "")
        }
        return id
    }

    @Sendable func index(req: Request) -> EventLoopFuture<Response> {
        let now = req.now
        return Self.serve(req, key: "index", type: Self.html) {
            let db = req.db
            let releases = try await PublicRelease.query(on: db).sort(\.$releasedAt, .descending).all()
            var latest: [UUID: PublicRelease] = [:]
            for r in releases where (latest[r.$plan.id]?.number ?? 0) < r.number { latest[r.$plan.id] = r }
            var rows: [(plan: Plan, release: PublicRelease, overall: RollUp.Result?)] = []
            for (planID, release) in latest {
                let view = try await Self.view(req, planID, now: now)
                rows.append((view.plan, release, view.snapshot.overall))
            }
            rows.sort { ($0.plan.year, $0.plan.title) > ($1.plan.year, $1.plan.title) }
            return (
                PublicPages.Index(plans: rows).document(Self.context(req)),
                latest.values.map(\.releasedAt).max() ?? .distantPast
            )
        }
    }

    @Sendable func data(req: Request) -> EventLoopFuture<Response> {
        return Self.serve(req, key: "data", type: Self.html) {
            (PublicPages.DataPage().document(Self.context(req)), Date(timeIntervalSince1970: 1_764_547_200))
        }
    }

    @Sendable func plan(req: Request) throws -> EventLoopFuture<Response> {
        let id = try Self.planID(req)
        let now = req.now
        return Self.serve(req, key: "plan|\(id)", type: Self.html) {
            let db = req.db
            let view = try await Self.view(req, id, now: now)
            let (feedback, units) = try await Self.feedback(plan: id, item: nil, on: db)
            let congress = try await CongressReport.query(on: db).filter(\.$plan.$id == id).filter(\.$issued == true)
                .sort(\.$period).all().compactMap { r in r.content.map { (r.period, $0.title) } }
            let page = PublicPages.PlanPage(
                view: view, feedback: feedback, units: units, form: Self.form(req, plan: id, item: nil),
                congress: congress)
            return (
                page.document(Self.context(req)), max(view.lastChange, feedback.map(Self.changed).max() ?? .distantPast)
            )
        }
    }

    @Sendable func item(req: Request) throws -> EventLoopFuture<Response> {
        let id = try Self.planID(req)
        let code = try Self.code(req)
        let now = req.now
        return Self.serve(req, key: "item|\(id)|\(code)", type: Self.html) {
            let db = req.db
            let view = try await Self.view(req, id, now: now)
            guard let item = view.content.items.first(where: { $0.code == code }) else {
                throw LuoshiError.notFound(entity: "事项", id: code)
            }
            let history = try await Publication.history(item, in: view, on: db)
            let changes = Publication.statusChanges(item, in: view, reports: history.map(\.report))
            // A milestone shows from its date: a plan's later steps are not promised before their time.
            let today = CivilDay(now, calendar: .beijing)
            let milestones = (view.snapshot.milestones[item.id] ?? []).filter {
                CivilDay($0.plannedDate, calendar: .beijing) <= today || $0.actualDate != nil
            }
            let modified = ([view.release.releasedAt] + history.map { $0.report.reviewedAt ?? $0.report.submittedAt })
                .max()!
            let (feedback, units) = try await Self.feedback(plan: id, item: item.id, on: db)
            let page = PublicPages.ItemPage(
                view: view, item: item, history: history, changes: changes, milestones: milestones,
                feedback: feedback, units: units,
                form: Self.form(req, plan: id, item: item.code))
            return (page.document(Self.context(req)), max(modified, feedback.map(Self.changed).max() ?? .distantPast))
        }
    }

    @Sendable func json(req: Request) throws -> EventLoopFuture<Response> {
        let id = try Self.planID(req)
        let now = req.now
        return Self.serve(req, key: "json|\(id)", type: .json) {
            let db = req.db
            let view = try await Self.view(req, id, now: now)
            let doc = Publication.document(view, histories: try await Publication.histories(view, on: db))
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            return (String(decoding: try encoder.encode(doc), as: UTF8.self), view.lastChange)
        }
    }

    @Sendable func csv(req: Request) throws -> EventLoopFuture<Response> {
        let id = try Self.planID(req)
        let now = req.now
        let type = HTTPMediaType(type: "text", subType: "csv", parameters: ["charset": "utf-8"])
        return Self.serve(req, key: "csv|\(id)", type: type) {
            let view = try await Self.view(req, id, now: now)
            return (String(decoding: PublicData.csv(view), as: UTF8.self), view.lastChange)
        }
    }

    @Sendable func feed(req: Request) throws -> EventLoopFuture<Response> {
        let id = try Self.planID(req)
        let now = req.now
        let base = PublicData.base(req)
        let type = HTTPMediaType(type: "application", subType: "atom+xml", parameters: ["charset": "utf-8"])
        return Self.serve(req, key: "feed|\(id)", type: type) {
            let db = req.db
            let view = try await Self.view(req, id, now: now)
            let releases = try await PublicRelease.query(on: db).filter(\.$plan.$id == id).sort(\.$number).all()
            let feed = PublicData.atom(
                view, releases: releases, histories: try await Publication.histories(view, on: db), base: base)
            return (feed, view.lastChange)
        }
    }

    /// The plan as the public sees it, computed once per database version and day: every page of the plan
    /// (one an item) reads the same.
    static func view(_ req: Request, _ plan: UUID, now: Date) async throws -> PublicPlan {
        let cache = req.application.publicPages
        let day = cache.day(now)
        let version = cache.currentVersion
        if let hit = cache.view(plan, version: version, day: day) { return hit }
        let view = try await Publication.view(plan, on: req.db, now: now)
        cache.store(view: view, version: version, day: day)
        return view
    }

    /// The published feedback on the plan as a whole (`item` nil) or on one item, and the answering units' names.
    static func feedback(plan: UUID, item: UUID?, on db: any Database) async throws -> ([Feedback], [UUID: String]) {
        let shown = try await FeedbackService.shown(plan: plan, on: db).filter { $0.$item.id == item }
        let ids = Set(shown.compactMap { $0.$unit.id })
        let units = try await Organization.query(on: db).filter(\.$id ~~ ids).all()
        return (shown, Dictionary(uniqueKeysWithValues: units.map { ($0.id!, $0.name) }))
    }

    static func changed(_ f: Feedback) -> Date {
        [f.moderatedAt, f.answeredAt].compactMap { $0 }.max() ?? f.submittedAt
    }

    /// Today's form: the question of the day, the same for everyone (the page is cached).
    static func form(_ req: Request, plan: UUID, item: String?) -> FeedbackViews.FormModel {
        let day = req.application.publicPages.day(req.now)
        return .init(
            plan: plan, item: item,
            question: FeedbackService.question(key: req.application.auditKey, plan: plan, day: day),
            day: day, mail: req.application.luoshi.mail != nil)
    }

    /// A citizen's feedback: kept for moderation, then the thanks page. A mistake brings the form back with
    /// what was typed and what was wrong.
    @Sendable func submitFeedback(req: Request) async throws -> Response {
        let id = try Self.planID(req)
        let s = try req.content.decode(FeedbackService.Submission.self)
        do {
            var photo = try EvidenceStore.checkPhoto(req.upload?.files("photo") ?? [])
            if photo != nil { try EvidenceStore.stripMetadata(&photo!) }
            _ = try await FeedbackService.submit(
                s, plan: id, photo: photo, photoDirectory: req.application.luoshi.evidenceDirectory,
                address: req.clientAddress, key: req.application.auditKey, on: req.store, now: req.now)
        } catch let error as LuoshiError {
            return try await Self.formAgain(req, plan: id, item: s.item, error: error) { $0.values = s }
        }
        return req.redirect(to: .publicFeedbackReceived(id))
    }

    /// Asks to follow by e-mail; the page that says a mail is on its way. A mistake brings the form back.
    @Sendable func follow(req: Request) async throws -> Response {
        let id = try Self.planID(req)
        let r = try req.content.decode(Following.Request.self)
        do {
            try await Following.request(
                r, plan: id, address: req.clientAddress, key: req.application.auditKey,
                mailConfigured: req.application.luoshi.mail != nil, on: req.store, now: req.now)
        } catch let error as LuoshiError {
            return try await Self.formAgain(req, plan: id, item: r.item, error: error, following: true) {
                $0.followValues = r
            }
        }
        return req.redirect(to: .publicFollowRequested(id))
    }

    @Sendable func followRequested(req: Request) throws -> EventLoopFuture<Response> {
        let id = try Self.planID(req)
        return Self.serve(req, key: "followsent|\(id)", type: Self.html) {
            guard let release = try await Publication.latest(id, on: req.db) else {
                throw LuoshiError.notFound(entity: "公开的计划", id: id.uuidString)
            }
            return (FeedbackViews.Acknowledged.followRequested(id).document(Self.context(req)), release.releasedAt)
        }
    }

    /// A follower's page from the mail's link: never cached, the link's code is the only key to it.
    @Sendable func follower(req: Request) async throws -> Response {
        let key = req.application.auditKey
        let f = try await Following.find(
            req.parameters.get("followerID") ?? "", token: req.parameters.get("token") ?? "", key: key, on: req.db)
        let content = try await Publication.latest(f.$plan.id, on: req.db)?.content
        let item = f.$item.id.flatMap { id in content?.items.first { $0.id == id } }.map { "\($0.code) \($0.title)" }
        return Self.uncached(
            FeedbackViews.FollowerPage(
                follower: f, planTitle: content?.title ?? "", item: item, action: Following.path(f.id!, key: key)
            ).document(Self.context(req)))
    }

    /// Confirm or stop; a mail program's one-click unsubscribe (RFC 8058) posts `List-Unsubscribe=One-Click`.
    @Sendable func followerAction(req: Request) async throws -> Response {
        let key = req.application.auditKey
        let f = try await Following.find(
            req.parameters.get("followerID") ?? "", token: req.parameters.get("token") ?? "", key: key, on: req.db)
        let a = try req.content.decode(Following.Action.self)
        let oneClick = a.listUnsubscribe == "One-Click"
        guard oneClick || a.action == "confirm" || a.action == "stop" else {
            throw LuoshiError.invalid(field: "action", reason: "应为 confirm 或 stop (confirm or stop)")
        }
        let stop = oneClick || a.action == "stop"
        let view = stop ? nil : try await Publication.view(f.$plan.id, on: req.db, now: req.now)
        try await Following.act(f, stop: stop, view: view, on: req.store, now: req.now)
        if oneClick { return Response(status: .ok, body: .init(string: "unsubscribed\n")) }
        return req.redirect(to: .publicFollower(f.id!, token: Following.token(f.id!, key: key)))
    }

    /// A public form (feedback, or following) back with what was typed and what was wrong (422); any other
    /// error goes on to the error page. The title as released: a plan never released shows nothing of itself.
    static func formAgain(
        _ req: Request, plan: UUID, item: String?, error: LuoshiError, following: Bool = false,
        typed: (inout FeedbackViews.FormModel) -> Void
    ) async throws -> Response {
        guard case .invalid = error, let release = try await Publication.latest(plan, on: req.db),
            let content = release.content
        else { throw error }
        var model = Self.form(req, plan: plan, item: item)
        typed(&model)
        model.error = Self.context(req).t(error.message, error.message)
        return Self.uncached(
            FeedbackViews.FormPage(model: model, planTitle: content.title, following: following).document(
                Self.context(req)), status: .unprocessableEntity)
    }

    /// A page for one visitor (a form with their words, a follower's page): never kept by a cache.
    static func uncached(_ html: String, status: HTTPResponseStatus = .ok) -> Response {
        let r = Response(status: status, body: .init(string: html))
        r.headers.contentType = .html
        r.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return r
    }

    @Sendable func feedbackReceived(req: Request) throws -> EventLoopFuture<Response> {
        let id = try Self.planID(req)
        return Self.serve(req, key: "received|\(id)", type: Self.html) {
            guard let release = try await Publication.latest(id, on: req.db) else {
                throw LuoshiError.notFound(entity: "公开的计划", id: id.uuidString)
            }
            return (FeedbackViews.Acknowledged.feedbackReceived(id).document(Self.context(req)), release.releasedAt)
        }
    }

    /// One item's updates: what its followers subscribe to.
    @Sendable func itemFeed(req: Request) throws -> EventLoopFuture<Response> {
        let id = try Self.planID(req)
        let code = try Self.code(req)
        let now = req.now
        let base = PublicData.base(req)
        let type = HTTPMediaType(type: "application", subType: "atom+xml", parameters: ["charset": "utf-8"])
        return Self.serve(req, key: "itemfeed|\(id)|\(code)", type: type) {
            let db = req.db
            let view = try await Self.view(req, id, now: now)
            guard let item = view.live.first(where: { $0.code == code }) else {
                throw LuoshiError.notFound(entity: "事项", id: code)
            }
            let histories = [item.id: try await Publication.history(item, in: view, on: db).map(\.report)]
            let (feedback, _) = try await Self.feedback(plan: id, item: item.id, on: db)
            let feed = PublicData.atom(
                view, releases: [], histories: histories, base: base, item: item,
                answers: feedback.filter { $0.answer != nil })
            return (feed, view.lastChange)
        }
    }

    /// The 考核 results in 公示 or final: the ranking by group, as the units were told.
    @Sendable func assessment(req: Request) throws -> EventLoopFuture<Response> {
        let id = try Self.planID(req)
        let now = req.now
        return Self.serve(req, key: "assessment|\(id)", type: Self.html) {
            let db = req.db
            let view = try await Self.view(req, id, now: now)
            let rounds = try await AssessmentRound.query(on: db).filter(\.$plan.$id == id)
                .filter(\.$stage ~~ [.publicity, .final]).sort(\.$openedAt, .descending).all()
            var results: [(round: AssessmentRound, result: AssessmentService.Result)] = []
            for round in rounds {
                guard let day = round.day else { continue }
                let (result, _) = try await AssessmentRounds.current(
                    plan: view.plan, period: round.period, at: day, on: db)
                results.append((round, result))
            }
            let modified = ([view.release.releasedAt] + rounds.compactMap { $0.finalizedAt ?? $0.publishedAt }).max()!
            return (
                PublicPages.AssessmentResults(plan: id, title: view.content.title, results: results).document(
                    Self.context(req)), modified
            )
        }
    }

    /// An issued report to the people's congress, as a page or (`2015-H1.docx`) as Word. Never a draft.
    @Sendable func congress(req: Request) async throws -> Response {
        let id = try Self.planID(req)
        let file = req.parameters.get("file") ?? ""
        let word = file.hasSuffix(".docx")
        let period = word ? String(file.dropLast(5)) : file
        guard try await Publication.latest(id, on: req.db) != nil, let plan = try await Plan.find(id, on: req.db),
            let report = try await CongressReports.find(plan: id, period: period, on: req.db), report.issued,
            let content = report.content
        else { throw LuoshiError.notFound(entity: "报告", id: period) }
        if word {
            return ExportController.download(
                try CongressReports.docx(content, issuer: plan.issuer ?? "", issued: report.issuedAt),
                name: content.title + ".docx", type: CongressController.docx)
        }
        let r = Response(
            body: .init(
                string: CongressPage.Public(plan: id, planTitle: plan.title, report: report, content: content).document(
                    Self.context(req))))
        r.headers.contentType = .html
        return r
    }

    struct ReleaseForm: Content { var note: String? }

    /// Staff release the plan as it stands now.
    @Sendable func release(req: Request) async throws -> Response {
        let user = try req.user(.admin)
        let plan = try await PlanStore.find(req.parameters.get("planID"), on: req.db)
        let note = try req.content.decode(ReleaseForm.self).note ?? ""
        try await Publication.release(plan.id!, note: note, actor: user, on: req.store, now: req.now)
        return req.redirect(to: .publicPlan(plan.id!))
    }
}

/// Public pages by path and language, at the database version and day they were rendered for. Behind a
/// lock, not in an actor: a hit is answered on the event loop without a hop.
final class PublicPageCache: Sendable {
    struct Entry: Sendable {
        var version: Int
        var day: CivilDay
        var body: ByteBuffer
        var etag: String
        var lastModified: String
        var type: HTTPMediaType
    }

    private struct State {
        var entries: [String: Entry] = [:]
        var bytes = 0
        /// The database's version as last read, and when (real time); a write through this process
        /// clears it (`WriteInvalidationMiddleware`), another app server's shows within
        /// `SnapshotCache.revalidateAfter`.
        var version = -1
        var checkedAt = Date.distantPast
    }

    private let state = NIOLockedValueBox(State())
    /// The day of the last second asked about: a calendar's components are dear at every request.
    private let today = NIOLockedValueBox((second: Int.min, day: CivilDay(year: 2000, month: 1, day: 1)))

    func day(_ now: Date) -> CivilDay {
        let second = Int(now.timeIntervalSince1970.rounded(.down))
        if let hit = today.withLockedValue({ $0.second == second ? $0.day : nil }) { return hit }
        let day = CivilDay(now, calendar: .beijing)
        today.withLockedValue { $0 = (second, day) }
        return day
    }

    /// The entry, when the version read lately is the one it was rendered at.
    func fresh(_ key: String, day: CivilDay, at now: Date) -> Entry? {
        state.withLockedValue { s in
            guard now.timeIntervalSince(s.checkedAt) < SnapshotCache.revalidateAfter, let e = s.entries[key],
                e.version == s.version, e.day == day
            else { return nil }
            return e
        }
    }

    func entry(_ key: String, version: Int, day: CivilDay) -> Entry? {
        state.withLockedValue { s in
            guard let e = s.entries[key], e.version == version, e.day == day else { return nil }
            return e
        }
    }

    func setVersion(_ v: Int, at: Date) {
        state.withLockedValue { s in
            s.version = v
            s.checkedAt = at
        }
    }

    func invalidate() { state.withLockedValue { $0.checkedAt = .distantPast } }

    /// Forgets every page (what a page offers changed without a write: the site's configuration, in tests).
    func clear() {
        state.withLockedValue { s in
            s.entries.removeAll()
            s.bytes = 0
        }
    }

    /// How many pages are kept (for tests of the key).
    var count: Int { state.withLockedValue { $0.entries.count } }

    /// The version last read: what a page being rendered now is rendered at.
    var currentVersion: Int { state.withLockedValue { $0.version } }

    private let views = NIOLockedValueBox([UUID: (version: Int, day: CivilDay, view: PublicPlan)]())

    func view(_ plan: UUID, version: Int, day: CivilDay) -> PublicPlan? {
        views.withLockedValue { v in
            guard let hit = v[plan], hit.version == version, hit.day == day else { return nil }
            return hit.view
        }
    }

    func store(view: PublicPlan, version: Int, day: CivilDay) {
        views.withLockedValue { v in
            // A view a plan: a county's towns are a few hundred.
            if v.count >= 500 { v = v.filter { $0.value.version == version } }
            if v.count >= 500 { v.removeAll() }
            v[view.content.planID] = (version, day, view)
        }
    }

    /// At most this many bytes of pages are kept (a county's plans, both languages, with room to spare).
    static let maxBytes = 256 << 20

    func store(_ e: Entry, for key: String) {
        state.withLockedValue { s in
            // Past the cap, pages of older versions or days go first, then all: start again rather than grow.
            if s.bytes + e.body.readableBytes > Self.maxBytes || s.entries.count >= 20_000 {
                s.entries = s.entries.filter { $0.value.version == e.version && $0.value.day == e.day }
                s.bytes = s.entries.values.reduce(0) { $0 + $1.body.readableBytes }
                if s.bytes + e.body.readableBytes > Self.maxBytes || s.entries.count >= 20_000 {
                    s.entries.removeAll()
                    s.bytes = 0
                }
            }
            s.bytes += e.body.readableBytes - (s.entries[key]?.body.readableBytes ?? 0)
            s.entries[key] = e
        }
    }
}

struct PublicPageCacheKey: StorageKey { typealias Value = PublicPageCache }

extension Application {
    /// Made when the application is configured (`Configure`), so reading it is a plain storage lookup.
    var publicPages: PublicPageCache {
        if let cache = storage[PublicPageCacheKey.self] { return cache }
        let cache = PublicPageCache()
        storage[PublicPageCacheKey.self] = cache
        return cache
    }
}

/// An HTTP date (RFC 9110's IMF-fixdate), formatted by hand: it is made once per rendered page.
enum HTTPDate {
    static func format(_ d: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "GMT")!
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second, .weekday], from: d)
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(days[c.weekday! - 1]), \(two(c.day!)) \(months[c.month! - 1]) \(c.year!) "
            + "\(two(c.hour!)):\(two(c.minute!)):\(two(c.second!)) GMT"
    }
}
