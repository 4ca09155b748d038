import Fluent
import Foundation
import LuoshiCore
import Vapor

/// Supervision under `/api/v1`: notices, the inbox, channels and deliveries, rules, the bulletin.
struct SupervisionAPIController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let api = routes.grouped("api", "v1")
        api.get("notices", use: list).documented(
            .init(
                summary: "Supervision notices the user may read (a unit: its own)", response: [NoticeView].self,
                query: NoticeQuery.self))
        api.post("notices", use: issue).documented(
            .init(
                summary: "Issue a notice (督办单)", roles: [.admin], request: [.json(Notices.Issue.self)],
                status: .created,
                response: NoticeView.self, errors: [.notFound]))
        api.get("notices", ":noticeID", use: show).documented(
            .init(summary: "A notice with its steps", response: NoticeView.self))
        for action in NoticeAction.allCases {
            api.upload(
                "notices", ":noticeID", .constant(SiteURL.segment(action)), maxBytes: Limits.noticeStep(action),
                from: NoticeAction.actors(action)
            ) { req in
                NoticeView(try await SupervisionController.act(action, req: req))
            }.documented(
                .init(
                    summary: Self.summaries[action]!, roles: NoticeAction.actors(action),
                    request: action == .respond
                        ? [.json(NoticeWords.self), .multipart(RespondForm.self)]
                        : [.json(action == .sendBack ? NoticeWords.self : NoticeStep.self)],
                    requestRequired: action == .respond || action == .sendBack, response: NoticeView.self,
                    errors: [.conflict]))
        }
        api.get("inbox", use: inbox).documented(
            .init(summary: "The user's messages and unread count", response: InboxView.self, query: InboxQuery.self))
        api.post("inbox", ":messageID", "read", use: read).documented(
            .init(summary: "Mark a message read", status: .noContent))
        api.get("channels", use: channels).documented(
            .init(summary: "Notification channels", roles: [.admin], response: [ChannelView].self))
        api.post("channels", use: addChannel).documented(
            .init(
                summary: "Add a channel for a unit or a user", roles: [.admin], request: [.json(Channels.Input.self)],
                status: .created, response: ChannelView.self))
        api.get("deliveries", use: deliveries).documented(
            .init(
                summary: "Recent deliveries with every attempt", roles: [.admin], response: [DeliveryView].self,
                query: DeliveryQuery.self))
        api.get("plans", ":planID", "supervision", use: rules).documented(
            .init(summary: "A plan's supervision rules", response: RulesView.self))
        api.put("plans", ":planID", "supervision", use: saveRules).documented(
            .init(
                summary: "Set a plan's supervision rules", roles: [.admin], request: [.json(RulesView.self)],
                response: RulesView.self))
        api.get("plans", ":planID", "bulletin", use: bulletin).documented(
            .init(
                summary: "The monthly bulletin (月通报)", response: BulletinView.self,
                query: SupervisionController.BulletinQuery.self))
    }

    static let summaries: [NoticeAction: String] = [
        .sign: "Sign for a notice (a reporter of its unit)",
        .respond: "Respond with what was done, with evidence files (a reporter of its unit)",
        .close: "Close a notice, with a closing note", .sendBack: "Send a response back with the reason",
    ]

    /// The text of a step on a notice: the response, the reason for sending it back, a closing note.
    struct NoticeStep: Decodable, SchemaConstraints {
        static let constraints: [String: [(String, JSONValue)]] = ["text": [("maxLength", 10_000)]]
        var text: String?
    }

    /// What the API document says a response or a sending back needs: words (the handler decodes
    /// `NoticeStep` and `Notices.act` says which steps need them).
    struct NoticeWords: Decodable, SchemaConstraints {
        static let constraints: [String: [(String, JSONValue)]] = ["text": text(max: 10_000)]
        var text: String
    }

    /// A response with evidence files, as a form.
    struct RespondForm: Decodable, SchemaConstraints {
        static let constraints: [String: [(String, JSONValue)]] = ["text": text(max: 10_000)]
        var text: String
        var evidence: [File]?
    }

    enum NoticeFilter: String, Decodable, CaseIterable { case open, closed, all }

    struct NoticeQuery: Decodable, SchemaConstraints {
        static let constraints = SupervisionAPIController.pageConstraints
        var state: NoticeFilter?
        var level: NoticeLevel?
        var item: UUID?
        /// 200 to a page, newest first.
        var page: Int?
    }

    /// The `page` an API list accepts: documented once, checked once.
    static let pages = 1...100_000
    static let pageConstraints: [String: [(String, JSONValue)]] = [
        "page": [("minimum", .number(Double(pages.lowerBound))), ("maximum", .number(Double(pages.upperBound)))]
    ]

    static func checkPage(_ page: Int?) throws {
        if let page, !pages.contains(page) {
            throw LuoshiError.invalid(field: "page", reason: "应为 1 到 100000 (1 to 100000)")
        }
    }

    /// An inbox, 200 messages to a page, newest first.
    struct InboxQuery: Decodable, SchemaConstraints {
        static let constraints = SupervisionAPIController.pageConstraints
        var page: Int?
    }

    struct DeliveryQuery: Decodable { var state: DeliveryState? }

    struct NoticeView: Content {
        var id: UUID
        var number: String
        var plan: UUID
        var item: UUID
        var itemTitle: String
        var unit: UUID
        var unitName: String
        var level: NoticeLevel
        var reason: String
        var requiredAction: String
        var respondBy: String
        var state: NoticeState
        var escalation: Int
        var automatic: Bool
        var trigger: String?
        var issuedAt: Date
        var signedAt: Date?
        var response: String?
        var respondedAt: Date?
        var returnReason: String?
        var closedAt: Date?
        var closingNote: String?
        var history: [Step]?

        struct Step: Content {
            var at: Date
            var actor: String
            var action: String
            var after: String?
        }

        init(_ n: SupervisionNotice, history: [AuditEntry]? = nil) {
            id = n.id!
            number = n.number
            plan = n.$plan.id
            item = n.$item.id
            itemTitle = n.$item.value?.title ?? ""
            unit = n.$unit.id
            unitName = n.$unit.value?.name ?? ""
            level = n.level
            reason = n.reason
            requiredAction = n.requiredAction
            respondBy = n.respondByDay.description
            state = n.state
            escalation = n.escalation
            automatic = n.triggerKey != nil
            trigger = n.triggerKey
            issuedAt = n.issuedAt
            signedAt = n.signedAt
            response = n.response
            respondedAt = n.respondedAt
            returnReason = n.returnReason
            closedAt = n.closedAt
            closingNote = n.closingNote
            self.history = history?.map { Step(at: $0.at, actor: $0.actor, action: $0.action, after: $0.after) }
        }
    }

    @Sendable func list(req: Request) async throws -> [NoticeView] {
        let user = try req.user()
        let q = try req.query.decode(NoticeQuery.self)
        try Self.checkPage(q.page)
        let state = q.state ?? .all
        let found = try await Notices.list(
            for: user, open: state == .all ? nil : state == .open, level: q.level, item: q.item, page: q.page,
            perPage: 200, on: req.db)
        // Past the last page, nothing (as the inbox answers), not the last page again: a client that
        // pages until a page comes back empty must stop.
        if let asked = q.page, asked > found.page.of { return [] }
        return found.notices.map { NoticeView($0) }
    }

    @Sendable func issue(req: Request) async throws -> Response {
        let user = try req.user(.admin)
        let notice = try await Notices.issue(
            req.content.decode(Notices.Issue.self), by: user, on: req.store, now: req.now)
        let full = try await Notices.find(notice.id!.uuidString, for: user, on: req.db)
        let response = Response(status: .created)
        try response.content.encode(NoticeView(full), as: .json)
        return response
    }

    @Sendable func show(req: Request) async throws -> NoticeView {
        let user = try req.user()
        let n = try await Notices.find(req.parameters.get("noticeID"), for: user, on: req.db)
        return NoticeView(n, history: try await Notices.history(of: n, on: req.db))
    }

    struct InboxView: Content {
        var unread: Int
        var messages: [Message]

        struct Message: Content {
            var id: UUID
            var kind: MessageKind
            var title: String
            var body: String
            var link: String?
            var createdAt: Date
            var readAt: Date?
        }
    }

    @Sendable func inbox(req: Request) async throws -> InboxView {
        let user = try req.user()
        let requested = try req.query.decode(InboxQuery.self).page
        try Self.checkPage(requested)
        let page = requested ?? 1
        let messages = try await InboxMessage.query(on: req.db).filter(\.$user.$id == user.id!)
            .sort(\.$createdAt, .descending).sort(\.$id).range(((page - 1) * 200)..<(page * 200)).all()
        return InboxView(
            unread: try await Inbox.unread(user, on: req.db),
            messages: messages.map {
                .init(
                    id: $0.id!, kind: $0.kind, title: $0.title, body: $0.body, link: $0.link, createdAt: $0.createdAt,
                    readAt: $0.readAt)
            })
    }

    @Sendable func read(req: Request) async throws -> HTTPStatus {
        let user = try req.user()
        try await Inbox.markRead(req.parameters.get("messageID"), user: user, on: req.db, now: req.now)
        return .noContent
    }

    struct ChannelView: Content {
        var id: UUID
        var name: String
        var kind: ChannelKind
        var target: String
        var organization: UUID?
        var user: UUID?
        var active: Bool
        var signed: Bool

        init(_ c: NotificationChannel) {
            id = c.id!
            name = c.name
            kind = c.kind
            target = Channels.masked(c.target)
            organization = c.$organization.id
            user = c.$user.id
            active = c.active
            signed = c.secret != nil
        }
    }

    @Sendable func channels(req: Request) async throws -> [ChannelView] {
        _ = try req.user(.admin)
        return try await req.readableChannels().map(ChannelView.init)
    }

    @Sendable func addChannel(req: Request) async throws -> Response {
        let user = try req.user(.admin)
        let channel = try await Channels.add(
            req.content.decode(Channels.Input.self), by: user,
            allowedHosts: req.application.luoshi.delivery.allowedHosts, on: req.store, now: req.now)
        let response = Response(status: .created)
        try response.content.encode(ChannelView(channel), as: .json)
        return response
    }

    struct DeliveryView: Content {
        var id: UUID
        var channel: UUID
        var event: MessageKind
        var title: String
        var state: DeliveryState
        var attempts: [Attempt]
        var nextAttemptAt: Date
        var deliveredAt: Date?

        struct Attempt: Content {
            var at: Date
            var ok: Bool
            var status: Int?
            var answer: String
            var durationMs: Int
        }
    }

    @Sendable func deliveries(req: Request) async throws -> [DeliveryView] {
        _ = try req.user(.admin)
        // Mail to followers is the public's, not staff's, to read.
        let channels = try await req.readableChannels().compactMap(\.id)
        let q = Delivery.query(on: req.db).filter(\.$event !~ MessageKind.toPublic).filter(\.$channel.$id ~~ channels)
            .sort(\.$createdAt, .descending).limit(200)
        if let state = try req.query.decode(DeliveryQuery.self).state { q.filter(\.$state == state) }
        let list = try await q.all()
        let attempts = try await DeliveryAttempt.query(on: req.db).filter(\.$delivery.$id ~~ list.compactMap(\.id))
            .sort(\.$at).all()
        var byDelivery: [UUID: [DeliveryView.Attempt]] = [:]
        for a in attempts {
            byDelivery[a.$delivery.id, default: []].append(
                .init(at: a.at, ok: a.ok, status: a.status, answer: a.answer, durationMs: a.durationMs))
        }
        return list.map {
            DeliveryView(
                id: $0.id!, channel: $0.$channel.id, event: $0.event, title: $0.title, state: $0.state,
                attempts: byDelivery[$0.id!] ?? [], nextAttemptAt: $0.nextAttemptAt, deliveredAt: $0.deliveredAt)
        }
    }

    struct RulesView: Content {
        var rules: SupervisionRules
        var principalLeader: UUID?
    }

    @Sendable func rules(req: Request) async throws -> RulesView {
        let plan = try await PlanStore.find(req.parameters.get("planID"), visibleTo: try req.user(), on: req.db)
        let settings = try await PlanSupervision.query(on: req.db).filter(\.$plan.$id == plan.id!).first()
        return RulesView(rules: settings?.rules ?? .standard, principalLeader: settings?.$principalLeader.id)
    }

    @Sendable func saveRules(req: Request) async throws -> RulesView {
        let user = try req.user(.admin)
        let plan = try await PlanStore.find(req.parameters.get("planID"), on: req.db)
        let body = try req.content.decode(RulesView.self)
        try await SupervisionSettings.save(
            body.rules, principal: body.principalLeader, plan: plan, by: user, on: req.store, now: req.now)
        return body
    }

    struct LevelCounts: Content {
        var blue: Int
        var yellow: Int
        var red: Int
    }

    struct BulletinView: Content {
        var plan: String
        var year: Int
        var month: Int
        var asOf: Date
        var units: [Bulletin.UnitRow]
        var totals: Bulletin.UnitRow
        var openNotices: LevelCounts
        var changes: [Bulletin.Change]
        var mostOverdue: [Bulletin.Overdue]
    }

    @Sendable func bulletin(req: Request) async throws -> BulletinView {
        let b = try await SupervisionController().loadBulletin(req)
        return BulletinView(
            plan: b.planTitle, year: b.year, month: b.month, asOf: b.asOf, units: b.units, totals: b.totals,
            openNotices: LevelCounts(blue: b.open.blue, yellow: b.open.yellow, red: b.open.red), changes: b.changes,
            mostOverdue: b.mostOverdue)
    }
}
