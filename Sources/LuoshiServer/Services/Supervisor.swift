import Fluent
import Foundation
import LuoshiCore
import SQLKit

/// The supervision pass: at a moment, for every published plan, sends the reminders that fall due,
/// issues the automatic notices that late work calls for, and escalates unanswered notices. Idempotent:
/// what it sent is recorded in the same transaction (reminders by assignment, period and stage; notices by
/// trigger), so a second pass at the same moment sends nothing. Each plan is a short write of its own
/// under that plan's lock, so a pass never holds up filings on other plans, and filings on a plan wait
/// only for that plan's batch. Several servers on one PostgreSQL database may run passes side by side:
/// the second to take a plan's lock reads what the first recorded and sends nothing again.
enum Supervisor {
    /// One thing the pass did (or, dry, would do).
    struct Action: Sendable, Encodable, Equatable {
        /// reminder, notice or escalation.
        var kind: MessageKind
        var plan: String
        var item: String
        var itemID: UUID
        var unit: String
        /// The stage, the notice's level and number, or the escalation step.
        var detail: String
        var recipients: [String]
    }

    struct PassResult: Sendable {
        var at: Date
        var actions: [Action]
        /// Plans whose batch failed (and was rolled back), with the error: the other plans still ran.
        var failures: [String] = []
        var messages: Int
        var deliveries: Int
        var seconds: Double
        /// The plans that had something to do (for a dry run: would have).
        var plansActed: Set<UUID> = []
        /// How many plans were looked at.
        var plansLooked = 0
        /// The plans whose part failed (rolled back): to be looked at again at once.
        var plansFailed: Set<UUID> = []

        func count(_ kind: MessageKind) -> Int { actions.filter { $0.kind == kind }.count }
    }

    /// The pass over every published plan, or over the plans of one government (`government`): each plan
    /// in its own short write, so passes over two towns may run side by side and neither waits for the other.
    /// On PostgreSQL two plans are worked at once (one per core: the pass waits on the database more than
    /// it computes); SQLite has one writer, so one at a time. Results come in the plans' order either way.
    static func pass(
        at now: Date, dryRun: Bool = false, government: UUID? = nil, only: Set<UUID>? = nil, width: Int? = nil,
        on store: Store
    ) async throws -> PassResult {
        let started = Date()
        let context = try await Context.load(on: store.db)
        let plans = try await publishedPlans(on: store.db).filter {
            (government == nil || $0.owner == government) && (only?.contains($0.id) ?? true)
        }
        let width = store.isSQLite ? 1 : max(1, width ?? 2)
        var outcomes = [PlanOutcome?](repeating: nil, count: plans.count)
        await withTaskGroup(of: (Int, PlanOutcome).self) { group in
            var next = 0
            while next < min(width, plans.count) {
                let (i, plan) = (next, plans[next])
                group.addTask { (i, await passOne(plan, context: context, at: now, dryRun: dryRun, on: store)) }
                next += 1
            }
            while let (i, outcome) = await group.next() {
                outcomes[i] = outcome
                if next < plans.count {
                    let (j, plan) = (next, plans[next])
                    group.addTask { (j, await passOne(plan, context: context, at: now, dryRun: dryRun, on: store)) }
                    next += 1
                }
            }
        }
        var result = PassResult(at: now, actions: [], messages: 0, deliveries: 0, seconds: 0)
        result.plansLooked = plans.count
        for (plan, outcome) in zip(plans, outcomes) {
            guard let outcome else { continue }
            if case .done(let actions, _) = outcome, !actions.isEmpty { result.plansActed.insert(plan.id) }
            if case .failed = outcome { result.plansFailed.insert(plan.id) }
            switch outcome {
            case .failed(let failure):
                // One plan's failure must not leave the others unsupervised.
                result.failures.append(failure)
            case .done(let actions, let outbox):
                result.actions += actions
                result.messages += outbox.counts.inbox
                result.deliveries += outbox.counts.deliveries
            }
        }
        result.seconds = Date().timeIntervalSince(started)
        return result
    }

    enum PlanOutcome: Sendable {
        case done([Action], Outbox)
        case failed(String)
    }

    /// One plan's part of the pass, in the plan's own write (a dry run only reads: it takes no lock, holds up
    /// no writer and records nothing).
    private static func passOne(_ plan: PlanRow, context: Context, at now: Date, dryRun: Bool, on store: Store) async
        -> PlanOutcome
    {
        let body: @Sendable (AuditedTransaction) async throws -> (actions: [Action], outbox: Outbox) = { tx in
            var outbox = try await Outbox.load(on: tx.db)
            // Read again inside the plan's lock: a plan closed since the list was read is left alone, and its
            // notices are numbered by the government it belongs to now.
            guard let current = try await Plan.find(plan.id, on: tx.db), current.status == .published else {
                return ([], outbox)
            }
            var plan = plan
            plan.owner = current.$owner.id
            let ledger = try await loadLedger(plan: plan.id, on: tx.db)
            let actions = try await run(
                plan, context: context, ledger: ledger, now: now, dryRun: dryRun, outbox: &outbox, on: tx)
            if !dryRun { try await outbox.flush(on: tx.db, now: now) }
            return (actions, outbox)
        }
        do {
            let outcome =
                dryRun
                ? try await body(AuditedTransaction(db: store.db, actor: "system"))
                : try await store.write(.plan(plan.id), actor: "system", at: now, body)
            return .done(outcome.actions, outcome.outbox)
        } catch {
            return .failed("\(plan.title): \(String(reflecting: error))")
        }
    }

