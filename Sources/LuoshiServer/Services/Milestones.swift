import Fluent
import Foundation
import LuoshiCore
import Vapor

/// Adding a milestone to an item (staff) and recording that it was reached (the item's unit or staff).
enum Milestones {
    struct NewMilestone: Content {
        var name: String
        var plannedDate: String
        var share: String?
    }

    static func add(_ m: NewMilestone, to item: PlanItem, actor: User, on store: Store, now: Date) async throws
        -> Milestone
    {
        guard actor.role == .admin else { throw LuoshiError.forbidden(reason: "只有督查办可以设置节点") }
        let name = m.name.storable.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !name.isEmpty, name.count <= 200 else { throw LuoshiError.invalid(field: "节点名称", reason: "不能为空") }
        guard let date = Format.parseDate(m.plannedDate) else {
            throw LuoshiError.invalid(field: "计划日期", reason: "格式应为 2015-06-30")
        }
        var share = 0.5
        if let s = m.share?.trimmingCharacters(in: .whitespaces), !s.isEmpty {
            guard let v = Double(s), v > 0, v <= 100 else {
                throw LuoshiError.invalid(field: "占比", reason: "应为 1 到 100 之间的百分数")
            }
            share = v / 100
        }
        let fraction = share
        let milestone = Milestone(id: UUID(), itemID: item.id!, name: name, plannedDate: date, share: fraction)
        try await store.write(.plan(item.$plan.id), actor: actor.username, at: now) { tx in
            _ = try await PlanEdits.live(item.id!, on: tx.db)
            try await milestone.create(on: tx.db)
            tx.record(
                .milestoneAdd, .item, item.id!,
                after: ["name": name, "planned": Format.isoDate(date), "share": "\(fraction)"])
        }
        return milestone
    }

    static func reach(_ id: String?, actor: User, on store: Store, now: Date) async throws -> Milestone {
        guard let id, let uuid = UUID(uuidString: id), let found = try await Milestone.find(uuid, on: store.db) else {
            throw LuoshiError.notFound(entity: "节点", id: id ?? "")
        }
        guard let item = try await PlanItem.find(found.$item.id, on: store.db) else {
            throw LuoshiError.notFound(entity: "事项", id: "")
        }
        if actor.role != .admin { _ = try await Reports.unit(of: actor, for: item, on: store.db) }
        return try await store.write(.plan(item.$plan.id), actor: actor.username, at: now) { tx in
            guard let m = try await Milestone.find(uuid, on: tx.db) else {
                throw LuoshiError.notFound(entity: "节点", id: id)
            }
            guard m.actualDate == nil else { throw LuoshiError.conflict(reason: "该节点已记录完成") }
            m.actualDate = now
            try await m.save(on: tx.db)
            tx.record(.milestoneReach, .item, m.$item.id, after: ["name": m.name, "actual": Format.isoDate(now)])
            return m
        }
    }
}
