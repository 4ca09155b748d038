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
            let c = Comment(
                itemID: itemID, authorID: actor.id!, isInstruction: actor.role == .leader, body: body, createdAt: now)
            try await c.create(on: tx.db)
            tx.record(actor.role == .leader ? .itemInstruct : .itemComment, .item, itemID, after: ["body": body])
        }
    }
}