    /// Who is who, read once per pass.
    struct Context {
        var unitNames: [UUID: String] = [:]
        var userNames: [UUID: String] = [:]
        var reporters: [UUID: [UUID]] = [:]
        /// Leaders in the order their accounts were created: the first is the default principal leader.
        var leaders: [UUID] = []
        /// Disabled accounts: told nothing, and never the principal leader.
        var disabled: Set<UUID> = []
        /// Each unit's place in the tree, and each leader's unit: a town's plan falls back on its own leader.
        var unitPaths: [UUID: TreePath] = [:]
        var unitKinds: [UUID: OrganizationKind] = [:]
        var leaderUnits: [UUID: UUID] = [:]

        /// The leader unanswered notices finally reach when the plan names none: the first leader of the
        /// plan's own government (of the deployment, for a plan of none or of the top of the tree).
        func defaultPrincipal(owner: UUID?) -> UUID? {
            guard let owner, unitPaths[owner] != nil else { return leaders.first }
            // A leader of the plan's own government: their unit's nearest government is the owner (a town's
            // 镇长, not a village's or another town's; for a county's plan, not a town's).
            return leaders.first { leader in
                guard let path = leaderUnits[leader].flatMap({ unitPaths[$0] }) else { return false }
                return Jurisdiction.of(unitAt: path, kinds: unitKinds).root == owner
            }
        }

        static func load(on db: any Database) async throws -> Context {
            let sql = db as! any SQLDatabase
            var c = Context()
            for row in try await sql.select().columns("id", "name", "path", "kind").from(Organization.schema).all() {
                let id = try row.decode(column: "id", as: UUID.self)
                c.unitNames[id] = try row.decode(column: "name", as: String.self)
                c.unitPaths[id] = try row.decode(column: "path", as: String?.self).flatMap(TreePath.init(text:))
                c.unitKinds[id] = OrganizationKind(rawValue: try row.decode(column: "kind", as: String.self))
            }
            // Accounts without a creation time first, on both databases (they sort NULL differently).
            // Disabled accounts are told nothing (their names stay known for the log).
            let users = try await sql.select().columns("id", "display_name", "role", "organization_id", "disabled_at")
                .from(User.schema).orderBy(
                    SQLFunction("COALESCE", args: SQLColumn("created_at"), SQLBind(Date(timeIntervalSince1970: 0)))
                )
                .orderBy("username").all()
            for row in users {
                let id = try row.decode(column: "id", as: UUID.self)
                c.userNames[id] = try row.decode(column: "display_name", as: String.self)
                let role = try row.decode(column: "role", as: String.self)
                let org = try row.decode(column: "organization_id", as: UUID?.self)
                if try row.decode(column: "disabled_at", as: Date?.self) != nil {
                    c.disabled.insert(id)
                    continue
                }
                if role == Role.reporter.rawValue, let org { c.reporters[org, default: []].append(id) }
                if role == Role.leader.rawValue {
                    c.leaders.append(id)
                    c.leaderUnits[id] = org
                }
            }
            return c
        }

        func names(_ users: [UUID]) -> [String] { users.map { userNames[$0] ?? $0.uuidString } }
    }

    struct PlanRow {
        var id: UUID
        var year: Int
        var title: String
        /// The government that issued the plan.
        var owner: UUID?
    }

    static func publishedPlans(on db: any Database) async throws -> [PlanRow] {
        try await (db as! any SQLDatabase).select().columns("id", "year", "title", "organization_id").from(Plan.schema)
            .where("status", .equal, PlanStatus.published.rawValue).orderBy("year").all().map {
                PlanRow(
                    id: try $0.decode(column: "id", as: UUID.self), year: try $0.decode(column: "year", as: Int.self),
                    title: try $0.decode(column: "title", as: String.self),
                    owner: try $0.decode(column: "organization_id", as: UUID?.self))
            }
    }

    /// An assignment as the pass needs it: plain values read in one joined query.
    struct Work {
        var item: UUID
        var title: String
        var kind: ItemKind
        var target: TargetSpec?
        var unit: UUID
        var leader: UUID?
        var start: Date?
        var due: Date?
        var cycle: ReportingCycle
        var key: WorkKey { WorkKey(item: item, unit: unit) }
    }

    /// An item and the unit answering for it: the key of reports, reminders and notices.
    struct WorkKey: Hashable {
        var item: UUID
        var unit: UUID

