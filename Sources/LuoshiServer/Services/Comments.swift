import Fluent
import Foundation
import LuoshiCore
import Vapor

/// Comments on an item; a leader's comment is an instruction (批示).
enum Comments {
    static func add(_ body: String, on itemID: UUID, actor: User, on store: Store, now: Date) async throws {
        let planID = try await PlanEdits.planOf(itemID, on: store.db)
        try await store.write(.plan(planID), actor: actor.username, at: now) { tx in
            _ = try await PlanEdits.live(itemID, on: tx.db)
            guard let plan = try await Plan.find(planID, on: tx.db) else {
                throw LuoshiError.notFound(entity: "事项", id: itemID.uuidString)
            }
            // An item of a plan the author may not read does not exist for them.
            guard Visibility.mayReadPlan(status: plan.status, role: actor.role) else {
                throw LuoshiError.notFound(entity: "事项", id: itemID.uuidString)
            }
            let involved =
                try await actor.$organization.id.asyncMap { unit in
                    try await Assignment.query(on: tx.db).filter(\.$item.$id == itemID).first()?.involves(unit) ?? false
                } ?? false
            guard Visibility.mayComment(planStatus: plan.status, role: actor.role, unitInvolved: involved) else {
                throw LuoshiError.forbidden(reason: "只能对本单位承担的事项发表意见 (only on items your unit works on)")
            }
            let c = Comment(
                itemID: itemID, authorID: actor.id!, isInstruction: actor.role == .leader, body: body, createdAt: now)
            try await c.create(on: tx.db)
            tx.record(actor.role == .leader ? .itemInstruct : .itemComment, .item, itemID, after: ["body": body])
            // A leader's 批示 reaches the units that carry the item out, not only those who open its page.
            if actor.role == .leader,
                let a = try await Assignment.query(on: tx.db).filter(\.$item.$id == itemID).first(),
                let item = try await PlanItem.find(itemID, on: tx.db)
            {
                let units = [a.$leadUnit.id].compactMap { $0 } + a.cooperating
                let reporters = try await User.reporters(of: units, on: tx.db)
                var outbox = try await Outbox.load(on: tx.db)
                outbox.add(
                    OutboxMessage(
                        kind: .instruction, title: "【领导批示】\(item.title.prefix(30))",
                        body: "\(actor.displayName)：\(String(body.prefix(300)))", link: "/items/\(itemID)"),
                    users: reporters, units: units)
                try await outbox.flush(on: tx.db, now: now)
            }
        }
    }
}
