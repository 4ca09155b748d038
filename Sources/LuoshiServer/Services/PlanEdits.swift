import Fluent
import Foundation
import LuoshiCore
import Vapor

/// Correcting what the reader extracted: edit, add, delete, move, merge, split. A draft is edited
/// freely; a published promise changes only with a reason, and every change is in the audit log.
enum PlanEdits {
    /// A correction of an item's words or target: a field left out stays as it is; a number field
    /// can also be emptied.
    struct Correction: Sendable {
        var title: String?
        var subject: String?
        var comparator: TargetComparator?
        var value: FieldChange<Double> = .keep
        var valueMin: FieldChange<Double> = .keep
        var valueMax: FieldChange<Double> = .keep
        var unit: String?
        var baseline: FieldChange<Double> = .keep
        var reason: String?
    }

    /// The review page's form: every field is text, and an empty number field empties it.
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

        func correction() throws -> Correction {
            func number(_ s: String?, _ field: String) throws -> FieldChange<Double> {
                guard let s else { return .keep }
                return try formNumber(s, field: field).map { .set($0) } ?? .clear
            }
            return Correction(
                title: title, subject: subject, comparator: try comparator.map(PlanEdits.comparator),
                value: try number(value, "数值"), valueMin: try number(valueMin, "下限"),
                valueMax: try number(valueMax, "上限"), unit: unit, baseline: try number(baseline, "基数"), reason: reason)
        }
    }

    /// The API's body: numbers are JSON numbers, null empties a number field.
    struct Patch: Decodable {
        var correction: Correction

        enum CodingKeys: String, CodingKey {
            case title, subject, comparator, value, valueMin, valueMax, unit, baseline, reason
        }

        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            correction = Correction(
                title: try c.decodeIfPresent(String.self, forKey: .title),
                subject: try c.decodeIfPresent(String.self, forKey: .subject),
                comparator: try c.decodeIfPresent(TargetComparator.self, forKey: .comparator),
                value: try c.change(.value), valueMin: try c.change(.valueMin), valueMax: try c.change(.valueMax),
                unit: try c.decodeIfPresent(String.self, forKey: .unit), baseline: try c.change(.baseline),
                reason: try c.decodeIfPresent(String.self, forKey: .reason))
        }
    }

    static func comparator(_ raw: String) throws -> TargetComparator {
        guard let c = TargetComparator(rawValue: raw) else {
            throw LuoshiError.invalid(field: "比较", reason: "应为 >=、<=、=、~ 或 range")
        }
        return c
    }

    struct ItemState: Codable {
        var kind: ItemKind
        var parent: UUID?
        var title: String
        var subject: String?
        var comparator: TargetComparator?
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

    /// The plan of an item, re-read inside the write and checked for editing; returns the reason to record.
    static func guardEditable(planID: UUID, reason: String?, on db: any Database) async throws -> (Plan, String?) {
        guard let plan = try await Plan.find(planID, on: db) else {
            throw LuoshiError.notFound(entity: "计划", id: planID.uuidString)
        }
        let why = reason?.storable.trimmingCharacters(in: .whitespacesAndNewlines)
        if let why, why.count > 2000 { throw LuoshiError.invalid(field: "修改理由", reason: "不超过 2000 字") }
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

    /// The item as it is now, inside the write: it must still exist, be live and belong to its plan.
    static func live(_ id: UUID, on db: any Database) async throws -> PlanItem {
        guard let item = try await PlanItem.find(id, on: db) else {
            throw LuoshiError.notFound(entity: "事项", id: id.uuidString)
        }
        guard item.retiredAt == nil else {
            throw LuoshiError.conflict(reason: "该事项已撤销 (the item was retired)")
        }
        return item
    }

    /// A figure a plan can hold: finite and of a size a plan speaks of.
    static func figure(_ change: FieldChange<Double>, _ field: String) throws -> FieldChange<Double> {
        try change.map { v in
            guard v.isFinite, abs(v) < 1e15 else {
                throw LuoshiError.invalid(field: field, reason: "不是可用的数字 (not a usable number)")
            }
            return v
        }
    }

    /// A fresh code for an item staff add: one past the highest "nN" the plan has ever had. Retired
    /// items keep theirs, so a code is never given twice (the database holds them unique per plan).
    static func nextCode(plan: UUID, on db: any Database) async throws -> String {
        let codes = try await PlanItem.query(on: db).filter(\.$plan.$id == plan).filter(\.$code =~ "n").all(\.$code)
        let highest = codes.compactMap { $0.hasPrefix("n") ? Int($0.dropFirst()) : nil }.max() ?? 0
        return "n\(highest + 1)"
    }

    static func edit(_ itemID: UUID, _ f: Correction, actor: User, on store: Store, now: Date) async throws {
        let value = try figure(f.value, "数值")
        let valueMin = try figure(f.valueMin, "下限")
        let valueMax = try figure(f.valueMax, "上限")
        let baseline = try figure(f.baseline, "基数")
        let planID = try await planOf(itemID, on: store.db)
        try await store.write(.plan(planID), actor: actor.username, at: now) { tx in
            let item = try await live(itemID, on: tx.db)
            let (_, reason) = try await guardEditable(planID: planID, reason: f.reason, on: tx.db)
            let before = ItemState(item)
            if let t = f.title?.storable.trimmingCharacters(in: .whitespacesAndNewlines) {
                guard !t.isEmpty, t.count <= 2000 else {
                    throw LuoshiError.invalid(field: "标题", reason: "不能为空，且不超过 2000 字")
                }
                item.title = t
            }
            if item.kind == .target {
                if let s = f.subject { item.subject = s.isEmpty ? nil : String(s.storable.prefix(200)) }
                if let c = f.comparator { item.comparator = c }
                item.value = value.applied(to: item.value)
                item.valueMin = valueMin.applied(to: item.valueMin)
                item.valueMax = valueMax.applied(to: item.valueMax)
                if let u = f.unit { item.unit = u.isEmpty ? nil : String(u.storable.prefix(20)) }
                item.baseline = baseline.applied(to: item.baseline)
                if item.comparator == .range {
                    guard let lo = item.valueMin, let hi = item.valueMax, lo <= hi else {
                        throw LuoshiError.invalid(field: "区间", reason: "区间目标需要下限和上限，且下限不大于上限")
                    }
                } else if item.value == nil {
                    throw LuoshiError.invalid(field: "数值", reason: "目标需要数值")
                }
            }
            try await item.save(on: tx.db)
            tx.record(.itemEdit, .item, itemID, before: before, after: Change(state: ItemState(item), reason: reason))
        }
    }

    static func planOf(_ itemID: UUID, on db: any Database) async throws -> UUID {
        guard let item = try await PlanItem.find(itemID, on: db) else {
            throw LuoshiError.notFound(entity: "事项", id: itemID.uuidString)
        }
        return item.$plan.id
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

    static func add(_ n: NewItem, to planID: UUID, actor: User, on store: Store, now: Date) async throws -> PlanItem {
        let title = n.title.storable.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !title.isEmpty, title.count <= 2000 else {
            throw LuoshiError.invalid(field: "标题", reason: "不能为空，且不超过 2000 字")
        }
        if n.kind == .target {
            throw LuoshiError.invalid(field: "类型", reason: "目标请在任务下编辑数值后添加；此处可加领域、主题、任务或项目")
        }
        return try await store.write(.plan(planID), actor: actor.username, at: now) { tx in
            let (_, reason) = try await guardEditable(planID: planID, reason: n.reason, on: tx.db)
            if let p = n.parent {
                let parent = try await live(p, on: tx.db)
                guard parent.$plan.id == planID else { throw LuoshiError.notFound(entity: "上级事项", id: p.uuidString) }
            }
            let position = try await PlanItem.query(on: tx.db).filter(\.$plan.$id == planID).count()
            let item = PlanItem(
                id: UUID(), planID: planID, parentID: n.parent, kind: n.kind, position: position,
                code: try await nextCode(plan: planID, on: tx.db), number: nil, title: title,
                span: Span(start: 0, end: 0))
            try await item.create(on: tx.db)
            tx.record(.itemAdd, .item, item.id!, after: Change(state: ItemState(item), reason: reason))
            return item
        }
    }

    /// What retiring an item records: who, when, why, and what stays attached to it.
    struct Retirement: Encodable {
        var reason: String?
        var mergedInto: UUID?
        var reports: Int
        var notices: Int
    }

    /// Retires an item: it leaves the live plan but stays in the database with who, when and why, and
    /// its reports, notices, milestones, comments and assignment stay with it, readable and counted.
    /// Nothing issued, reported or decided is deleted. An item with live children is retired only
    /// after they are moved or retired themselves.
    static func retire(_ itemID: UUID, reason: String?, actor: User, on store: Store, now: Date) async throws {
        let planID = try await planOf(itemID, on: store.db)
        try await store.write(.plan(planID), actor: actor.username, at: now) { tx in
            let item = try await live(itemID, on: tx.db)
            let (plan, why) = try await guardEditable(planID: planID, reason: reason, on: tx.db)
            if plan.status != .draft, why == nil {
                throw LuoshiError.invalid(field: "修改理由", reason: "撤销已发布的事项须说明理由")
            }
            if try await PlanItem.query(on: tx.db).filter(\.$parent.$id == itemID).filter(\.$retiredAt == nil)
                .count() > 0
            {
                throw LuoshiError.conflict(reason: "该事项下还有子事项，请先移走或撤销 (move or retire its children first)")
            }
            let before = ItemState(item)
            item.retiredAt = now
            item.retiredBy = actor.username
            item.retiredReason = why
            try await item.save(on: tx.db)
            let reports = try await ProgressReport.query(on: tx.db).filter(\.$item.$id == itemID).count()
            let notices = try await SupervisionNotice.query(on: tx.db).filter(\.$item.$id == itemID).count()
            tx.record(
                .itemRetire, .item, itemID, before: before,
                after: Retirement(reason: why, mergedInto: nil, reports: reports, notices: notices))
        }
    }

    /// Moves an item under another section of the same plan (or to the top).
    static func move(_ itemID: UUID, to parent: UUID?, reason: String?, actor: User, on store: Store, now: Date)
        async throws
    {
        let planID = try await planOf(itemID, on: store.db)
        try await store.write(.plan(planID), actor: actor.username, at: now) { tx in
            let item = try await live(itemID, on: tx.db)
            let (_, why) = try await guardEditable(planID: planID, reason: reason, on: tx.db)
            if let parent {
                let p = try await live(parent, on: tx.db)
                guard p.$plan.id == planID else { throw LuoshiError.notFound(entity: "上级事项", id: parent.uuidString) }
                // Not under itself or its own descendants.
                var cursor: PlanItem? = p
                while let c = cursor {
                    if c.id == itemID { throw LuoshiError.invalid(field: "上级事项", reason: "不能移到自己之下") }
                    cursor = try await c.$parent.id.asyncMap { try await PlanItem.find($0, on: tx.db) } ?? nil
                }
            }
            let before = ItemState(item)
            item.$parent.id = parent
            try await item.save(on: tx.db)
            tx.record(.itemMove, .item, itemID, before: before, after: Change(state: ItemState(item), reason: why))
        }
    }

    /// Merges `otherID` into `itemID`: their words joined; the other item is retired as merged into this
    /// one, and its reports, notices, milestones and comments follow it here (each move recorded), so
    /// the merged item's status counts them and none is lost.
    static func merge(
        _ itemID: UUID, with otherID: UUID, reason: String?, actor: User, on store: Store, now: Date
    ) async throws {
        let planID = try await planOf(itemID, on: store.db)
        try await store.write(.plan(planID), actor: actor.username, at: now) { tx in
            let item = try await live(itemID, on: tx.db)
            let other = try await live(otherID, on: tx.db)
            let (_, why) = try await guardEditable(planID: planID, reason: reason, on: tx.db)
            guard other.$plan.id == planID, otherID != itemID, other.kind == item.kind else {
                throw LuoshiError.invalid(field: "合并对象", reason: "只能合并同一计划中同类的两项")
            }
            if try await PlanItem.query(on: tx.db).filter(\.$parent.$id == otherID).filter(\.$retiredAt == nil)
                .count() > 0
            {
                throw LuoshiError.conflict(reason: "被合并的事项下还有子事项")
            }
            let before = [ItemState(item), ItemState(other)]
            item.title = item.title + other.title
            item.spanEnd = max(item.spanEnd, other.spanEnd)
            item.spanStart = min(item.spanStart, other.spanStart)
            try await item.save(on: tx.db)
            let reports = try await ProgressReport.query(on: tx.db).filter(\.$item.$id == otherID).all(\.$id)
            let notices = try await SupervisionNotice.query(on: tx.db).filter(\.$item.$id == otherID).all(\.$id)
            try await ProgressReport.query(on: tx.db).filter(\.$item.$id == otherID).set(\.$item.$id, to: itemID)
                .update()
            try await SupervisionNotice.query(on: tx.db).filter(\.$item.$id == otherID).set(\.$item.$id, to: itemID)
                .update()
            try await Milestone.query(on: tx.db).filter(\.$item.$id == otherID).set(\.$item.$id, to: itemID).update()
            try await Comment.query(on: tx.db).filter(\.$item.$id == otherID).set(\.$item.$id, to: itemID).update()
            other.retiredAt = now
            other.retiredBy = actor.username
            other.retiredReason = why
            other.$mergedInto.id = itemID
            try await other.save(on: tx.db)
            tx.record(
                .itemMerge, .item, itemID, before: before,
                after: MergeRecord(
                    state: ItemState(item), reason: why, merged: otherID, reports: reports, notices: notices))
            tx.record(
                .itemRetire, .item, otherID, before: ItemState(other),
                after: Retirement(reason: why, mergedInto: itemID, reports: reports.count, notices: notices.count))
            for n in notices {
                tx.record(.noticeMove, .notice, n, after: ["item": itemID, "from": otherID])
            }
            // Each report moved is a record changed: its entry carries what it became.
            for r in reports {
                tx.record(.reportMove, .report, r, after: ["item": itemID, "from": otherID])
            }
        }
    }

    struct MergeRecord: Encodable {
        var state: ItemState
        var reason: String?
        var merged: UUID
        var reports: [UUID]
        var notices: [UUID]
    }

    /// Splits an item's words in two: the item keeps `first`, a new sibling takes `second`.
    static func split(
        _ itemID: UUID, first: String, second: String, reason: String?, actor: User, on store: Store, now: Date
    ) async throws -> PlanItem {
        let a = first.storable.trimmingCharacters(in: .whitespacesAndNewlines)
        let b = second.storable.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !a.isEmpty, !b.isEmpty, a.count <= 2000, b.count <= 2000 else {
            throw LuoshiError.invalid(field: "拆分", reason: "两部分都不能为空，且各不超过 2000 字")
        }
        let planID = try await planOf(itemID, on: store.db)
        return try await store.write(.plan(planID), actor: actor.username, at: now) { tx in
            let item = try await live(itemID, on: tx.db)
            let (_, why) = try await guardEditable(planID: planID, reason: reason, on: tx.db)
            let before = ItemState(item)
            let sibling = PlanItem(
                id: UUID(), planID: planID, parentID: item.$parent.id, kind: item.kind, position: item.position,
                code: try await nextCode(plan: planID, on: tx.db), number: nil, title: b,
                span: Span(start: item.spanStart, end: item.spanEnd))
            item.title = a
            try await item.save(on: tx.db)
            try await sibling.create(on: tx.db)
            tx.record(
                .itemSplit, .item, itemID, before: before,
                after: [Change(state: ItemState(item), reason: why), Change(state: ItemState(sibling), reason: nil)])
            return sibling
        }
    }
}