        struct Tagged: Hashable {
            var work: WorkKey
            var tag: String
        }

        func tagged(_ tag: String) -> Tagged { Tagged(work: self, tag: tag) }
    }

    struct OpenNotice {
        var id: UUID
        var item: UUID
        var unit: UUID
        var level: NoticeLevel
        var state: NoticeState
        var escalation: Int
        var automatic: Bool
        var respondBy: Date
        var number: String
    }

    // The pass over one plan.
    // swiftlint:disable:next function_body_length
    private static func run(
        _ plan: PlanRow, context: Context, ledger: Ledger, now: Date, dryRun: Bool, outbox: inout Outbox,
        on tx: AuditedTransaction
    ) async throws -> [Action] {
        let db = tx.db
        let sql = db as! any SQLDatabase
        let calendar = Calendar.beijing
        let today = CivilDay(now, calendar: calendar)
        let settings = try await PlanSupervision.query(on: db).filter(\.$plan.$id == plan.id).first()
        let rules = settings?.rules ?? .standard
        let chosen = settings?.$principalLeader.id.flatMap { context.disabled.contains($0) ? nil : $0 }
        let principal = chosen ?? context.defaultPrincipal(owner: plan.owner)

        let work = try await sql.raw(
            """
            SELECT a.item_id, a.lead_unit_id, a.lead_leader_id, a.start_date, a.due_date, a.cycle, i.title, i.kind,
            i.comparator, i.value, i.value_min, i.value_max, i.baseline
            FROM \(ident: Assignment.schema) a JOIN \(ident: PlanItem.schema) i ON i.id = a.item_id
            WHERE i.plan_id = \(bind: plan.id) AND i.retired_at IS NULL AND a.lead_unit_id IS NOT NULL ORDER BY i.position
            """
        ).all().map { row -> Work in
            let kind = try row.decode(column: "kind", as: ItemKind.self)
            let comparator = try row.decode(column: "comparator", as: String?.self).flatMap(TargetComparator.init)
            let target =
                kind == .target
                ? comparator.map {
                    TargetSpec(
                        comparator: $0, value: try? row.decode(column: "value", as: Double?.self),
                        valueMin: try? row.decode(column: "value_min", as: Double?.self),
                        valueMax: try? row.decode(column: "value_max", as: Double?.self),
                        baseline: try? row.decode(column: "baseline", as: Double?.self))
                } : nil
            return Work(
                item: try row.decode(column: "item_id", as: UUID.self),
                title: try row.decode(column: "title", as: String.self),
                kind: kind, target: target, unit: try row.decode(column: "lead_unit_id", as: UUID.self),
                leader: try row.decode(column: "lead_leader_id", as: UUID?.self),
                start: try row.decode(column: "start_date", as: Date?.self),
                due: try row.decode(column: "due_date", as: Date?.self),
                cycle: try row.decode(column: "cycle", as: ReportingCycle.self))
        }
        let filed = ledger.filed
        let latest = ledger.latest
        let marks = ledger.marks
        // Reminders already sent for due days still inside the reminder window.
        let since = today.adding(days: -(rules.reminderWindowDays + 1)).description
        var sent: Set<WorkKey.Tagged> = []
        for row in try await sql.select().columns("item_id", "unit_id", "period", "stage").from(ReminderRecord.schema)
            .where("plan_id", .equal, plan.id).where("due_on", .greaterThanOrEqual, since).all()
        {
            let key = WorkKey(
                item: try row.decode(column: "item_id", as: UUID.self),
                unit: try row.decode(column: "unit_id", as: UUID.self))
            sent.insert(
                key.tagged(
                    "\(try row.decode(column: "period", as: String.self))|\(try row.decode(column: "stage", as: String.self))"
                ))
        }
        // Notices: the triggers already used, and the open ones.
        var usedTriggers: Set<WorkKey.Tagged> = []
        var open: [OpenNotice] = []
        for row in try await sql.select().columns(
            "id", "item_id", "unit_id", "level", "state", "escalation", "trigger_key", "respond_by", "year", "serial"
        ).from(SupervisionNotice.schema).where("plan_id", .equal, plan.id).all() {
            let item = try row.decode(column: "item_id", as: UUID.self)
            let unit = try row.decode(column: "unit_id", as: UUID.self)
            let trigger = try row.decode(column: "trigger_key", as: String?.self)
            if let trigger { usedTriggers.insert(WorkKey(item: item, unit: unit).tagged(trigger)) }
            let state = try row.decode(column: "state", as: NoticeState.self)
            guard state.isOpen else { continue }
            open.append(
                OpenNotice(
                    id: try row.decode(column: "id", as: UUID.self), item: item, unit: unit,
                    level: try row.decode(column: "level", as: NoticeLevel.self), state: state,
                    escalation: try row.decode(column: "escalation", as: Int.self), automatic: trigger != nil,
                    respondBy: try row.decode(column: "respond_by", as: Date.self),
                    number: NoticeNumber.format(
                        year: try row.decode(column: "year", as: Int.self),
                        serial: try row.decode(column: "serial", as: Int.self))))
        }
        var openByWork: [WorkKey: [OpenNotice]] = [:]
        for n in open { openByWork[WorkKey(item: n.item, unit: n.unit), default: []].append(n) }

        var actions: [Action] = []
        var reminderRows: [(work: Work, period: DuePeriod, stage: ReminderStage)] = []
        var newNotices: [(notice: SupervisionNotice, supersedes: [OpenNotice])] = []
        var numbers = NoticeNumbers(year: today.year, government: plan.owner)
        // What each leader is told in this pass, as lines of one digest.
        var digest: [UUID: [String]] = [:]
        let unitName = { (id: UUID) in context.unitNames[id] ?? id.uuidString }

        for w in work {
            let periods = ReportingCalendar.periods(
                cycle: w.cycle, year: plan.year, start: w.start.map { CivilDay($0, calendar: calendar) },
                due: w.due.map { CivilDay($0, calendar: calendar) }, rules: rules)
            let reporters = context.reporters[w.unit] ?? []
            var missed: [DuePeriod] = []
            for p in periods {
                let reported = filed[w.key] ?? []
                let isFiled = p.answeredBy.map { $0.contains(where: reported.contains) } ?? !reported.isEmpty
                if SupervisionRulesEngine.missed(p, filed: isFiled, today: today, rules: rules) { missed.append(p) }
                guard let stage = SupervisionRulesEngine.reminder(for: p, filed: isFiled, today: today, rules: rules),
                    !sent.contains(w.key.tagged("\(p.key)|\(stage.rawValue)"))
                else { continue }
                // The lead leader hears of it too, in the pass's one digest, not as a copy of each reminder.
                let leader = stage.toLeader ? w.leader.flatMap { context.disabled.contains($0) ? nil : $0 } : nil
                if let leader {
                    digest[leader, default: []].append("\(unitName(w.unit))「\(w.title)」\(p.chinese)进展逾期未报")
                }
                reminderRows.append((w, p, stage))
                actions.append(
                    Action(
                        kind: .reminder, plan: plan.title, item: w.title, itemID: w.item, unit: unitName(w.unit),
                        detail: "\(p.key) \(stage.rawValue)",
                        recipients: context.names(reporters + [leader].compactMap { $0 })))
                outbox.add(reminderMessage(w, period: p, stage: stage), users: reporters, units: [w.unit])
            }

            // Status at this moment, for overdue and behind: the same evaluation the pages make.
            let status = ItemProgressInput(
                planYear: plan.year, start: w.start, due: w.due, target: w.target,
                latest: latest[w.item]?.observation, latestMilestone: latest[w.item]?.milestone,
                milestones: marks[w.item] ?? []
            ).evaluate(now: now, calendar: calendar)
            let behindBy = w.kind == .target && status.progress != nil ? status.expected - status.progress! : nil
            guard
                let trigger = SupervisionRulesEngine.automaticNotice(
                    missedPeriods: missed, overdue: status.status == .overdue, behindBy: behindBy, today: today,
                    rules: rules),
                !usedTriggers.contains(w.key.tagged(trigger.key))
            else { continue }
            let current = openByWork[w.key] ?? []
            // An open notice at this level or above already speaks for the work.
            if current.contains(where: { $0.level >= trigger.level }) { continue }
            let notice = SupervisionNotice()
            notice.id = UUID()
            notice.$plan.id = plan.id
            notice.$item.id = w.item
            notice.$unit.id = w.unit
            notice.year = today.year
            notice.$government.id = plan.owner
            notice.serial = try await numbers.draw(on: db)
            notice.level = trigger.level
            notice.reason = trigger.reason
            notice.requiredAction = trigger.requiredAction
            notice.respondBy = SupervisionRulesEngine.respondBy(issued: today, level: trigger.level, rules: rules)
                .start(in: calendar)
            notice.state = .issued
            notice.escalation = 0
            notice.triggerKey = trigger.key
            notice.issuedAt = now
            // A stronger automatic notice replaces a weaker open one.
            newNotices.append((notice, current.filter { $0.automatic }))
            actions.append(
                Action(
                    kind: .notice, plan: plan.title, item: w.title, itemID: w.item, unit: unitName(w.unit),
                    detail: "\(notice.number) \(trigger.level.rawValue) \(trigger.key)",
                    recipients: context.names(reporters)))
            outbox.add(
                noticeMessage(notice, itemTitle: w.title, unitName: unitName(w.unit)), users: reporters, units: [w.unit]
            )
        }

        // Citizens' feedback whose answer falls due or is late, like any other work.
        let answers = try await feedbackDue(
            plan, context: context, principal: principal, rules: rules, today: today, now: now,
            usedTriggers: usedTriggers, numbers: &numbers, on: db)
        actions += answers.actions
        for (message, users, units) in answers.messages { outbox.add(message, users: users, units: units) }
        for (leader, line) in answers.digest { digest[leader, default: []].append(line) }
        newNotices += answers.notices.map { ($0, []) }

        // Escalation of unanswered notices.
        let leaders = Dictionary(work.map { ($0.key, $0.leader) }, uniquingKeysWith: { a, _ in a })
        let titles = Dictionary(work.map { ($0.item, $0.title) }, uniquingKeysWith: { a, _ in a })
        var escalations: [(OpenNotice, Int)] = []
        // A notice replaced by a stronger one in this pass is closed: it escalates no further.
        let replacedIDs = Set(newNotices.flatMap { $0.supersedes.map(\.id) })
        for n in open where !replacedIDs.contains(n.id) {
            let step = SupervisionRulesEngine.escalation(
                state: n.state, level: n.level, respondBy: CivilDay(n.respondBy, calendar: calendar), today: today,
                rules: rules)
            guard step > n.escalation else { continue }
            escalations.append((n, step))
            for s in (n.escalation + 1)...step {
                let to = (s == 1 ? leaders[WorkKey(item: n.item, unit: n.unit)] ?? nil : principal).flatMap {
                    context.disabled.contains($0) ? nil : $0
                }
                let recipients = to.map { [$0] } ?? []
                actions.append(
                    Action(
                        kind: .escalation, plan: plan.title, item: titles[n.item] ?? "", itemID: n.item,
                        unit: unitName(n.unit), detail: "\(n.number) → \(s == 1 ? "lead leader" : "principal leader")",
                        recipients: context.names(recipients)))
                // A notice that climbs both steps in one pass, to a lead leader who is also the principal
                // one, is one line.
                if let to, !(digest[to] ?? []).contains(where: { $0.contains(n.number) }) {
                    digest[to, default: []].append(
                        "\(unitName(n.unit))未在\(CivilDay(n.respondBy, calendar: calendar).chinese)前反馈\(n.level.chinese)督办单\(n.number)"
                            + "「\(titles[n.item] ?? "")」" + (s == 1 ? "" : "（已报主要领导）"))
                }
            }
        }
        for (leader, lines) in digest {
            outbox.add(digestMessage(lines, plan: plan.title, today: today), users: [leader])
        }
        if dryRun { return actions }

        // Record it all, in this transaction.
        for chunk in reminderRows.chunked(200) {
            var insert = sql.insert(into: ReminderRecord.schema).columns(
                "id", "plan_id", "item_id", "unit_id", "period", "stage", "due_on", "sent_at")
            for r in chunk {
                insert = insert.values(
                    SQLBind(UUID()), SQLBind(plan.id), SQLBind(r.work.item), SQLBind(r.work.unit),
                    SQLBind(r.period.key),
                    SQLBind(r.stage.rawValue), SQLBind(r.period.due.description), SQLBind(now))
            }
            try await insert.run()
        }
        // A pass may issue a thousand notices on a busy morning: many rows to a statement.
        var replaced: [(id: UUID, note: String)] = []
        for (notice, supersedes) in newNotices {
            for old in supersedes {
                replaced.append((old.id, "由\(notice.number)取代"))
                tx.record(
                    .noticeSupersede, .notice, old.id, before: ["state": old.state.rawValue],
                    after: ["state": NoticeState.closed.rawValue, "by": notice.number])
            }
            tx.record(.noticeIssue, .notice, notice.id!, after: NoticeRecord(notice))
        }
        // Replaced notices are closed a hundred to a statement, each with its own note.
        for chunk in replaced.chunked(100) {
            var note = SQLQueryString("CASE id")
            for r in chunk {
                note.appendInterpolation(unsafeRaw: " WHEN "); note.appendInterpolation(bind: r.id);
                note.appendInterpolation(unsafeRaw: " THEN "); note.appendInterpolation(bind: r.note)
            }
            note.appendInterpolation(unsafeRaw: " END")
            try await sql.update(SupervisionNotice.schema).set("state", to: NoticeState.closed.rawValue)
                .set("closed_at", to: now).set(SQLIdentifier("closing_note"), to: note)
                .where("id", .in, chunk.map(\.id)).run()
        }
        for chunk in newNotices.map(\.notice).chunked(100) {
            var insert = sql.insert(into: SupervisionNotice.schema).columns(
                "id", "plan_id", "item_id", "unit_id", "organization_id", "year", "serial", "level", "reason",
                "required_action",
                "respond_by", "state", "escalation", "trigger_key", "issued_by_id", "issued_at", "signed_by_id",
                "signed_at", "response", "responded_by_id", "responded_at", "return_reason", "closed_at", "closing_note"
            )
            for n in chunk {
                insert = insert.values(
                    SQLBind(n.id!), SQLBind(n.$plan.id), SQLBind(n.$item.id), SQLBind(n.$unit.id),
                    SQLBind(n.$government.id), SQLBind(n.year),
                    SQLBind(n.serial), SQLBind(n.level.rawValue), SQLBind(n.reason), SQLBind(n.requiredAction),
                    SQLBind(n.respondBy), SQLBind(n.state.rawValue), SQLBind(n.escalation), SQLBind(n.triggerKey),
                    SQLBind(UUID?.none), SQLBind(n.issuedAt), SQLBind(UUID?.none), SQLBind(Date?.none),
                    SQLBind(String?.none), SQLBind(UUID?.none), SQLBind(Date?.none), SQLBind(String?.none),
                    SQLBind(Date?.none), SQLBind(String?.none))
            }
            try await insert.run()
        }
        for chunk in answers.reminded.chunked(200) {
            try await sql.update(Feedback.schema).set("reminded_at", to: now).where("id", .in, Array(chunk)).run()
        }
        for chunk in answers.late.chunked(200) {
            try await sql.update(Feedback.schema).set("late_at", to: now).where("id", .in, Array(chunk)).run()
        }
        for step in 1...2 {
            let ids = escalations.filter { $0.1 == step }.map(\.0.id)
            for chunk in ids.chunked(200) {
                try await sql.update(SupervisionNotice.schema).set("escalation", to: step)
                    .where("id", .in, Array(chunk)).run()
            }
        }
        for (n, step) in escalations {
            tx.record(.noticeEscalate, .notice, n.id, before: ["escalation": n.escalation], after: ["escalation": step])
        }
        return actions
    }

