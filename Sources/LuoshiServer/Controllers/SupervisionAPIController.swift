import Fluent
import Foundation
import LuoshiCore
import Vapor

/// Supervision under `/api/v1`: notices, the inbox, channels and deliveries, rules, the bulletin.
struct SupervisionAPIController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let api = routes.grouped("api", "v1")
        api.get("notices", use: list)
        api.post("notices", use: issue)
        api.get("notices", ":noticeID", use: show)
        for action in NoticeAction.allCases {
            api.on(
                .POST, "notices", ":noticeID", .constant(SiteURL.segment(action)),
                body: .collect(maxSize: action == .respond ? "60mb" : "1mb")
            ) { req in
                NoticeView(try await SupervisionController.act(action, req: req))
            }
        }
        api.get("inbox", use: inbox)
        api.post("inbox", ":messageID", "read", use: read)
        api.get("channels", use: channels)
        api.post("channels", use: addChannel)
        api.get("deliveries", use: deliveries)
        api.get("plans", ":planID", "supervision", use: rules)
        api.put("plans", ":planID", "supervision", use: saveRules)
        api.get("plans", ":planID", "bulletin", use: bulletin)
    }

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
        let state = req.query[String.self, at: "state"] ?? "all"
        guard ["open", "closed", "all"].contains(state) else {
            throw LuoshiError.invalid(field: "state", reason: "应为 open、closed 或 all")
        }
        var level: NoticeLevel?
        if let text = req.query[String.self, at: "level"] {
            guard let l = NoticeLevel(rawValue: text) else {
                throw LuoshiError.invalid(field: "level", reason: "应为 blue、yellow 或 red")
            }
            level = l
        }
        let item = try req.query[String.self, at: "item"].map {
            guard let id = UUID(uuidString: $0) else { throw LuoshiError.invalid(field: "item", reason: "不是有效的编号") }
            return id
        }
        return try await Notices.list(
            for: user, open: state == "all" ? nil : state == "open", level: level, item: item, on: req.db
        ).map { NoticeView($0) }
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
            var kind: String
            var title: String
            var body: String
            var link: String?
            var createdAt: Date
            var readAt: Date?
        }
    }

    @Sendable func inbox(req: Request) async throws -> InboxView {
        let user = try req.user()
        let messages = try await InboxMessage.query(on: req.db).filter(\.$user.$id == user.id!)
            .sort(\.$createdAt, .descending).limit(200).all()
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
        return try await NotificationChannel.query(on: req.db).sort(\.$createdAt).all().map(ChannelView.init)
    }

    @Sendable func addChannel(req: Request) async throws -> Response {
        let user = try req.user(.admin)
        let channel = try await Channels.add(
            req.content.decode(Channels.Input.self), by: user, on: req.store, now: req.now)
        let response = Response(status: .created)
        try response.content.encode(ChannelView(channel), as: .json)
        return response
    }

    struct DeliveryView: Content {
        var id: UUID
        var channel: UUID
        var event: String
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
        let q = Delivery.query(on: req.db).sort(\.$createdAt, .descending).limit(200)
        if let text = req.query[String.self, at: "state"] {
            guard let state = DeliveryState(rawValue: text) else {
                throw LuoshiError.invalid(field: "state", reason: "应为 queued、sending、sent 或 failed")
            }
            q.filter(\.$state == state)
        }
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

    struct BulletinView: Content {
        var plan: String
        var year: Int
        var month: Int
        var asOf: Date
        var units: [Bulletin.UnitRow]
        var totals: Bulletin.UnitRow
        var openNotices: PerLevel<Int>
        var changes: [Bulletin.Change]
        var mostOverdue: [Bulletin.Overdue]
    }

    @Sendable func bulletin(req: Request) async throws -> BulletinView {
        let b = try await SupervisionController().loadBulletin(req)
        return BulletinView(
            plan: b.planTitle, year: b.year, month: b.month, asOf: b.asOf, units: b.units, totals: b.totals,
            openNotices: b.open, changes: b.changes, mostOverdue: b.mostOverdue)
    }
}
