import Fluent
import Foundation
import LuoshiCore
import Vapor

/// 上级交办 in the database: a county's task copied into its towns' plans, and the towns' standing on it.
enum HandDowns {
    /// What became of handing a task to one town.
    struct Outcome: Content {
        var town: UUID
        var townName: String
        /// The town's copy, new or already there.
        var item: UUID?
        /// Why the task did not reach the town (no plan for the year, the plan closed).
        var refused: String?
    }

    /// The governments directly under the plan's owner that a task of it may go to: a county's towns and
    /// 街道, a city's counties.
    static func recipients(of plan: Plan, on db: any Database) async throws -> [Organization] {
        guard let owner = plan.$owner.id else { return [] }
        return try await Organization.query(on: db).filter(\.$parent.$id == owner).sort(\.$name).all()
            .filter(\.kind.isGovernment)
    }

    /// Hands `itemID` down to `towns`: each gets a copy in its plan of the same year, under the section
    /// `HandDown.sectionTitle`, marked with its source and carrying the task's dates, for the town's
    /// office to assign to its own units. A town that already has it keeps its copy. Each town's copy is
    /// written in that town's plan's own write (towns never wait on each other) and audited there.
    static func handDown(_ itemID: UUID, to towns: [UUID], by actor: User, on store: Store, now: Date) async throws
        -> [Outcome]
    {
        guard actor.role == .admin else {
            throw LuoshiError.forbidden(reason: "只有督查办可以交办任务 (only staff hand tasks down)")
        }
        let item = try await PlanStore.findItem(itemID.uuidString, on: store.db)
        guard item.retiredAt == nil, PlanSnapshot.isLeaf(item) else {
            throw LuoshiError.invalid(field: "事项", reason: "只能交办任务、目标或项目 (only a task, target or project)")
        }
        let plan = try await PlanStore.find(item.$plan.id.uuidString, on: store.db)
        guard plan.status == .published else {
            throw LuoshiError.conflict(reason: "计划发布后才能向下交办 (publish the plan first)")
        }
        let reach = try await Jurisdiction.of(actor, on: store.db)
        try await reach.require("itemID", itemID, entity: "事项", on: store.db)
        let allowed = Dictionary(
            uniqueKeysWithValues: try await recipients(of: plan, on: store.db).map { ($0.id!, $0) })
        let assignment = try await Assignment.query(on: store.db).filter(\.$item.$id == itemID).first()
        var outcomes: [Outcome] = []
        for townID in Array(Set(towns)).sorted(by: { $0.uuidString < $1.uuidString }) {
            // Only the governments directly under the plan's owner exist as recipients.
            guard let town = allowed[townID] else {
                throw LuoshiError.notFound(entity: "下级政府", id: townID.uuidString)
            }
            let townPlans = try await Plan.query(on: store.db).filter(\.$owner.$id == townID)
                .filter(\.$year == plan.year).filter(\.$status != .closed).sort(\.$createdAt, .descending).all()
            guard let target = townPlans.first(where: { $0.status == .published }) ?? townPlans.first else {
                outcomes.append(
                    .init(
                        town: townID, townName: town.name, item: nil,
                        refused: "尚无\(plan.year)年计划 (no plan for \(plan.year))"))
                continue
            }
            let openPlans = townPlans.compactMap(\.id)
            let copy = try await store.write(.plan(target.id!), actor: actor.username, at: now) { tx -> UUID in
                // Already there, in this plan or another open plan of the town's year: it keeps that copy.
                if let existing = try await PlanItem.query(on: tx.db).filter(\.$plan.$id ~~ openPlans)
                    .filter(\.$sourceItemID == itemID).filter(\.$retiredAt == nil).first()
                {
                    return existing.id!
                }
                var position = try await PlanItem.query(on: tx.db).filter(\.$plan.$id == target.id!).count()
                let section: PlanItem
                if let found = try await PlanItem.query(on: tx.db).filter(\.$plan.$id == target.id!)
                    .filter(\.$kind == .area).filter(\.$title == HandDown.sectionTitle).filter(\.$retiredAt == nil)
                    .first()
                {
                    section = found
                } else {
                    section = PlanItem(
                        id: UUID(), planID: target.id!, parentID: nil, kind: .area, position: position,
                        code: try await PlanEdits.nextCode(plan: target.id!, on: tx.db), number: nil,
                        title: HandDown.sectionTitle, span: Span(start: 0, end: 0))
                    try await section.create(on: tx.db)
                    position += 1
                    tx.record(
                        .itemAdd, .item, section.id!,
                        after: PlanEdits.Change(state: PlanEdits.ItemState(section), reason: "上级交办"))
                }
                let copy = PlanItem(
                    id: UUID(), planID: target.id!, parentID: section.id, kind: item.kind, position: position,
                    code: try await PlanEdits.nextCode(plan: target.id!, on: tx.db), number: nil, title: item.title,
                    span: Span(start: 0, end: 0))
                copy.subject = item.subject
                copy.comparator = item.comparator
                copy.value = item.value
                copy.valueMin = item.valueMin
                copy.valueMax = item.valueMax
                copy.unit = item.unit
                copy.per = item.per
                copy.attributesJSON = item.attributesJSON
                copy.sourceItemID = itemID
                try await copy.create(on: tx.db)
                // The county's dates go with the task; the town's office names its own units and leader.
                let dates = Assignment(itemID: copy.id!, cycle: assignment?.cycle ?? .monthly)
                dates.startDate = assignment?.startDate
                dates.dueDate = assignment?.dueDate
                dates.weight = assignment?.weight
                try await dates.create(on: tx.db)
                tx.record(
                    .itemHandDown, .item, copy.id!,
                    after: [
                        "source": itemID.uuidString, "sourcePlan": plan.id!.uuidString,
                        "title": String(item.title.prefix(200)),
                    ])
                return copy.id!
            }
            outcomes.append(.init(town: townID, townName: town.name, item: copy, refused: nil))
        }
        return outcomes
    }

    /// Every town's standing on a task handed down from `item`: the towns it went to or may go to, each
    /// with its copy's status and progress as of `now`.
    static func standing(of item: PlanItem, in plan: Plan, on db: any Database, now: Date) async throws
        -> HandDown.RollUp
    {
        let copies = try await PlanItem.query(on: db).filter(\.$sourceItemID == item.id!).filter(\.$retiredAt == nil)
            .all()
        let plans = try await Plan.query(on: db).filter(\.$id ~~ Set(copies.map(\.$plan.id))).all()
        var rows: [HandDown.TownStanding] = []
        var reached: Set<UUID> = []
        for town in try await recipients(of: plan, on: db) {
            guard let townPlan = plans.first(where: { $0.$owner.id == town.id }),
                let copy = copies.first(where: { $0.$plan.id == townPlan.id })
            else { continue }
            let snapshot = try await PlanSnapshot.load(townPlan, on: db, now: now)
            let s = snapshot.status(of: copy)
            rows.append(
                .init(town: town.id!, townName: town.name, item: copy.id, status: s.status, progress: s.progress))
            reached.insert(town.id!)
        }
        // Towns it has not reached are counted too, so the office sees whom it still has to hand it to.
        for town in try await recipients(of: plan, on: db) where !reached.contains(town.id!) {
            rows.append(.init(town: town.id!, townName: town.name, item: nil, status: nil, progress: nil))
        }
        return HandDown.rollUp(rows)
    }
}