    /// What the pass does about feedback: reminders, notices, digest lines, and which feedback to mark.
    struct FeedbackDue {
        var actions: [Action] = []
        var messages: [(OutboxMessage, [UUID], [UUID])] = []
        var digest: [(UUID, String)] = []
        var notices: [SupervisionNotice] = []
        var reminded: [UUID] = []
        var late: [UUID] = []
    }

    /// Published feedback not yet answered: the unit is reminded `FeedbackRules.reminderDaysBefore` days
    /// before the answer is due; once late, feedback on an item gets a blue 督办单 (escalating as every notice
    /// does), and feedback on the plan as a whole a late reminder with a line in the principal leader's
    /// digest. Each once: the feedback keeps when it was reminded and when it was found late.
    static func feedbackDue(
        _ plan: PlanRow, context: Context, principal: UUID?, rules: SupervisionRules, today: CivilDay, now: Date,
        usedTriggers: Set<WorkKey.Tagged>, numbers: inout NoticeNumbers, on db: any Database
    ) async throws -> FeedbackDue {
        var out = FeedbackDue()
        let open = try await Feedback.query(on: db).filter(\.$plan.$id == plan.id).filter(\.$state == .published)
            .filter(\.$unit.$id != nil).sort(\.$submittedAt).all()
        let itemIDs = Set(open.compactMap { $0.$item.id })
        let titles = Dictionary(
            try await PlanItem.query(on: db).filter(\.$id ~~ itemIDs).all().map { ($0.id!, $0.title) },
            uniquingKeysWith: { a, _ in a })
        for f in open {
            guard let unit = f.$unit.id, let published = f.moderatedAt,
                let stage = FeedbackRules.answerStage(
                    publishedOn: CivilDay(published, calendar: .beijing), answered: false, today: today)
            else { continue }
            let due = FeedbackRules.answerDue(publishedOn: CivilDay(published, calendar: .beijing))
            let words = String(f.text.prefix(40)) + (f.text.count > 40 ? "…" : "")
            let about = f.$item.id.flatMap { titles[$0] }.map { "「\($0)」" } ?? "《\(plan.title)》"
            let reporters = context.reporters[unit] ?? []
            let unitName = context.unitNames[unit] ?? unit.uuidString
            let link = SiteURL.feedback.path
            switch stage {
            case .dueSoon:
                guard f.remindedAt == nil else { continue }
                out.reminded.append(f.id!)
                out.messages.append(
                    (
                        OutboxMessage(
                            kind: .reminder, title: "【催办】群众留言待答复：\(String(words.prefix(20)))",
                            body: "群众对\(about)的留言「\(words)」请于\(due.chinese)前答复。", link: link),
                        reporters, [unit]
                    ))
                out.actions.append(
                    Action(
                        kind: .reminder, plan: plan.title, item: about, itemID: f.$item.id ?? plan.id, unit: unitName,
                        detail: "feedback \(f.id!) due \(due)", recipients: context.names(reporters)))
            case .late:
                guard f.lateAt == nil else { continue }
                out.late.append(f.id!)
                let reason = "群众留言「\(words)」于\(due.chinese)到期未答复"
                if let item = f.$item.id {
                    // Its notice was issued by another pass already (only the mark was missing): nothing more.
                    if usedTriggers.contains(WorkKey(item: item, unit: unit).tagged("feedback:\(f.id!)")) { continue }
                    let notice = SupervisionNotice()
                    notice.id = UUID()
                    notice.$plan.id = plan.id
                    notice.$item.id = item
                    notice.$unit.id = unit
                    notice.year = today.year
                    notice.$government.id = plan.owner
                    notice.serial = try await numbers.draw(on: db)
                    notice.level = .blue
                    notice.reason = reason
                    notice.requiredAction = "通过落实答复该留言，说明办理情况"
                    notice.respondBy = SupervisionRulesEngine.respondBy(issued: today, level: .blue, rules: rules)
                        .start(in: .beijing)
                    notice.state = .issued
                    notice.escalation = 0
                    notice.triggerKey = "feedback:\(f.id!)"
                    notice.issuedAt = now
                    out.notices.append(notice)
                    out.messages.append(
                        (noticeMessage(notice, itemTitle: titles[item] ?? "", unitName: unitName), reporters, [unit]))
                    out.actions.append(
                        Action(
                            kind: .notice, plan: plan.title, item: titles[item] ?? "", itemID: item, unit: unitName,
                            detail: "\(notice.number) blue feedback:\(f.id!)", recipients: context.names(reporters)))
                } else {
                    // No item to hang a notice on: the unit is told it is late, and the principal leader hears.
                    out.messages.append(
                        (
                            OutboxMessage(
                                kind: .reminder, title: "【催办】群众留言逾期未答复：\(String(words.prefix(20)))",
                                body: "群众对\(about)的留言「\(words)」已于\(due.chinese)到期，尚未答复，请尽快答复。", link: link),
                            reporters, [unit]
                        ))
                    if let principal { out.digest.append((principal, "\(unitName)：\(reason)")) }
                    out.actions.append(
                        Action(
                            kind: .reminder, plan: plan.title, item: about, itemID: plan.id, unit: unitName,
                            detail: "feedback \(f.id!) late",
                            recipients: context.names(reporters + [principal].compactMap { $0 })))
                }
            }
        }
        return out
    }

