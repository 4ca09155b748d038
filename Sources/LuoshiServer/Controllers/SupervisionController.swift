import Fluent
import Foundation
import LuoshiCore
import Vapor

/// Pages of supervision: notices (督办单) and their print and Word forms, the inbox, a plan's rules, the
/// notification channels and their delivery log, the monthly bulletin.
struct SupervisionController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("notices", use: list)
        routes.get("notices", "new", use: newForm)
        routes.post("notices", use: issue)
        routes.post("notices", "bulk", use: bulk)
        routes.get("notices", ":noticeID", use: show)
        routes.get("notices", ":noticeID", "print", use: printable)
        routes.get("notices", ":noticeID", "docx", use: docx)
        for action in NoticeAction.allCases {
            // A response may carry evidence files.
            routes.upload(
                "notices", ":noticeID", .constant(SiteURL.segment(action)), maxBytes: Limits.noticeStep(action),
                from: NoticeAction.actors(action)
            ) { req in
                try await act(action, req: req)
            }
        }
        routes.get("notice-evidence", ":noticeEvidenceID", use: evidence)
        routes.get("inbox", use: inbox)
        routes.post("inbox", ":messageID", "read", use: markRead)
        routes.post("inbox", "read-all", use: markAllRead)
        routes.get("plans", ":planID", "supervision", use: rules)
        routes.post("plans", ":planID", "supervision", use: saveRules)
        routes.get("channels", use: channels)
        routes.post("channels", use: addChannel)
        routes.post("channels", ":channelID", "toggle", use: toggleChannel)
        routes.get("plans", ":planID", "bulletin", use: bulletin)
        routes.get("plans", ":planID", "bulletin.docx", use: bulletinDocx)
    }

    // MARK: notices

    @Sendable func list(req: Request) async throws -> Response {
        let user = try req.user()
        let filter = req.query[String.self, at: "state"].flatMap(NoticeList.Filter.init(rawValue:)) ?? .open
        let filters = SiteURL.NoticeFilters(
            text: req.query[String.self, at: "q"].map { String($0.prefix(100)) }.flatMap { $0.isEmpty ? nil : $0 },
            unit: req.query[String.self, at: "unit"].flatMap(UUID.init(uuidString:)),
            level: req.query[String.self, at: "level"].flatMap(NoticeLevel.init(rawValue:)),
            overdueOnly: req.query[String.self, at: "overdue"] == "1")
        let (notices, page) = try await Notices.list(
            for: user, open: filter == .all ? nil : filter == .open, level: filters.level, unit: filters.unit,
            overdueAt: filters.overdueOnly ? req.now : nil, text: filters.text, page: req.query[Int.self, at: "page"],
            on: req.db)
        var rows = notices.map(NoticeList.Row.init)
        // A county's list holds several towns' notices, each numbered by its town from 1 and sent to units of
        // common names: the unit is written with its town's name (三厂镇·党政办) where the page spans towns.
        let governments = Set(notices.compactMap { $0.$government.id })
        if governments.count > 1 {
            let names = Dictionary(
                try await Organization.query(on: req.db).filter(\.$id ~~ governments).all().map { ($0.id!, $0.name) },
                uniquingKeysWith: { a, _ in a })
            for (i, n) in notices.enumerated() {
                if let g = n.$government.id, g != n.$unit.id, let name = names[g] {
                    rows[i].unit = name + UnitNames.separator + rows[i].unit
                }
            }
        }
        // A reporter sees their own unit's notices only: no unit to choose. Others choose one level of the
        // tree at a time (a unit includes the units under it).
        let units =
            user.role == .reporter
            ? UnitChoices(upper: [], level: []) : try await DirectoryController.unitChoices(req, around: filters.unit)
        return req.render(
            NoticeList.View(
                model: .init(
                    filter: filter, filters: filters, units: units, rows: rows, mayIssue: user.role == .admin,
                    page: page)))
    }

    @Sendable func newForm(req: Request) async throws -> Response {
        let user = try req.user(.admin)
        guard let chosen = req.query[String.self, at: "item"], !chosen.isEmpty else {
            var choice = try await Notices.candidates(
                matching: String((req.query[String.self, at: "q"] ?? "").prefix(100)), for: user, on: req.db,
                now: req.now, snapshot: { try await PlanSnapshot.load($0, for: req).0 })
            choice.selectAll = req.query[String.self, at: "all"] == "1"
            return req.render(NoticeNew.Picker(model: choice))
        }
        try await req.requireReach("itemID", chosen)
        let item = try await PlanStore.findItem(chosen, on: req.db)
        let assignment = try await Assignment.query(on: req.db).filter(\.$item.$id == item.id!).first()
        // A notice goes to one of the plan's own government's units (Notices.issue holds to it).
        let plan = try await PlanStore.find(item.$plan.id.uuidString, on: req.db)
        let named = Set([assignment?.$leadUnit.id].compactMap { $0 } + (assignment?.cooperating ?? []))
        let units = try await DirectoryController.planUnits(req, serving: plan, naming: named).offered
        return req.render(
            NoticeNew.View(
                model: .init(
                    item: item.id!, itemTitle: item.title,
                    units: units,
                    leadUnit: assignment?.$leadUnit.id)))
    }

    @Sendable func issue(req: Request) async throws -> Response {
        let user = try req.user(.admin)
        let input = try req.content.decode(Notices.Issue.self)
        let notice = try await Notices.issue(input, by: user, on: req.store, now: req.now)
        return req.redirect(to: .notice(notice.id!))
    }

    struct BulkForm: Content {
        var items: [String]?
        /// "remind" or "notice".
        var action: String
        var note: String?
        var level: NoticeLevel?
        var reason: String?
        var requiredAction: String?
        var respondBy: String?
    }

    /// Many items at once, from the list of items most behind: a reminder to each lead unit, or a notice.
    @Sendable func bulk(req: Request) async throws -> Response {
        let user = try req.user(.admin)
        let form = try req.content.decode(BulkForm.self)
        let ids = Array(Set((form.items ?? []).compactMap(UUID.init(uuidString:))))
        guard !ids.isEmpty else { throw LuoshiError.invalid(field: "事项", reason: "请至少选择一项 (select at least one item)") }
        let outcomes: [BulkSupervision.Outcome]
        let isNotice: Bool
        switch form.action {
        case "remind":
            isNotice = false
            outcomes = try await BulkSupervision.remind(ids, note: form.note, by: user, on: req.store, now: req.now)
        case "notice":
            isNotice = true
            outcomes = try await BulkSupervision.issue(
                ids, level: form.level ?? .yellow, reason: form.reason ?? "", requiredAction: form.requiredAction ?? "",
                respondBy: form.respondBy, by: user, on: req.store, now: req.now)
        default:
            throw LuoshiError.invalid(field: "action", reason: "应为 remind 或 notice (remind or notice)")
        }
        return req.render(NoticeNew.BulkDone(model: .init(isNotice: isNotice, outcomes: outcomes)))
    }

    /// A step's words and, for a response, its evidence files (a form, or a JSON body without files).
    struct ActForm: Content {
        var text: String?
        var evidence: [File]?
    }

    static func act(_ action: NoticeAction, req: Request) async throws -> SupervisionNotice {
        let user = try req.user()
        let form =
            (req.body.data?.readableBytes ?? 0) == 0
            ? ActForm(text: nil, evidence: nil)
            : req.headers.contentType == .json
                ? ActForm(text: try req.content.decode(SupervisionAPIController.NoticeStep.self).text, evidence: nil)
                : try req.content.decode(ActForm.self)
        return try await Notices.act(
            action, on: req.parameters.get("noticeID"), text: form.text,
            evidence: try req.evidence(),
            evidenceDirectory: req.application.luoshi.evidenceDirectory, by: user, on: req.store, now: req.now)
    }

    func act(_ action: NoticeAction, req: Request) async throws -> Response {
        let notice = try await Self.act(action, req: req)
        return req.redirect(to: .notice(notice.id!))
    }

    @Sendable func evidence(req: Request) async throws -> Response {
        let user = try req.user()
        guard let id = req.parameters.get("noticeEvidenceID").flatMap(UUID.init(uuidString:)),
            let file = try await NoticeEvidence.query(on: req.db).filter(\.$id == id).with(\.$notice).first()
        else { throw LuoshiError.notFound(entity: "证明材料", id: req.parameters.get("noticeEvidenceID") ?? "") }
        guard Visibility.mayRead(file.notice, user) else { throw LuoshiError.forbidden(reason: "无权查看该证明材料") }
        return try EvidenceStore.download(
            id, filename: file.filename, contentType: file.contentType,
            directory: req.application.luoshi.evidenceDirectory)
    }

    @Sendable func show(req: Request) async throws -> Response {
        let user = try req.user()
        let n = try await Notices.find(req.parameters.get("noticeID"), for: user, on: req.db)
        let history = try await Notices.history(of: n, on: req.db)
        let files = try await NoticeEvidence.query(on: req.db).filter(\.$notice.$id == n.id!).sort(\.$uploadedAt).all()
        let names = try await ActorNames.load(history.map(\.actor), on: req.db)
        let steps = history.map { e in
            NoticeShow.Step(
                at: e.at, actor: names.name(e.actor, Lang(req)),
                action: AuditAction(rawValue: e.action)?.words ?? (e.action, e.action),
                text: (try? JSONDecoder().decode([String: String].self, from: Data((e.after ?? "{}").utf8)))?["text"])
        }
        let isUnit = Notices.isUnit(user, of: n)
        let staff = user.role == .admin && n.state.isOpen
        let allowed = NoticeShow.Allowed(
            sign: isUnit && n.state == .issued, respond: isUnit && (n.state == .issued || n.state == .signed),
            sendBack: staff && n.state == .responded, close: staff)
        return req.render(
            NoticeShow.View(
                model: .init(
                    notice: n, files: files.map { .init(id: $0.id!, filename: $0.filename, uploadedAt: $0.uploadedAt) },
                    steps: steps, allowed: allowed)))
    }

    /// The notice on one printed page, with the office's masthead.
    @Sendable func printable(req: Request) async throws -> Response {
        let user = try req.user()
        let n = try await Notices.find(req.parameters.get("noticeID"), for: user, on: req.db)
        let plan = try await PlanStore.find(n.$plan.id.uuidString, on: req.db)
        return req.render(
            NoticePrint.View(
                model: .init(notice: n, issuer: plan.issuer ?? "", deadline: Notices.deadlineSentence(n))))
    }

    @Sendable func docx(req: Request) async throws -> Response {
        let user = try req.user()
        let n = try await Notices.find(req.parameters.get("noticeID"), for: user, on: req.db)
        let plan = try await PlanStore.find(n.$plan.id.uuidString, on: req.db)
        return Self.download(try Notices.docx(n, issuer: plan.issuer ?? ""), name: "\(n.number).docx")
    }

    static func download(_ data: Data, name: String) -> Response {
        let response = Response(status: .ok, body: .init(data: data))
        response.headers.replaceOrAdd(
            name: .contentType, value: "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
        let encoded = ContentDisposition.encode(name)
        response.headers.replaceOrAdd(
            name: .contentDisposition, value: "attachment; filename=\"luoshi.docx\"; filename*=UTF-8''\(encoded)")
        return response
    }

    // MARK: inbox

    @Sendable func inbox(req: Request) async throws -> Response {
        let user = try req.user()
        let mine = InboxMessage.query(on: req.db).filter(\.$user.$id == user.id!)
        let page = req.paging(total: try await mine.copy().count())
        let messages = try await mine.sort(\.$createdAt, .descending).sort(\.$id).range(page.rows).all()
        return req.render(
            InboxPage.View(
                model: .init(
                    page: page,
                    messages: messages.map {
                        .init(
                            id: $0.id!, title: $0.title, body: $0.body, link: $0.link, createdAt: $0.createdAt,
                            unread: $0.readAt == nil)
                    })))
    }

    @Sendable func markRead(req: Request) async throws -> Response {
        let user = try req.user()
        try await Inbox.markRead(req.parameters.get("messageID"), user: user, on: req.db, now: req.now)
        return req.redirect(to: .inbox)
    }

    @Sendable func markAllRead(req: Request) async throws -> Response {
        let user = try req.user()
        try await Inbox.markRead(nil, user: user, on: req.db, now: req.now)
        return req.redirect(to: .inbox)
    }

    // MARK: rules

    @Sendable func rules(req: Request) async throws -> Response {
        let user = try req.user()
        let plan = try await PlanStore.find(req.parameters.get("planID"), visibleTo: user, on: req.db)
        let settings = try await PlanSupervision.query(on: req.db).filter(\.$plan.$id == plan.id!).first()
        // The plan's principal leader is one of its own government's leaders, not any of the province's.
        let leaders = try await req.carrying(plan).people([.leader], on: req.db).sort(\.$createdAt).all()
        return req.render(
            SupervisionRulesPage.View(
                model: .init(
                    plan: plan.id!, planTitle: plan.title, rules: settings?.rules ?? .standard,
                    leaders: leaders.map { ($0.id!, $0.displayName) },
                    principal: settings?.$principalLeader.id ?? leaders.first?.id, editable: user.role == .admin)))
    }

    @Sendable func saveRules(req: Request) async throws -> Response {
        let user = try req.user(.admin)
        let plan = try await PlanStore.find(req.parameters.get("planID"), on: req.db)
        let form = try req.content.decode([String: String].self)
        func int(_ key: String) throws -> Int {
            guard let v = form[key].flatMap({ Int($0.trimmingCharacters(in: .whitespaces)) }) else {
                throw LuoshiError.invalid(field: key, reason: "应为整数")
            }
            return v
        }
        var r = SupervisionRules.standard
        r.dueDay = try int("dueDay")
        r.weeklyDueWeekday = try int("weeklyDueWeekday")
        r.remindDaysBefore = try int("remindDaysBefore")
        r.leaderAfterDaysLate = try int("leaderAfterDaysLate")
        r.reminderWindowDays = try int("reminderWindowDays")
        r.missedAfterDays = try int("missedAfterDays")
        r.behindThreshold = Double(try int("behindThreshold")) / 100
        r.automaticNotices = form["automaticNotices"] == "on"
        for level in NoticeLevel.allCases {
            r.responseDays[level] = try int("response_\(level.rawValue)")
            r.principalAfterDays[level] = try int("principal_\(level.rawValue)")
        }
        var principal: UUID?
        if let text = form["principal"], !text.isEmpty {
            guard let id = UUID(uuidString: text) else { throw LuoshiError.invalid(field: "主要领导", reason: "应为一位领导") }
            principal = id
        }
        try await SupervisionSettings.save(r, principal: principal, plan: plan, by: user, on: req.store, now: req.now)
        return req.redirect(to: .rules(plan: plan.id!))
    }

    // MARK: channels

    @Sendable func channels(req: Request) async throws -> Response {
        _ = try req.user(.admin)
        // A channel is added for the office's own government or a unit directly under it.
        let units = try await DirectoryController.unitChoices(req, around: nil)
        let list = try await req.readableChannels()
        let channelIDs = list.compactMap(\.id)
        // Mail to followers is the public's, not staff's, to read.
        let recent = try await Delivery.query(on: req.db).filter(\.$event !~ MessageKind.toPublic)
            .filter(\.$channel.$id ~~ channelIDs).with(\.$channel).sort(\.$createdAt, .descending).limit(50).all()
        return req.render(
            ChannelsPage.View(
                model: .init(
                    channels: list.map { c in
                        .init(
                            id: c.id!, name: c.name, kind: c.kind, maskedTarget: Channels.masked(c.target),
                            owner: c.organization?.name ?? c.user?.displayName ?? "", active: c.active)
                    },
                    deliveries: recent.map { d in
                        .init(
                            createdAt: d.createdAt, channel: d.channel.name, title: d.title, state: d.state,
                            attempts: d.attempts, lastError: d.lastError)
                    }, units: units)))
    }

    @Sendable func addChannel(req: Request) async throws -> Response {
        let user = try req.user(.admin)
        let input = try req.content.decode(Channels.Input.self)
        _ = try await Channels.add(
            input, by: user, allowedHosts: req.application.luoshi.delivery.allowedHosts, on: req.store, now: req.now)
        return req.redirect(to: .channels)
    }

    @Sendable func toggleChannel(req: Request) async throws -> Response {
        let user = try req.user(.admin)
        try await Channels.toggle(req.parameters.get("channelID"), by: user, on: req.store, now: req.now)
        return req.redirect(to: .channels)
    }

    // MARK: bulletin

    /// Every signed-in person may read it: the office circulates it to the units too.
    /// The month of a bulletin: 2015-06; this month when left out.
    struct BulletinQuery: Decodable, SchemaConstraints {
        var month: String?
        static let constraints: [String: [(String, JSONValue)]] = [
            "month": [("pattern", "^((19\\d\\d|2[01]\\d\\d|2200)-(0[1-9]|1[0-2]))?$"), ("example", "2015-06")]
        ]
    }

    func loadBulletin(_ req: Request) async throws -> Bulletin {
        let plan = try await PlanStore.find(req.parameters.get("planID"), visibleTo: try req.user(), on: req.db)
        let month = try Bulletin.month(try req.query.decode(BulletinQuery.self).month, default: req.now)
        return try await Bulletin.build(plan: plan, year: month.year, month: month.month, on: req.db, now: req.now)
    }

    @Sendable func bulletin(req: Request) async throws -> Response {
        let b = try await loadBulletin(req)
        let plan = try req.parameters.require("planID", as: UUID.self)
        return req.render(BulletinPage.View(model: .init(plan: plan, bulletin: b)))
    }

    @Sendable func bulletinDocx(req: Request) async throws -> Response {
        let b = try await loadBulletin(req)
        return Self.download(try b.docx(), name: "督查督办月通报\(b.year)年\(b.month)月.docx")
    }
}
