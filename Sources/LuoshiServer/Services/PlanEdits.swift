import Fluent
import Foundation
import LuoshiCore
import Vapor

/// Correcting what the reader extracted: edit, add, delete, move, merge, split. A draft is edited
/// freely; a published promise changes only with a reason, and every change is in the audit log.
enum PlanEdits {
    struct Fields: Content {
        var title: String?
        var subject: String?
        var comparator: String?
        var value: String?
        var valueMin: String?
        var valueMax: String?
        var unit: String?
        var baseline: String?
        var reason: String?
    }

    struct ItemState: Codable {
        var kind: ItemKind
        var parent: UUID?
        var title: String
        var subject: String?
        var comparator: String?
        var value: Double?
        var valueMin: Double?
        var valueMax: Double?
        var unit: String?
        var baseline: Double?

        init(_ i: PlanItem) {
            kind = i.kind
            parent = i.$parent.id
            title = i.title
            subject = i.subject
            comparator = i.comparator
            value = i.value
            valueMin = i.valueMin
            valueMax = i.valueMax
            unit = i.unit
            baseline = i.baseline
        }
    }

    /// The plan of an item, checked for editing; returns the reason to record.
    static func guardEditable(_ item: PlanItem, reason: String?, on db: any Database) async throws -> (Plan, String?) {
        guard let plan = try await Plan.find(item.$plan.id, on: db) else {
            throw LuoshiError.notFound(entity: "计划", id: item.$plan.id.uuidString)
        }
        let why = reason?.storable.trimmingCharacters(in: .whitespacesAndNewlines)
        switch plan.status {
        case .closed: throw LuoshiError.conflict(reason: "计划已结束，不能修改 (the plan is closed)")
        case .published:
            guard let why, !why.isEmpty else {
                throw LuoshiError.invalid(
                    field: "修改理由", reason: "已发布的承诺须说明修改理由 (a published promise changes only with a reason)")
            }
            return (plan, why)
        case .draft: return (plan, why?.isEmpty == true ? nil : why)
        }
    }

    static func number(_ s: String?, _ field: String) throws -> Double?? {
        guard let s else { return .none }
        let t = s.trimmingCharacters(in: .whitespaces)
        if t.isEmpty { return .some(nil) }
        guard let v = Double(t), v.isFinite else { throw LuoshiError.invalid(field: field, reason: "不是数字") }
        return .some(v)
    }

    static func edit(_ item: PlanItem, _ f: Fields, actor: User, on db: any Database, now: Date) async throws {
        let (_, reason) = try await guardEditable(item, reason: f.reason, on: db)
        let before = ItemState(item)
        if let t = f.title?.storable.trimmingCharacters(in: .whitespacesAndNewlines) {
            guard !t.isEmpty, t.count <= 2000 else {
                throw LuoshiError.invalid(field: "标题", reason: "不能为空，且不超过 2000 字")
            }
            item.title = t
        }
        if item.kind == .target {
            if let s = f.subject { item.subject = s.isEmpty ? nil : s }
            if let c = f.comparator {
                guard TargetComparator(rawValue: c) != nil else {
                    throw LuoshiError.invalid(field: "比较", reason: "应为 >=、<=、=、~ 或 range")
                }
                item.comparator = c
            }
            if let v = try number(f.value, "数值") { item.value = v }
            if let v = try number(f.valueMin, "下限") { item.valueMin = v }
            if let v = try number(f.valueMax, "上限") { item.valueMax = v }
            if let u = f.unit { item.unit = u.isEmpty ? nil : u }
            if let v = try number(f.baseline, "基数") { item.baseline = v }
            if item.comparator == "range" {
                guard let lo = item.valueMin, let hi = item.valueMax, lo <= hi else {
                    throw LuoshiError.invalid(field: "区间", reason: "区间目标需要下限和上限，且下限不大于上限")
                }
            } else if item.value == nil {
                throw LuoshiError.invalid(field: "数值", reason: "目标需要数值")
            }
        }
        try await db.write { tx in
            try await item.save(on: tx)
            try await Audit.record(
                on: tx, actor: actor.username, action: "item.edit", entity: "item", entityID: item.id!.uuidString,
                before: Audit.snapshot(before), after: Audit.snapshot(Change(state: ItemState(item), reason: reason)),
                at: now)
        }
    }

    struct Change: Encodable {
        var state: ItemState
        var reason: String?
    }

    struct NewItem: Content {
        var kind: ItemKind
        var parent: UUID?
        var title: String
        var reason: String?
    }

    static func add(_ n: NewItem, to plan: Plan, actor: User, on db: any Database, now: Date) async throws -> PlanItem {
        let title = n.title.storable.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !title.isEmpty, title.count <= 2000 else { throw LuoshiError.invalid(field: "标题", reason: "不能为空") }
        var parentItem: PlanItem?
        if let p = n.parent {
            guard let parent = try await PlanItem.find(p, on: db), parent.$plan.id == plan.id else {
                throw LuoshiError.notFound(entity: "上级事项", id: p.uuidString)
            }
            parentItem = parent
        }
        if n.kind == .target { throw LuoshiError.invalid(field: "类型", reason: "目标请在任务下编辑数值后添加；此处可加领域、主题、任务或项目") }
        let siblings = try await PlanItem.query(on: db).filter(\.$plan.$id == plan.id!).count()
        let item = PlanItem(
            id: UUID(), planID: plan.id!, parentID: parentItem?.id, kind: n.kind, position: siblings,
            code: "n\(siblings + 1)", number: nil, title: title, span: Span(start: 0, end: 0))
        let probe = PlanItem()
        probe.$plan.id = plan.id!
        let (_, reason) = try await guardEditable(probe, reason: n.reason, on: db)
        try await db.write { tx in
            try await item.create(on: tx)
            try await Audit.record(
                on: tx, actor: actor.username, action: "item.add", entity: "item", entityID: item.id!.uuidString,
                after: Audit.snapshot(Change(state: ItemState(item), reason: reason)), at: now)
        }
        return item
    }