    /// What the reports say, for every published plan at once: one pass over the reports, grouped by
    /// the database (one row per item and unit), rather than a scan per plan.
    struct Ledger: Sendable {
        var filed: [WorkKey: Set<String>] = [:]
        var latest: [UUID: (observation: ProgressObservation, milestone: String?)] = [:]
        var marks: [UUID: [ItemProgressInput.Mark]] = [:]
    }

    /// What a plan's work has had so far: the periods filed, the latest accepted figures, the milestones.
    static func loadLedger(plan: UUID, on db: any Database) async throws -> Ledger {
        let sql = db as! any SQLDatabase
        let planItems: SQLQueryString = "SELECT i.id FROM plan_items i WHERE i.plan_id = \(bind: plan)"
        // A year of reports is the bulk of what a pass reads: one scan, grouped by the database into one row
        // per item and unit. `state || ''` keeps the planners off the state index, which looks selective to
        // a database without statistics yet matches nearly every report here.
        var ledger = Ledger()
        let periods =
            sql.dialect.name == "sqlite" ? "group_concat(DISTINCT r.period)" : "string_agg(DISTINCT r.period, ',')"
        let reports = "progress_reports r"
        // Filed periods: a report submitted or accepted counts; a returned one must be filed again.
        for row in try await sql.raw(
            """
            SELECT r.item_id, r.unit_id, \(unsafeRaw: periods) AS periods FROM \(unsafeRaw: reports)
            WHERE r.item_id IN (\(planItems))
            AND (r.state || '') IN ('submitted', 'accepted') GROUP BY r.item_id, r.unit_id
            """
        ).all() {
            let item = try row.decode(column: "item_id", as: UUID.self)
            let unit = try row.decode(column: "unit_id", as: UUID.self)
            ledger.filed[WorkKey(item: item, unit: unit)] = Set(
                try row.decode(column: "periods", as: String.self).split(separator: ",").map(String.init))
        }
        // The latest accepted report of each item, for its status.
        for row in try await sql.raw(
            """
            SELECT item_id, actual_value, percent_complete, milestone, submitted_at FROM (
              SELECT r.item_id, r.actual_value, r.percent_complete, r.milestone, r.submitted_at,
              ROW_NUMBER() OVER (PARTITION BY r.item_id ORDER BY r.submitted_at DESC) AS n
              FROM \(unsafeRaw: reports)
              WHERE r.item_id IN (\(planItems))
              AND (r.state || '') = 'accepted'
            ) latest WHERE n = 1
            """
        ).all() {
            ledger.latest[try row.decode(column: "item_id", as: UUID.self)] = (
                ProgressObservation(
                    actualValue: try row.decode(column: "actual_value", as: Double?.self),
                    percentComplete: try row.decode(column: "percent_complete", as: Double?.self),
                    reportedAt: try row.decode(column: "submitted_at", as: Date.self)),
                try row.decode(column: "milestone", as: String?.self)
            )
        }
        for row in try await sql.raw(
            """
            SELECT m.item_id, m.planned_date, m.share, m.actual_date FROM \(ident: Milestone.schema) m
            WHERE m.item_id IN (\(planItems))
            ORDER BY m.planned_date
            """
        ).all() {
            ledger.marks[try row.decode(column: "item_id", as: UUID.self), default: []].append(
                ItemProgressInput.Mark(
                    date: try row.decode(column: "planned_date", as: Date.self),
                    share: try row.decode(column: "share", as: Double.self),
                    reached: try row.decode(column: "actual_date", as: Date?.self) != nil))
        }
        return ledger
    }

