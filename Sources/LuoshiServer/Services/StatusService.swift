import Fluent
import FluentSQL
import Foundation
import LuoshiCore
import SQLKit
import Vapor

/// Where a whole plan stands at a moment: every item's status, rolled up to themes, areas and the plan.
struct PlanSnapshot {
    let plan: Plan
    let items: [PlanItem]
    let byID: [UUID: PlanItem]
    let children: [UUID: [PlanItem]]
    let assignments: [UUID: Assignment]
    /// The latest accepted report of each item.
    let latest: [UUID: ProgressReport]
    let results: [UUID: StatusResult]
    let milestones: [UUID: [Milestone]]
    let rolled: [UUID: RollUp.Result]
    let overall: RollUp.Result

    var areas: [PlanItem] { items.filter { $0.kind == .area } }
    var headline: [PlanItem] { items.filter { $0.headline } }

    /// Items that carry work: tasks, targets and projects.
    static func isLeaf(_ item: PlanItem) -> Bool { item.kind == .task || item.kind == .target || item.kind == .project }

    static func load(_ plan: Plan, on db: any Database, now: Date) async throws -> PlanSnapshot {
        let planID = try plan.requireID()
        let items = try await PlanRows.liveItems(plan: planID, on: db)
        let ids = items.compactMap(\.id)
        let assignments = try await PlanRows.assignments(plan: planID, on: db)
        let accepted = try await latestAccepted(plan: planID, items: ids, on: db)
        let milestones = try await Milestone.query(on: db).filter(\.$item.$id ~~ ids).sort(\.$plannedDate).all()
        return compute(
            plan: plan, items: items, assignments: assignments, accepted: accepted, milestones: milestones, now: now)
    }

    /// The latest accepted report of each of a plan's items: one row an item, not every report of the year
    /// (a plan of 6,000 items reported monthly holds 60,000 by December). `(state || '')` keeps the planner
    /// on the plan's items rather than on the index of states, which holds nearly every report.
    static func latestAccepted(plan: UUID, items ids: [UUID], on db: any Database) async throws -> [ProgressReport] {
        guard let sql = db as? any SQLDatabase else {
            return try await ProgressReport.query(on: db).filter(\.$item.$id ~~ ids).filter(\.$state == .accepted)
                .sort(\.$submittedAt).all()
        }
        let accepted = ReportState.accepted.rawValue
        let query = """
            SELECT r.* FROM progress_reports r JOIN (\
            SELECT p.item_id AS item_id, MAX(p.submitted_at) AS latest FROM progress_reports p \
            JOIN plan_items i ON i.id = p.item_id \
            WHERE i.plan_id = ? AND (p.state || '') = ? GROUP BY p.item_id) x \
            ON r.item_id = x.item_id AND r.submitted_at = x.latest WHERE r.state = ?
            """
        // Read by column on SQLite (`PlanRows`); the query is the one below with its binds as ?.
        if let reports = try await PlanRows.latestAccepted(plan: plan, query: query, on: db) {
            return reports.sorted { $0.submittedAt < $1.submittedAt }
        }
        let rows = try await sql.raw(
            """
            SELECT r.* FROM progress_reports r JOIN (\
            SELECT p.item_id AS item_id, MAX(p.submitted_at) AS latest FROM progress_reports p \
            JOIN plan_items i ON i.id = p.item_id \
            WHERE i.plan_id = \(bind: plan) AND (p.state || '') = \(bind: accepted) GROUP BY p.item_id) x \
            ON r.item_id = x.item_id AND r.submitted_at = x.latest WHERE r.state = \(bind: accepted)
            """
        ).all()
        return try rows.map { try $0.decode(fluentModel: ProgressReport.self) }.sorted {
            $0.submittedAt < $1.submittedAt
        }
    }

    static func compute(
        plan: Plan, items: [PlanItem], assignments: [Assignment], accepted: [ProgressReport],
        milestones: [Milestone] = [],
        now: Date
    ) -> PlanSnapshot {
        var milestonesByItem: [UUID: [Milestone]] = [:]
        for m in milestones { milestonesByItem[m.$item.id, default: []].append(m) }
        var byID: [UUID: PlanItem] = [:]
        var children: [UUID: [PlanItem]] = [:]
        for item in items {
            byID[item.id!] = item
            if let parent = item.$parent.id { children[parent, default: []].append(item) }
        }
        var assignmentByItem: [UUID: Assignment] = [:]
        for a in assignments { assignmentByItem[a.$item.id] = a }
        var latest: [UUID: ProgressReport] = [:]
        for r in accepted { latest[r.$item.id] = r }
        var results: [UUID: StatusResult] = [:]
        for item in items where isLeaf(item) {
            let id = item.id!
            let a = assignmentByItem[id]
            let report = latest[id]
            // The same evaluation the supervision pass makes.
            results[id] = ItemProgressInput(
                planYear: plan.year, start: a?.startDate, due: a?.dueDate, target: item.targetSpec,
                latest: report.map {
                    ProgressObservation(
                        actualValue: $0.actualValue, percentComplete: $0.percentComplete, reportedAt: $0.submittedAt)
                },
                latestMilestone: report?.milestone,
                milestones: (milestonesByItem[id] ?? []).map {
                    ItemProgressInput.Mark(date: $0.plannedDate, share: $0.share, reached: $0.actualDate != nil)
                }
            ).evaluate(now: now, calendar: .beijing)
        }
        var rolled: [UUID: RollUp.Result] = [:]
        func roll(_ item: PlanItem) -> RollUp.Child? {
            let id = item.id!
            if isLeaf(item) {
                guard let r = results[id] else { return nil }
                return RollUp.Child(
                    weight: assignmentByItem[id]?.weight, expected: r.expected, progress: r.progress ?? 0,
                    status: r.status)
            }
            let kids = (children[id] ?? []).compactMap(roll)
            let result = RollUp.combine(kids)
            rolled[id] = result
            guard !kids.isEmpty else { return nil }
            return RollUp.Child(
                weight: assignmentByItem[id]?.weight, expected: result.expected, progress: result.progress,
                status: result.status)
        }
        let top = items.filter { $0.$parent.id == nil && $0.kind == .area }.compactMap(roll)
        // Headline targets have no area; they count in the plan's roll-up too.
        let headline = items.filter { $0.$parent.id == nil && $0.kind != .area }.compactMap(roll)
        return PlanSnapshot(
            plan: plan, items: items, byID: byID, children: children, assignments: assignmentByItem, latest: latest,
            results: results, milestones: milestonesByItem, rolled: rolled, overall: RollUp.combine(top + headline))
    }

    /// The status shown for any item: its own for a leaf, the rolled one for a section.
    func status(of item: PlanItem) -> (status: ItemStatus, progress: Double?, expected: Double?) {
        let id = item.id!
        if let r = results[id] { return (r.status, r.progress, r.expected) }
        if let r = rolled[id] { return (r.status, r.progress, r.expected) }
        return (.notStarted, nil, nil)
    }

    /// Every leaf under an item.
    func leaves(under item: PlanItem) -> [PlanItem] {
        var out: [PlanItem] = []
        func walk(_ i: PlanItem) {
            for c in children[i.id!] ?? [] {
                if PlanSnapshot.isLeaf(c) { out.append(c) }
                walk(c)
            }
        }
        walk(item)
        return out
    }
}