    /// Deletes an item that has nothing hanging on it: no children, no reports.
    static func delete(_ item: PlanItem, reason: String?, actor: User, on db: any Database, now: Date) async throws {
        let (_, why) = try await guardEditable(item, reason: reason, on: db)
        if try await PlanItem.query(on: db).filter(\.$parent.$id == item.id!).count() > 0 {
            throw LuoshiError.conflict(reason: "该事项下还有子事项，请先移走或删除")
        }
        if try await ProgressReport.query(on: db).filter(\.$item.$id == item.id!).count() > 0 {
            throw LuoshiError.conflict(reason: "该事项已有报送，不能删除")
        }
        let before = ItemState(item)
        try await db.write { tx in
            try await Assignment.query(on: tx).filter(\.$item.$id == item.id!).delete()
            try await Comment.query(on: tx).filter(\.$item.$id == item.id!).delete()
            try await item.delete(on: tx)
            try await Audit.record(
                on: tx, actor: actor.username, action: "item.delete", entity: "item", entityID: item.id!.uuidString,
                before: Audit.snapshot(before), after: why.map { "{\"reason\":\(Audit.snapshot($0))}" }, at: now)
        }
    }

    /// Moves an item under another section of the same plan (or to the top).
    static func move(_ item: PlanItem, to parent: UUID?, reason: String?, actor: User, on db: any Database, now: Date)
        async throws
    {
        let (_, why) = try await guardEditable(item, reason: reason, on: db)
        if let parent {
            guard let p = try await PlanItem.find(parent, on: db), p.$plan.id == item.$plan.id else {
                throw LuoshiError.notFound(entity: "上级事项", id: parent.uuidString)
            }
            // Not under itself or its own descendants.
            var cursor: PlanItem? = p
            while let c = cursor {
                if c.id == item.id { throw LuoshiError.invalid(field: "上级事项", reason: "不能移到自己之下") }
                cursor = try await c.$parent.id.asyncMap { try await PlanItem.find($0, on: db) } ?? nil
            }
        }
        let before = ItemState(item)
        item.$parent.id = parent
        try await db.write { tx in
            try await item.save(on: tx)
            try await Audit.record(
                on: tx, actor: actor.username, action: "item.move", entity: "item", entityID: item.id!.uuidString,
                before: Audit.snapshot(before), after: Audit.snapshot(Change(state: ItemState(item), reason: why)),
                at: now)
        }
    }

    /// Merges `other` into `item`: their words joined, the other's reports and comments kept under the merged item.
    static func merge(
        _ item: PlanItem, with other: PlanItem, reason: String?, actor: User, on db: any Database, now: Date
    )
        async throws
    {
        let (_, why) = try await guardEditable(item, reason: reason, on: db)
        guard other.$plan.id == item.$plan.id, other.id != item.id, other.kind == item.kind else {
            throw LuoshiError.invalid(field: "合并对象", reason: "只能合并同一计划中同类的两项")
        }
        if try await PlanItem.query(on: db).filter(\.$parent.$id == other.id!).count() > 0 {
            throw LuoshiError.conflict(reason: "被合并的事项下还有子事项")
        }
        let before = [ItemState(item), ItemState(other)]
        item.title = item.title + other.title
        item.spanEnd = max(item.spanEnd, other.spanEnd)
        item.spanStart = min(item.spanStart, other.spanStart)
        try await db.write { tx in
            try await item.save(on: tx)
            try await ProgressReport.query(on: tx).filter(\.$item.$id == other.id!).set(\.$item.$id, to: item.id!)
                .update()
            try await Comment.query(on: tx).filter(\.$item.$id == other.id!).set(\.$item.$id, to: item.id!).update()
            try await Assignment.query(on: tx).filter(\.$item.$id == other.id!).delete()
            try await other.delete(on: tx)
            try await Audit.record(
                on: tx, actor: actor.username, action: "item.merge", entity: "item", entityID: item.id!.uuidString,
                before: Audit.snapshot(before), after: Audit.snapshot(Change(state: ItemState(item), reason: why)),
                at: now)
        }
    }

    /// Splits an item's words in two: the item keeps `first`, a new sibling takes `second`.
    static func split(
        _ item: PlanItem, first: String, second: String, reason: String?, actor: User, on db: any Database, now: Date
    )
        async throws -> PlanItem
    {
        let (_, why) = try await guardEditable(item, reason: reason, on: db)
        let a = first.storable.trimmingCharacters(in: .whitespacesAndNewlines)
        let b = second.storable.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !a.isEmpty, !b.isEmpty else { throw LuoshiError.invalid(field: "拆分", reason: "两部分都不能为空") }
        let before = ItemState(item)
        let count = try await PlanItem.query(on: db).filter(\.$plan.$id == item.$plan.id).count()
        let sibling = PlanItem(
            id: UUID(), planID: item.$plan.id, parentID: item.$parent.id, kind: item.kind, position: item.position,
            code: "n\(count + 1)", number: nil, title: b, span: Span(start: item.spanStart, end: item.spanEnd))
        item.title = a
        try await db.write { tx in
            try await item.save(on: tx)
            try await sibling.create(on: tx)
            try await Audit.record(
                on: tx, actor: actor.username, action: "item.split", entity: "item", entityID: item.id!.uuidString,
                before: Audit.snapshot(before),
                after: Audit.snapshot([
                    Change(state: ItemState(item), reason: why), Change(state: ItemState(sibling), reason: nil),
                ]),
                at: now)
        }
        return sibling
    }
}