    /// A government's notice numbers for one plan's part of a pass: the first is drawn, and the government's
    /// numbering lock taken, only when a notice is made, so a plan with nothing to issue holds up no other.
    struct NoticeNumbers {
        let year: Int
        let government: UUID?
        private var next: Int?

        init(year: Int, government: UUID?) {
            self.year = year
            self.government = government
        }

        mutating func draw(on db: any Database) async throws -> Int {
            let number: Int
            if let next {
                number = next
            } else {
                number = try await Supervisor.nextSerial(year: year, government: government, on: db)
            }
            next = number + 1
            return number
        }
    }

    /// The next notice number of the year in `government`'s own sequence (nil: the deployment's, for plans
    /// of no government). Numbers are the office's, across its plans: on PostgreSQL that government's
    /// numbering lock is taken first (after the plan's, before the audit chain's: always in that order),
    /// so writes to two of its plans never draw the same number, and two towns never wait on each other.
    static func nextSerial(year: Int, government: UUID?, on db: any Database) async throws -> Int {
        let sql = db as! any SQLDatabase
        if sql.dialect.name == "postgresql" {
            try await sql.raw(
                "SELECT pg_advisory_xact_lock(\(bind: WriteScope.noticeNumberLockClass), hashtext(\(bind: government?.uuidString ?? "")))"
            ).run()
        }
        // Written as the unique index of `NumberNoticesPerGovernment` is, COALESCE and all, so the
        // database reads the government's last number from the index instead of scanning every notice
        // of the year (5 ms a draw at a province's 36,000 notices, and growing).
        let none = sql.dialect.name == "postgresql" ? "'00000000-0000-0000-0000-000000000000'::uuid" : "''"
        let key: SQLQueryString =
            government.map { "COALESCE(organization_id, \(unsafeRaw: none)) = \(bind: $0)" }
            ?? "COALESCE(organization_id, \(unsafeRaw: none)) = \(unsafeRaw: none)"
        let row = try await sql.raw(
            "SELECT MAX(serial) AS m FROM \(ident: SupervisionNotice.schema) WHERE \(key) AND year = \(bind: year)"
        ).first()
        return (try row?.decode(column: "m", as: Int?.self) ?? 0) + 1
    }

