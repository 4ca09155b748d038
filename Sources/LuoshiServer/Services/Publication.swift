import Fluent
import Foundation
import LuoshiCore
import Vapor

/// What a release holds: the plan's published fields, item by item, as staff released them. Status and
/// figures are not in it: they come from accepted reports and the day, as on staff's pages.
struct ReleasedPlan: Codable, Sendable, Equatable {
    static var encoder: JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys]
        e.dateEncodingStrategy = .secondsSince1970
        return e
    }
    static var decoder: JSONDecoder {
        let d = JSONDecoder()
        d.dateDecodingStrategy = .secondsSince1970
        return d
    }

    var planID: UUID
    var title: String
    var issuer: String?
    var year: Int
    var items: [ReleasedItem]
}

struct ReleasedItem: Codable, Sendable, Equatable {
    var id: UUID
    var parent: UUID?
    var kind: ItemKind
    var position: Int
    var code: String
    var number: String?
    var title: String
    /// The document's words that promised it.
    var words: String
    var spanStart: Int
    var spanEnd: Int
    var headline: Bool
    var subject: String?
    var comparator: TargetComparator?
    var value: Double?
    var valueMin: Double?
    var valueMax: Double?
    var unit: String?
    var baseline: Double?
    var baselineYear: Int?
    var per: String?
    /// Dropped from the plan, and why: shown as dropped, never silently gone.
    var dropped: String?
    var droppedAt: Date?
    var leadUnit: String?
    /// The lead unit is a village or a community: the site lists the item under it.
    var place: Bool
    /// The responsible leader as public officials are named: office and name.
    var leader: String?
    var cooperating: [String]
    var start: Date?
    var due: Date?
    var weight: Double?
    var cycle: ReportingCycle?

    /// The model the status rules read (`PlanSnapshot`), built in memory: never saved.
    func model(plan: UUID) -> PlanItem {
        let i = PlanItem(
            id: id, planID: plan, parentID: parent, kind: kind, position: position, code: code, number: number,
            title: title, span: Span(start: spanStart, end: spanEnd))
        i.headline = headline
        i.subject = subject
        i.comparator = comparator
        i.value = value
        i.valueMin = valueMin
        i.valueMax = valueMax
        i.unit = unit
        i.baseline = baseline
        i.baselineYear = baselineYear
        i.per = per
        return i
    }

    func assignment() -> Assignment? {
        guard let cycle else { return nil }
        let a = Assignment(itemID: id, cycle: cycle)
        a.startDate = start
        a.dueDate = due
        a.weight = weight
        return a
    }
}

/// Releasing a plan to the public, and what the public sees of it.
enum Publication {
    struct ReleaseRecord: Encodable {
        var number: Int
        var sha256: String
        var items: Int
        var note: String
    }

    /// Releases the plan as it stands now: a new release when anything public changed since the last one.
    @discardableResult
    static func release(_ planID: UUID, note: String, actor: User, on store: Store, now: Date) async throws -> Int {
        guard actor.role == .admin else { throw LuoshiError.forbidden(reason: "只有督查办可以公开计划 (staff only)") }
        let note = note.storable.trimmingCharacters(in: .whitespacesAndNewlines)
        guard note.count <= 500 else {
            throw LuoshiError.invalid(field: "note", reason: "最多 500 字 (at most 500 characters)")
        }
        return try await store.write(.plan(planID), actor: actor.username, at: now) { tx in
            guard let plan = try await Plan.find(planID, on: tx.db) else {
                throw LuoshiError.notFound(entity: "计划", id: planID.uuidString)
            }
            guard plan.status != .draft else {
                throw LuoshiError.conflict(reason: "计划发布后才能向社会公开 (publish the plan first)")
            }
            let content = try await released(plan, on: tx.db)
            let last = try await latest(planID, on: tx.db)
            if let last, last.content == content {
                throw LuoshiError.conflict(
                    reason: "与第 \(last.number) 次公开的内容相同 (nothing changed since the last release)")
            }
            let number = (last?.number ?? 0) + 1
            let release = try PublicRelease(
                planID: planID, number: number, at: now, by: actor.username,
                note: note.isEmpty ? (number == 1 ? "首次公开" : "更新") : note, content: content)
            try await release.create(on: tx.db)
            tx.record(
                .planRelease, .plan, planID,
                after: ReleaseRecord(number: number, sha256: release.sha256, items: content.items.count, note: note))
            return number
        }
    }

    static func latest(_ planID: UUID, on db: any Database) async throws -> PublicRelease? {
        try await PublicRelease.query(on: db).filter(\.$plan.$id == planID).sort(\.$number, .descending).first()
    }

