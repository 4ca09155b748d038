import Fluent
import Foundation
import LuoshiCore
import Vapor

/// An item's page, filing reports, comments and instructions, the review queue, a unit's tasks.
struct ItemController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("items", ":itemID", use: show)
        routes.upload("items", ":itemID", "reports", maxBytes: Limits.evidence, from: [.reporter], use: fileReport)
        routes.get("evidence", ":evidenceID", use: evidence)
        routes.post("items", ":itemID", "comments", use: comment)
        routes.get("reviews", use: queue)
        routes.post("reviews", "accept", use: acceptMany)
        routes.post("reports", ":reportID", "accept", use: accept)
        routes.post("reports", ":reportID", "return", use: giveBack)
        routes.get("my", use: mine)
        routes.post("items", ":itemID", "milestones", use: addMilestone)
        routes.post("milestones", ":milestoneID", "reach", use: reachMilestone)
    }

    /// The periods the unit may report for now (missed first, then the next), so the form offers a
    /// choice instead of a text to type.
    func owedPeriods(_ a: Assignment?, plan: Plan, on db: any Database, now: Date) async throws -> [(
        period: DuePeriod, overdue: Bool
    )] {
        guard let a, let unit = a.$leadUnit.id else { return [] }
        let rules = try await Notices.rules(for: plan.id!, on: db)
        let periods = a.duePeriods(year: plan.year, rules: rules)
        let reported = Set(
            try await ProgressReport.query(on: db).filter(\.$item.$id == a.$item.id).filter(\.$unit.$id == unit)
                .filter(\.$state ~~ [.submitted, .accepted]).field(\.$period).all().map(\.period))
        return ReportingCalendar.owed(periods, reported: reported, today: CivilDay(now, calendar: .beijing))
    }

    @Sendable func show(req: Request) async throws -> Response {
        let user = try req.user()
        let item = try await PlanStore.findItem(req.parameters.get("itemID"), on: req.db)
        let plan = try await PlanStore.find(item.$plan.id.uuidString, on: req.db)
        guard Visibility.mayRead(plan, user) else { throw LuoshiError.notFound(entity: "事项", id: item.id!.uuidString) }
        let (snapshot, _) = try await PlanSnapshot.load(plan, for: req)
        // Reports a page at a time, newest first: an item with years of weekly reports stays one page.
        let readable = Visibility.readable(ProgressReport.query(on: req.db).filter(\.$item.$id == item.id!), by: user)
        let reportCount = try await readable.copy().count()
        let page = req.paging("reports", total: reportCount)
        let reports = try await readable.with(\.$author).with(\.$unit).sort(\.$submittedAt, .descending)
            .sort(\.$id).range(page.rows).all()
            .filter { Visibility.mayRead($0, user) }
        let files = try await Evidence.query(on: req.db).filter(\.$report.$id ~~ reports.compactMap(\.id)).all()
        let comments = try await Comment.query(on: req.db).filter(\.$item.$id == item.id!).with(\.$author)
            .sort(\.$createdAt).all()
        let assignment = snapshot.assignments[item.id!]
        let unitIDs = [assignment?.$leadUnit.id].compactMap { $0 } + (assignment?.cooperating ?? [])
        let units = try await Organization.query(on: req.db).filter(\.$id ~~ unitIDs).all()
        let leader = try await assignment?.$leadLeader.get(on: req.db)
        let notices = try await Notices.list(for: user, open: nil, level: nil, item: item.id!, perPage: 200, on: req.db)
            .notices
        var retired: ItemShow.Retirement?
        if let at = item.retiredAt {
            // The audit log keeps the login name; people know each other by their display names.
            let by = try await item.retiredBy.asyncMap { name in
                try await User.query(on: req.db).filter(\.$username == name).first()?.displayName ?? name
            }
            retired = .init(at: at, by: by ?? "", reason: item.retiredReason, mergedInto: item.$mergedInto.id)
        }
        let unit = user.$organization.id
        let involved = user.role == .reporter && unit.map { u in assignment?.involves(u) ?? false } == true
        var allowed = ItemShow.Allowed()
        allowed.seeNotices = user.role == .admin
        allowed.issueNotice = user.role == .admin && plan.status == .published
        allowed.addMilestone = user.role == .admin
        allowed.reachMilestone = user.role == .admin || involved
        allowed.review = user.role == .admin
        allowed.file = involved
        allowed.comment =
            user.role == .leader
            ? .instruction : user.role == .deputy || (user.role == .reporter && !involved) ? nil : .comment
        let c = Calendar.beijing.dateComponents([.year, .month], from: req.now)
        var model = ItemShow.Model(
            plan: (plan.id!, plan.title), item: item, status: snapshot.status(of: item), retired: retired,
            words: plan.words(of: item),
            assignment: assignment.map { a in
                ItemShow.Assignment(
                    leader: leader?.displayName, leadUnit: units.first { $0.id == a.$leadUnit.id }?.name,
                    cooperating: units.filter { a.cooperating.contains($0.id!) }.map(\.name),
                    responsiblePerson: a.responsiblePerson, startDate: a.startDate, dueDate: a.dueDate,
                    weight: a.weight,
                    cycle: a.cycle)
            },
            notices: notices.map {
                .init(
                    id: $0.id!, number: $0.number, level: $0.level, unit: $0.unit.name, state: $0.state,
                    issuedAt: $0.issuedAt, reason: $0.reason)
            },
            milestones: (snapshot.milestones[item.id!] ?? []).map { m in
                .init(
                    id: m.id!, name: m.name, plannedDate: m.plannedDate, actualDate: m.actualDate, share: m.share,
                    late: m.actualDate == nil && m.plannedDate < req.now)
            },
            children: (snapshot.children[item.id!] ?? []).map { ch in
                .init(
                    id: ch.id!, kind: ch.kind,
                    label: ch.kind == .target ? "\(ch.subject ?? "") \(Format.target(ch))" : ch.title,
                    status: snapshot.status(of: ch).status)
            },
            reports: reports.map { r in
                .init(
                    id: r.id!, period: r.period, unit: r.unit.name, author: r.author.displayName,
                    submittedAt: r.submittedAt, state: r.state, actualValue: r.actualValue,
                    percentComplete: r.percentComplete, milestone: r.milestone, narrative: r.narrative,
                    problems: r.problems, nextSteps: r.nextSteps,
                    files: files.filter { $0.$report.id == r.id }.map {
                        ($0.id!, $0.filename, EvidenceStore.isImage($0.contentType))
                    },
                    reviewReason: r.reviewReason)
            },
            reportPage: page,
            comments: comments.map {
                .init(
                    author: $0.author.displayName, createdAt: $0.createdAt, body: $0.body,
                    isInstruction: $0.isInstruction)
            },
            allowed: allowed, period: String(format: "%04d-%02d", c.year!, c.month!),
            periods: allowed.file ? try await owedPeriods(assignment, plan: plan, on: req.db, now: req.now) : [])
        model.handDown = try await HandDownController.part(item, in: plan, for: req)
        return req.render(ItemShow.View(model: model))
    }

    /// Form posts send empty strings for empty number fields.
    struct FilingForm: Content, SchemaConstraints {
        /// A number as a form sends it, or nothing.
        static let figure: [(String, JSONValue)] = [("pattern", "^\\s*(-?\\d+(\\.\\d+)?)?\\s*$")]
        static let constraints: [String: [(String, JSONValue)]] = [
            "period": Reports.Filing.constraints["period"]!, "narrative": text(max: 10_000),
            "problems": text(max: 5_000), "nextSteps": text(max: 5_000),
            "actualValue": figure, "percentComplete": figure,
        ]
        var period: String
        var actualValue: String?
        var percentComplete: String?
        var milestone: String?
        var narrative: String
        var problems: String?
        var nextSteps: String?
        var evidence: [File]?

        func filing() throws -> Reports.Filing {
            func number(_ s: String?, _ field: String) throws -> Double? {
                try s.flatMap { try formNumber($0, field: field) }
            }
            return Reports.Filing(
                period: period, actualValue: try number(actualValue, "实际数值"),
                percentComplete: try number(percentComplete, "完成百分比"), milestone: milestone, narrative: narrative,
                problems: problems, nextSteps: nextSteps)
        }
    }

    @Sendable func fileReport(req: Request) async throws -> Response {
        let user = try req.user()
        let item = try await PlanStore.findItem(req.parameters.get("itemID"), on: req.db)
        let form = try req.content.decode(FilingForm.self)
        let files = try req.evidence()
        _ = try await Reports.file(
            try form.filing(), evidence: files, evidenceDirectory: req.application.luoshi.evidenceDirectory, item: item,
            user: user, on: req.store, now: req.now)
        return req.redirect(to: .item(item.id!))
    }

    @Sendable func addMilestone(req: Request) async throws -> Response {
        let user = try req.user(.admin)
        let item = try await PlanStore.findItem(req.parameters.get("itemID"), on: req.db)
        _ = try await Milestones.add(
            try req.content.decode(Milestones.NewMilestone.self), to: item, actor: user, on: req.store, now: req.now)
        return req.redirect(to: .item(item.id!))
    }

    @Sendable func reachMilestone(req: Request) async throws -> Response {
        let user = try req.user(.admin, .reporter)
        let m = try await Milestones.reach(req.parameters.get("milestoneID"), actor: user, on: req.store, now: req.now)
        return req.redirect(to: .item(m.$item.id))
    }

    /// An evidence file, to those who may read its report.
    @Sendable func evidence(req: Request) async throws -> Response {
        let user = try req.user()
        guard let id = req.parameters.get("evidenceID").flatMap(UUID.init(uuidString:)),
            let file = try await Evidence.query(on: req.db).filter(\.$id == id).with(\.$report).first()
        else { throw LuoshiError.notFound(entity: "证明材料", id: req.parameters.get("evidenceID") ?? "") }
        guard try await Visibility.mayReadEvidence(of: file.report, user, on: req.db) else {
            throw LuoshiError.forbidden(reason: "无权查看该证明材料")
        }
        return try EvidenceStore.download(
            id, filename: file.filename, contentType: file.contentType,
            directory: req.application.luoshi.evidenceDirectory)
    }

    struct CommentForm: Content { var body: String }

    @Sendable func comment(req: Request) async throws -> Response {
        let user = try req.user(.admin, .leader, .reporter)
        let item = try await PlanStore.findItem(req.parameters.get("itemID"), on: req.db)
        let body = try req.content.decode(CommentForm.self).body.storable.trimmingCharacters(
            in: .whitespacesAndNewlines)
        guard !body.isEmpty, body.count <= 5000 else {
            throw LuoshiError.invalid(field: "内容", reason: "不能为空，且不超过 5000 字")
        }
        try await Comments.add(body, on: item.id!, actor: user, on: req.store, now: req.now)
        return req.redirect(to: .item(item.id!))
    }

    @Sendable func queue(req: Request) async throws -> Response {
        _ = try req.user(.admin)
        let filters = ReviewQueue.Filters(
            unit: req.query[String.self, at: "unit"].flatMap(UUID.init(uuidString:)),
            text: req.query[String.self, at: "q"].map { String($0.prefix(100)) }.flatMap { $0.isEmpty ? nil : $0 },
            selectAll: req.query[String.self, at: "all"] == "1")
        let q = ProgressReport.query(on: req.db).filter(\.$state == .submitted)
        // A unit means it and every unit under it, as in the notice list.
        if let unit = filters.unit {
            guard let path = try await Organization.find(unit, on: req.db)?.path else {
                throw LuoshiError.notFound(entity: "单位", id: unit.uuidString)
            }
            q.unit(\.$unit.$id, under: path)
        }
        let plans = try await Jurisdiction.of(req).planIDs(on: req.db)
        if filters.text != nil || plans != nil { q.join(PlanItem.self, on: \ProgressReport.$item.$id == \PlanItem.$id) }
        if let text = filters.text { q.filter(PlanItem.self, \.$title ~~ text) }
        if let plans { q.filter(PlanItem.self, \.$plan.$id ~~ plans) }
        let page = req.paging(total: try await q.copy().count())
        let pending = try await q.with(\.$item).with(\.$unit).sort(\.$submittedAt).range(page.rows).all()
        let units = try await DirectoryController.unitChoices(req, around: filters.unit)
        let model = ReviewQueue.Model(
            pending: pending.map { r in
                .init(
                    report: r.id!, item: r.$item.id, itemTitle: r.item.title, period: r.period, unit: r.unit.name,
                    actualValue: r.actualValue, percentComplete: r.percentComplete, narrative: r.narrative,
                    submittedAt: r.submittedAt)
            }, filters: filters, units: units, page: page,
            accepted: req.query[Int.self, at: "accepted"], skipped: req.query[Int.self, at: "skipped"])
        return req.render(ReviewQueue.View(model: model))
    }

    struct BulkAccept: Content {
        var reports: [String]?
    }

    /// Accepts the reports ticked on the queue, each in its own audited write (as if accepted one by
    /// one); one already reviewed by someone else meanwhile is skipped and counted, not an error.
    @Sendable func acceptMany(req: Request) async throws -> Response {
        let user = try req.user(.admin)
        let ids = Array(Set(try req.content.decode(BulkAccept.self).reports ?? []).prefix(200))
        guard !ids.isEmpty else {
            throw LuoshiError.invalid(field: "报送", reason: "请至少选择一份 (select at least one report)")
        }
        var accepted = 0
        var skipped = 0
        for id in ids {
            do {
                _ = try await Reports.review(id, accept: true, reason: nil, user: user, on: req.store, now: req.now)
                accepted += 1
            } catch is LuoshiError {
                // Reviewed by someone else meanwhile, or gone: left as it is, and counted.
                skipped += 1
            }
        }
        return req.redirect(to: .reviewsDone(accepted: accepted, skipped: skipped))
    }

    struct ReturnForm: Content { var reason: String? }

    /// Where a review posted from the queue goes back to: the queue as it was filtered, its unit and words
    /// only (read from the referring address, so never anywhere but the queue). Nil from an item's page.
    static func queueAddress(_ req: Request) -> SiteURL? {
        guard let referer = req.headers.first(name: .referer), let parts = URLComponents(string: referer),
            parts.path == SiteURL.reviews.path
        else { return nil }
        let value = { (name: String) in parts.queryItems?.first { $0.name == name }?.value }
        return .reviewsFiltered(
            .init(unit: value("unit").flatMap(UUID.init(uuidString:)), text: value("q").map { String($0.prefix(100)) }),
            page: value("page").flatMap { Int($0) } ?? 1)
    }

    @Sendable func accept(req: Request) async throws -> Response {
        let user = try req.user(.admin)
        let r = try await Reports.review(
            req.parameters.get("reportID"), accept: true, reason: nil, user: user, on: req.store, now: req.now)
        return req.redirect(to: Self.queueAddress(req) ?? .item(r.$item.id))
    }

    @Sendable func giveBack(req: Request) async throws -> Response {
        let user = try req.user(.admin)
        let reason = try req.content.decode(ReturnForm.self).reason
        let r = try await Reports.review(
            req.parameters.get("reportID"), accept: false, reason: reason, user: user, on: req.store, now: req.now)
        return req.redirect(to: Self.queueAddress(req) ?? .item(r.$item.id))
    }

    /// A reporter's tasks: what their unit leads or helps with, and what is due.
    @Sendable func mine(req: Request) async throws -> Response {
        let user = try req.user(.reporter)
        guard let unit = user.$organization.id else { throw LuoshiError.forbidden(reason: "账号未绑定单位") }
        let assignments = try await Assignment.query(on: req.db).with(\.$item).all()
            .filter { $0.involves(unit) }
        let plans = Set(assignments.map { $0.item.$plan.id })
        var snapshots: [UUID: PlanSnapshot] = [:]
        for p in plans {
            if let plan = try await Plan.find(p, on: req.db) {
                snapshots[p] = try await PlanSnapshot.load(plan, on: req.db, now: req.now)
            }
        }
        let returned = try await ProgressReport.query(on: req.db).filter(\.$unit.$id == unit).filter(
            \.$state == .returned
        ).count()
        // What the unit owes next on each item it leads, by its plan's reporting calendar.
        var reported: [UUID: Set<String>] = [:]
        for r in try await ProgressReport.query(on: req.db).filter(\.$unit.$id == unit)
            .filter(\.$state ~~ [.submitted, .accepted]).field(\.$item.$id).field(\.$period).all()
        {
            reported[r.$item.id, default: []].insert(r.period)
        }
        var rules: [UUID: SupervisionRules] = [:]
        for p in plans { rules[p] = try await Notices.rules(for: p, on: req.db) }
        let today = CivilDay(req.now, calendar: .beijing)
        var returnedByItem: [UUID: Int] = [:]
        for r in try await ProgressReport.query(on: req.db).filter(\.$unit.$id == unit).filter(\.$state == .returned)
            .field(\.$item.$id).all()
        {
            returnedByItem[r.$item.id, default: 0] += 1
        }
        var tasks: [MyTasks.Task] = []
        for a in assignments.sorted(by: { ($0.dueDate ?? .distantFuture) < ($1.dueDate ?? .distantFuture) }) {
            let st = snapshots[a.item.$plan.id]?.status(of: a.item).status ?? .notStarted
            var next: (period: DuePeriod, due: CivilDay, overdue: Bool)?
            if a.$leadUnit.id == unit, let year = snapshots[a.item.$plan.id]?.plan.year {
                let periods = a.duePeriods(year: year, rules: rules[a.item.$plan.id] ?? .standard)
                if let owed = ReportingCalendar.nextDue(periods, reported: reported[a.item.id!] ?? [], today: today) {
                    next = (owed.period, owed.period.due, owed.overdue)
                }
            }
            tasks.append(
                .init(
                    item: a.item.id!, title: a.item.title, leads: a.$leadUnit.id == unit, next: next,
                    dueDate: a.dueDate,
                    cycle: a.cycle, status: st, returned: returnedByItem[a.item.id!] ?? 0))
        }
        return req.render(MyTasks.View(model: .init(tasks: tasks, returned: returned)))
    }
}