    static func reminderMessage(_ w: Work, period: DuePeriod, stage: ReminderStage) -> OutboxMessage {
        let title = String(w.title.prefix(30))
        let body: String
        switch stage {
        case .upcoming, .dueToday:
            body = "请于\(period.due.chinese)前报送「\(w.title)」\(period.chinese)的进展。"
        case .late, .lateToLeader:
            body = "「\(w.title)」\(period.chinese)的进展已于\(period.due.chinese)到期，尚未报送，请尽快报送。"
        }
        return OutboxMessage(
            kind: .reminder, title: "【催办】\(stage.chinese)：\(title)（\(period.chinese)）", body: body,
            link: "/items/\(w.item)")
    }

    /// A leader's one message of the day: every unit and item that needs the leader's push, numbered.
    static func digestMessage(_ lines: [String], plan: String, today: CivilDay) -> OutboxMessage {
        let shown = lines.prefix(30).enumerated().map { "\($0.offset + 1). \($0.element)" }
        let more = lines.count > shown.count ? "\n另有\(lines.count - shown.count)项，见分管任务页。" : ""
        return OutboxMessage(
            kind: .digest, title: "【督办摘要】\(today.chinese)：\(lines.count)项需要督促",
            body: "\(plan)中，您挂钩的以下事项需要督促：\n" + shown.joined(separator: "\n") + more, link: "/portfolio")
    }

    static func noticeMessage(_ n: SupervisionNotice, itemTitle: String, unitName: String) -> OutboxMessage {
        OutboxMessage(
            kind: .notice,
            title: "【督办】\(n.number)（\(n.level.chinese)）\(String(itemTitle.prefix(30)))",
            body:
                "\(unitName)：\(Wording.clause(n.reason))。请\(Wording.request(n.requiredAction))，并于\(n.respondByDay.chinese)前反馈。",
            link: "/notices/\(n.id!)")
    }
}

/// What the audit log keeps of a notice.
struct NoticeRecord: Encodable {
    var number: String
    var item: UUID
    var unit: UUID
    var level: String
    var reason: String
    var requiredAction: String
    var respondBy: String
    var trigger: String?

    init(_ n: SupervisionNotice) {
        number = n.number
        item = n.$item.id
        unit = n.$unit.id
        level = n.level.rawValue
        reason = n.reason
        requiredAction = n.requiredAction
        respondBy = n.respondByDay.description
        trigger = n.triggerKey
    }
}