    /// The plan's public fields as they stand: its live items, and those dropped with their reason (an item
    /// merged into another lives on in it and is left out).
    static func released(_ plan: Plan, on db: any Database) async throws -> ReleasedPlan {
        let planID = try plan.requireID()
        let live = try await PlanRows.liveItems(plan: planID, on: db)
        let dropped = try await PlanItem.query(on: db).filter(\.$plan.$id == planID).filter(\.$retiredAt != nil)
            .filter(\.$mergedInto.$id == nil).all()
        let assignments = Dictionary(
            try await PlanRows.assignments(plan: planID, on: db).map { ($0.$item.id, $0) },
            uniquingKeysWith: { a, _ in a })
        let unitIDs = Set(assignments.values.flatMap { a in [a.$leadUnit.id].compactMap { $0 } + a.cooperating })
        let units = Dictionary(
            uniqueKeysWithValues: try await Organization.query(on: db).filter(\.$id ~~ unitIDs).all().map {
                ($0.id!, $0)
            })
        let leaderIDs = Set(assignments.values.compactMap { $0.$leadLeader.id })
        let leaders = Dictionary(
            uniqueKeysWithValues: try await User.query(on: db).filter(\.$id ~~ leaderIDs).all().map { ($0.id!, $0) })
        let items = (live + dropped).sorted { ($0.position, $0.code) < ($1.position, $1.code) }.map { i in
            let a = assignments[i.id!]
            let lead = a?.$leadUnit.id.flatMap { units[$0] }
            // As public officials are named: office and name (a display name may already carry the office).
            let leader = a?.$leadLeader.id.flatMap { leaders[$0] }.map { u in
                guard let office = u.office, !office.isEmpty, !u.displayName.contains(office) else {
                    return u.displayName
                }
                return office + " " + u.displayName
            }
            return ReleasedItem(
                id: i.id!, parent: i.$parent.id, kind: i.kind, position: i.position, code: i.code, number: i.number,
                // A target's span is its quantity alone: its clause (the title) is the promise.
                title: i.title, words: i.kind == .target ? i.title : plan.words(of: i).filter { !$0.isNewline },
                spanStart: i.spanStart,
                spanEnd: i.spanEnd, headline: i.headline, subject: i.subject, comparator: i.comparator, value: i.value,
                valueMin: i.valueMin, valueMax: i.valueMax, unit: i.unit, baseline: i.baseline,
                baselineYear: i.baselineYear, per: i.per,
                dropped: i.retiredAt == nil ? nil : (i.retiredReason ?? ""), droppedAt: i.retiredAt,
                leadUnit: lead?.name, place: lead.map { $0.kind == .village || $0.kind == .community } ?? false,
                leader: leader, cooperating: a?.cooperating.compactMap { units[$0]?.name } ?? [],
                start: a?.startDate, due: a?.dueDate, weight: a?.weight, cycle: a?.cycle)
        }
        return ReleasedPlan(planID: planID, title: plan.title, issuer: plan.issuer, year: plan.year, items: items)
    }
}

/// A released plan as the public sees it at a moment: the release's fields, the status of each item from
/// accepted reports and the day.
struct PublicPlan: @unchecked Sendable {
    var plan: Plan
    var release: PublicRelease
    var content: ReleasedPlan
    var snapshot: PlanSnapshot
    var byID: [UUID: ReleasedItem]
    /// When what the page shows last changed: the release, or a report accepted since.
    var lastChange: Date
    var now: Date

    var live: [ReleasedItem] { content.items.filter { $0.dropped == nil } }
    func children(of id: UUID?) -> [ReleasedItem] { content.items.filter { $0.parent == id } }
    func status(_ item: ReleasedItem) -> (status: ItemStatus, progress: Double?, expected: Double?) {
        guard item.dropped == nil, let model = snapshot.byID[item.id] else { return (.notStarted, nil, nil) }
        return snapshot.status(of: model)
    }
    func latest(_ item: ReleasedItem) -> ProgressReport? { snapshot.latest[item.id] }
}

extension Publication {
    /// The plan's latest release as the public sees it now; not found when it was never released.
    static func view(_ planID: UUID, on db: any Database, now: Date) async throws -> PublicPlan {
        guard let plan = try await Plan.find(planID, on: db), let release = try await latest(planID, on: db),
            let content = release.content
        else { throw LuoshiError.notFound(entity: "公开的计划", id: planID.uuidString) }
        let live = content.items.filter { $0.dropped == nil }
        let items = live.map { $0.model(plan: planID) }
        let ids = live.map(\.id)
        // Reports accepted by now on the released items (a fixed clock, as in the demo, is now).
        let accepted = try await PlanSnapshot.latestAccepted(plan: planID, items: ids, on: db).filter {
            ($0.reviewedAt ?? $0.submittedAt) <= now
        }
        let milestones = try await Milestone.query(on: db).filter(\.$item.$id ~~ ids).sort(\.$plannedDate).all()
        let snapshot = PlanSnapshot.compute(
            plan: plan, items: items, assignments: live.compactMap { $0.assignment() }, accepted: accepted,
            milestones: milestones, now: now)
        let lastChange = ([release.releasedAt] + accepted.map { $0.reviewedAt ?? $0.submittedAt }).max()!
        return PublicPlan(
            plan: plan, release: release, content: content, snapshot: snapshot,
            byID: Dictionary(uniqueKeysWithValues: content.items.map { ($0.id, $0) }), lastChange: lastChange,
            now: now)
    }

