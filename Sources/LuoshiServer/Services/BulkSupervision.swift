import Fluent
import Foundation
import LuoshiCore
import Vapor

/// What staff do to many items at once from the list of items most behind: remind their lead units to
/// report (催报), or issue each a 督办单. Each item's step is its own audited write, as if done one by
/// one; an item that cannot take the step is reported back with the reason, and the rest go ahead.
enum BulkSupervision {
    /// At most this many items a step: a page of the list.
    static let limit = 100

    struct Outcome {
        var item: UUID
        var title: String
        /// What was done (a notice's number, the unit reminded), or why not.
        var done: String?
        var refused: String?
        var notice: UUID?
    }

    /// A reminder to the lead unit of each item, by hand: an inbox message to its reporters and its
    /// channels, recorded in the log as `item.remind`.
    static func remind(_ ids: [UUID], note: String?, by user: User, on store: Store, now: Date) async throws
        -> [Outcome]
    {
        guard user.role == .admin else { throw LuoshiError.forbidden(reason: "只有督查办可以催报 (only staff send reminders)") }
        let extra = note?.storable.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        guard extra.count <= 500 else {
            throw LuoshiError.invalid(field: "附言", reason: "不超过 500 字 (at most 500 characters)")
        }
        var outcomes: [Outcome] = []
        let reach = try await Jurisdiction.of(user, on: store.db)
        for id in ids.prefix(limit) {
            guard try await reach.covers(parameter: "itemID", id: id, on: store.db),
                let item = try await PlanItem.find(id, on: store.db)
            else {
                outcomes.append(.init(item: id, title: id.uuidString, refused: "找不到事项 (not found)"))
                continue
            }
            guard let unitID = try await Assignment.query(on: store.db).filter(\.$item.$id == id).first()?.$leadUnit.id,
                let unit = try await Organization.find(unitID, on: store.db)
            else {
                outcomes.append(.init(item: id, title: item.title, refused: "尚未分解到牵头单位 (no lead unit)"))
                continue
            }
            let reporters = try await User.reporters(of: [unitID], on: store.db)
            do {
                try await store.write(.plan(item.$plan.id), actor: user.username, at: now) { tx in
                    guard try await Plan.find(item.$plan.id, on: tx.db)?.status == .published else {
                        throw LuoshiError.conflict(reason: "计划未发布或已结束 (the plan is not published)")
                    }
                    _ = try await PlanEdits.live(id, on: tx.db)
                    var outbox = try await Outbox.load(on: tx.db)
                    outbox.add(
                        OutboxMessage(
                            kind: .reminder, title: "【催报】\(String(item.title.prefix(30)))",
                            body: "\(unit.name)：请尽快报送「\(item.title)」的最新进展。"
                                + (extra.isEmpty ? "" : Wording.clause(extra) + "。"),
                            link: SiteURL.item(id).path), users: reporters, units: [unitID])
                    try await outbox.flush(on: tx.db, now: now)
                    tx.record(.itemRemind, .item, id, after: ["unit": unit.name, "note": extra])
                }
            } catch let error as LuoshiError {
                // Retired or closed meanwhile: said for this item; the others go ahead.
                outcomes.append(.init(item: id, title: item.title, refused: error.message))
                continue
            }
            outcomes.append(.init(item: id, title: item.title, done: unit.name))
        }
        return outcomes
    }

    /// A notice on each item, to its lead unit, with the same level, reason and deadline.
    static func issue(
        _ ids: [UUID], level: NoticeLevel, reason: String, requiredAction: String, respondBy: String?, by user: User,
        on store: Store, now: Date
    ) async throws -> [Outcome] {
        var outcomes: [Outcome] = []
        for id in ids.prefix(limit) {
            let title = try await PlanItem.find(id, on: store.db)?.title ?? id.uuidString
            do {
                let n = try await Notices.issue(
                    .init(
                        item: id, unit: nil, level: level, reason: reason, requiredAction: requiredAction,
                        respondBy: respondBy), by: user, on: store, now: now)
                outcomes.append(.init(item: id, title: title, done: n.number, notice: n.id))
            } catch let error as LuoshiError {
                // The same words for every item mean the same refusal for all: said once, not a hundred times.
                if case .invalid(let field, _) = error, ["督办事由", "办理要求", "反馈期限"].contains(field) { throw error }
                outcomes.append(.init(item: id, title: title, refused: error.message))
            }
        }
        return outcomes
    }
}
