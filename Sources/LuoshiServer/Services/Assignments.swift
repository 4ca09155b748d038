import Fluent
import Foundation
import LuoshiCore
import Vapor

/// One field of a bulk change: left as it is, emptied, or set.
enum FieldChange<Value> {
    case keep, clear, set(Value)

    /// The field's new value given its current one.
    func applied(to current: Value?) -> Value? {
        switch self {
        case .keep: return current
        case .clear: return nil
        case .set(let v): return v
        }
    }

    /// The same change with the value it sets parsed or checked: keep and clear stay as they are.
    func map<U>(_ transform: (Value) throws -> U) rethrows -> FieldChange<U> {
        switch self {
        case .keep: return .keep
        case .clear: return .clear
        case .set(let v): return .set(try transform(v))
        }
    }

    var value: Value? {
        if case .set(let v) = self { return v }
        return nil
    }
}

extension FieldChange: Sendable where Value: Sendable {}

/// A figure typed into a form field: blank is no figure; anything else must read as a number.
func formNumber(_ text: String, field: String) throws -> Double? {
    let t = text.trimmingCharacters(in: .whitespaces)
    if t.isEmpty { return nil }
    guard let v = Double(t) else { throw LuoshiError.invalid(field: field, reason: "不是数字 (not a number)") }
    return v
}

extension KeyedDecodingContainer {
    /// A field of a partial change in JSON: absent keeps, null empties, a value sets.
    func change<T: Decodable>(_ key: Key, as type: T.Type = T.self) throws -> FieldChange<T> {
        guard contains(key) else { return .keep }
        if try decodeNil(forKey: key) { return .clear }
        return .set(try decode(T.self, forKey: key))
    }
}

/// Assigning items: validated, then checked and written with the audit record in one transaction. A
/// bulk change changes only the fields it names; the rest of each item's assignment stays.
enum Assignments {
    struct Change: Sendable {
        var leader: FieldChange<UUID> = .keep
        var unit: FieldChange<UUID> = .keep
        var cooperating: FieldChange<[UUID]> = .keep
        var person: FieldChange<String> = .keep
        var start: FieldChange<Date> = .keep
        var due: FieldChange<Date> = .keep
        var weight: FieldChange<Double> = .keep
        /// nil: as it is (monthly for an item assigned for the first time).
        var cycle: ReportingCycle?
    }

    static func uuid(_ s: String, _ field: String) throws -> UUID {
        guard let u = UUID(uuidString: s) else { throw LuoshiError.invalid(field: field, reason: "无效的编号 (not an id)") }
        return u
    }

    static func date(_ s: String, _ field: String) throws -> Date {
        guard let d = Format.parseDate(s) else {
            throw LuoshiError.invalid(field: field, reason: "格式应为 2015-12-31 (a date like 2015-12-31)")
        }
        return d
    }

    static func weight(_ w: Double?) throws -> Double {
        guard let w, w.isFinite, w >= 0, w <= 1000 else {
            throw LuoshiError.invalid(field: "权重", reason: "应为 0 到 1000 的数字 (a number from 0 to 1000)")
        }
        return w
    }

    static func cycle(_ s: String) throws -> ReportingCycle {
        guard let c = ReportingCycle(rawValue: s) else {
            throw LuoshiError.invalid(field: "报送周期", reason: "未知的周期 (unknown cycle)")
        }
        return c
    }

    struct Summary: Sendable {
        var changed: Int
    }