    /// An item's accepted reports, oldest first, each with the status it left the item in.
    static func history(_ item: ReleasedItem, in view: PublicPlan, on db: any Database) async throws -> [(
        report: ProgressReport, status: ItemStatus, progress: Double?
    )] {
        guard item.dropped == nil else { return [] }
        let reports = try await ProgressReport.query(on: db).filter(\.$item.$id == item.id)
            .filter(\.$state == .accepted).sort(\.$submittedAt).all().filter {
                ($0.reviewedAt ?? $0.submittedAt) <= view.now
            }
        let model = item.model(plan: view.content.planID)
        let assignment = item.assignment().map { [$0] } ?? []
        let milestones = view.snapshot.milestones[item.id] ?? []
        return reports.map { r in
            let at = r.reviewedAt ?? r.submittedAt
            let s = PlanSnapshot.compute(
                plan: view.plan, items: [model], assignments: assignment, accepted: [r], milestones: milestones, now: at
            )
            let st = s.status(of: model)
            return (r, st.status, st.progress)
        }
    }

    /// The days an item's status changed, from the plan's first day to today: by accepted reports, and by the
    /// days passing alone (work that falls behind its schedule without a report, a due date gone by). The
    /// item's status is worked out as of each day's end, from the reports accepted by then.
    static func statusChanges(
        _ item: ReleasedItem, in view: PublicPlan, reports: [ProgressReport]
    ) -> [(day: CivilDay, status: ItemStatus)] {
        guard item.dropped == nil else { return [] }
        let model = item.model(plan: view.content.planID)
        let assignment = item.assignment().map { [$0] } ?? []
        let milestones = view.snapshot.milestones[item.id] ?? []
        let accepted = reports.sorted { ($0.reviewedAt ?? $0.submittedAt) < ($1.reviewedAt ?? $1.submittedAt) }
        let today = CivilDay(view.now, calendar: .beijing)
        var day = CivilDay(year: view.plan.year, month: 1, day: 1)
        var changes: [(day: CivilDay, status: ItemStatus)] = []
        while day <= today {
            let at = min(day.adding(days: 1).start(in: .beijing).addingTimeInterval(-1), view.now)
            let latest = accepted.last { ($0.reviewedAt ?? $0.submittedAt) <= at }
            let status = PlanSnapshot.compute(
                plan: view.plan, items: [model], assignments: assignment, accepted: latest.map { [$0] } ?? [],
                milestones: milestones, now: at
            ).status(of: model).status
            if status != changes.last?.status { changes.append((day, status)) }
            day = day.adding(days: 1)
        }
        return changes
    }

    /// The open-data document: `luoshi-plan/1` with each task's and target's progress, as the pages show it.
    static func document(_ view: PublicPlan, histories: [UUID: [ProgressReport]]) -> PlanDocument {
        var doc = Exchange.document(view.snapshot)
        let byCode = Dictionary(view.live.map { ($0.code, $0) }, uniquingKeysWith: { a, _ in a })
        let asOf = Breakdown.iso(CivilDay(view.now, calendar: .beijing))
        func progress(_ code: String) -> ItemProgress? {
            guard let item = byCode[code] else { return nil }
            let st = view.status(item)
            let latest = view.latest(item)
            return ItemProgress(
                asOf: asOf, status: st.status, colour: st.status.colour, actual: latest?.actualValue,
                percent: st.progress.map { Int(($0 * 100).rounded()) }, leadUnit: item.leadUnit, leader: item.leader,
                history: (histories[item.id] ?? []).map { r in
                    ItemProgress.Entry(
                        period: r.period, actual: r.actualValue, percent: r.percentComplete.map { Int($0.rounded()) },
                        narrative: r.narrative,
                        accepted: Breakdown.iso(CivilDay(r.reviewedAt ?? r.submittedAt, calendar: .beijing)))
                })
        }
        func fill(_ s: inout PlanSection) {
            for i in s.tasks.indices { s.tasks[i].progress = progress(s.tasks[i].id) }
            for i in s.sections.indices { fill(&s.sections[i]) }
        }
        for i in doc.sections.indices { fill(&doc.sections[i]) }
        for i in doc.targets.indices { doc.targets[i].progress = progress(doc.targets[i].id) }
        return doc
    }

    /// Every accepted report of the released items, by item, oldest first: the open data's history.
    static func histories(_ view: PublicPlan, on db: any Database) async throws -> [UUID: [ProgressReport]] {
        let reports = try await ProgressReport.query(on: db).filter(\.$item.$id ~~ view.live.map(\.id))
            .filter(\.$state == .accepted).sort(\.$submittedAt).all()
        var out: [UUID: [ProgressReport]] = [:]
        for r in reports where (r.reviewedAt ?? r.submittedAt) <= view.now { out[r.$item.id, default: []].append(r) }
        return out
    }
}
