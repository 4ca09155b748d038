import Fluent
import Foundation
import SQLKit

/// Items are retired, never deleted (who, when, why, and the item a merged one went into); item codes
/// become unique per plan. Codes that collided before (an add after a delete reused "n" + count) are
/// renumbered past the plan's highest before the unique index is made.
struct AddRetirementToPlanItem: AsyncMigration {
    func prepare(on database: any Database) async throws {
        // One column a statement: SQLite adds one at a time.
        try await database.schema(PlanItem.schema).field("retired_at", .datetime).update()
        try await database.schema(PlanItem.schema).field("retired_by", .string).update()
        try await database.schema(PlanItem.schema).field("retired_reason", .string).update()
        try await database.schema(PlanItem.schema).field("merged_into_id", .uuid).update()
        guard let sql = database as? any SQLDatabase else { return }
        let rows = try await sql.select().columns("id", "plan_id", "code").from(PlanItem.schema)
            .orderBy("position").all()
        var seen: [UUID: Set<String>] = [:]
        var highest: [UUID: Int] = [:]
        var duplicates: [(id: UUID, plan: UUID)] = []
        for row in rows {
            let plan = try row.decode(column: "plan_id", as: UUID.self)
            let code = try row.decode(column: "code", as: String.self)
            if code.hasPrefix("n"), let n = Int(code.dropFirst()) { highest[plan] = max(highest[plan] ?? 0, n) }
            if !seen[plan, default: []].insert(code).inserted {
                duplicates.append((try row.decode(column: "id", as: UUID.self), plan))
            }
        }
        for d in duplicates {
            let next = (highest[d.plan] ?? 0) + 1
            highest[d.plan] = next
            try await sql.update(PlanItem.schema).set("code", to: "n\(next)").where("id", .equal, d.id).run()
        }
        try await sql.raw("CREATE UNIQUE INDEX plan_items_code ON plan_items (plan_id, code)").run()
    }

    func revert(on database: any Database) async throws {
        if let sql = database as? any SQLDatabase { try await sql.raw("DROP INDEX IF EXISTS plan_items_code").run() }
        for field in ["retired_at", "retired_by", "retired_reason", "merged_into_id"] {
            try await database.schema(PlanItem.schema).deleteField(.key(.string(field))).update()
        }
    }
}