    static func apply(_ change: Change, to ids: [UUID], actor: User, on store: Store, now: Date) async throws
        -> Summary
    {
        let unique = Array(Set(ids))
        guard unique.count <= 5000 else { throw LuoshiError.invalid(field: "事项", reason: "一次最多 5000 项") }
        if let person = change.person.value, person.count > 100 {
            throw LuoshiError.invalid(field: "责任人", reason: "不超过 100 字 (at most 100 characters)")
        }
        let found = try await PlanItem.query(on: store.db).filter(\.$id ~~ unique).all(\.$plan.$id)
        guard found.count == unique.count else {
            throw LuoshiError.notFound(entity: "事项", id: "\(unique.count - found.count) 项")
        }
        let plans = Set(found)
        guard plans.count == 1, let planID = plans.first else {
            throw LuoshiError.invalid(field: "事项", reason: "所选事项须属于同一计划 (the items must be of one plan)")
        }
        // Another government's plan, unit or leader does not exist for this office.
        let reach = try await Jurisdiction.of(actor, on: store.db)
        try await reach.require("planID", planID, entity: "事项", on: store.db)
        // Its units and leader are the plan's own government's, whoever assigns.
        let serving = try await Jurisdiction.serving(
            try await PlanStore.find(planID.uuidString, on: store.db), on: store.db)
        for u in [change.unit.value].compactMap({ $0 }) + (change.cooperating.value ?? []) {
            try await reach.require("unitID", u, entity: "单位", on: store.db)
            try await serving.require("unitID", u, entity: "单位", on: store.db)
        }
        if let l = change.leader.value {
            try await reach.require("userID", l, entity: "挂钩领导", on: store.db)
            try await serving.require("userID", l, entity: "挂钩领导", on: store.db)
        }
        return try await store.write(.plan(planID), actor: actor.username, at: now) { tx in
            let items = try await PlanItem.query(on: tx.db).filter(\.$id ~~ unique).filter(\.$retiredAt == nil).all()
            guard items.count == unique.count, items.allSatisfy({ $0.$plan.id == planID }) else {
                throw LuoshiError.notFound(entity: "事项", id: "\(unique.count - items.count) 项")
            }
            guard let plan = try await Plan.find(planID, on: tx.db), plan.status != .closed else {
                throw LuoshiError.conflict(reason: "计划已结束，不能再分解 (the plan is closed)")
            }
            if let u = change.unit.value, try await Organization.find(u, on: tx.db) == nil {
                throw LuoshiError.notFound(entity: "单位", id: u.uuidString)
            }
            for u in change.cooperating.value ?? [] where try await Organization.find(u, on: tx.db) == nil {
                throw LuoshiError.notFound(entity: "配合单位", id: u.uuidString)
            }
            if let l = change.leader.value {
                guard let leader = try await User.find(l, on: tx.db), leader.role == .leader else {
                    throw LuoshiError.invalid(field: "挂钩领导", reason: "不是领导账号 (not a leader's account)")
                }
            }
            let existing = try await Assignment.query(on: tx.db).filter(\.$item.$id ~~ unique).all()
            let byItem = Dictionary(existing.map { ($0.$item.id, $0) }, uniquingKeysWith: { a, _ in a })
            var changed = 0
            for item in items {
                let current = byItem[item.id!]
                let a = current ?? Assignment(itemID: item.id!)
                let before = current.map(AssignmentView.init)
                a.$leadLeader.id = change.leader.applied(to: a.$leadLeader.id)
                a.$leadUnit.id = change.unit.applied(to: a.$leadUnit.id)
                a.cooperatingUnitIDs = (change.cooperating.applied(to: a.cooperating) ?? []).map(\.uuidString)
                    .joined(separator: ",")
                a.responsiblePerson = change.person.applied(to: a.responsiblePerson)
                a.startDate = change.start.applied(to: a.startDate)
                a.dueDate = change.due.applied(to: a.dueDate)
                a.weight = change.weight.applied(to: a.weight)
                if let c = change.cycle { a.cycle = c }
                if let s = a.startDate, let d = a.dueDate, s > d {
                    throw LuoshiError.invalid(field: "截止日期", reason: "早于开始日期 (before the start)")
                }
                let after = AssignmentView(a)
                guard before != after else { continue }
                try await a.save(on: tx.db)
                changed += 1
                tx.record(.itemAssign, .item, item.id!, before: before, after: after)
            }
            return Summary(changed: changed)
        }
    }
}

/// An assignment as the API and the audit log show it.
struct AssignmentView: Content, Equatable {
    var leadLeader: UUID?
    var leadUnit: UUID?
    var cooperatingUnits: [UUID]
    var responsiblePerson: String?
    var startDate: Date?
    var dueDate: Date?
    var weight: Double?
    var cycle: ReportingCycle

    init(_ a: Assignment) {
        leadLeader = a.$leadLeader.id
        leadUnit = a.$leadUnit.id
        cooperatingUnits = a.cooperating
        responsiblePerson = a.responsiblePerson
        startDate = a.startDate
        dueDate = a.dueDate
        weight = a.weight
        cycle = a.cycle
    }
}
