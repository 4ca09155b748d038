import Fluent
import SQLKit

/// 上级交办: a town's item handed down from a higher government's keeps the id of the item it came from,
/// which the higher office's roll-up looks its copies up by.
struct AddSourceToPlanItem: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(PlanItem.schema).field("source_item_id", .uuid).update()
        if let sql = database as? any SQLDatabase {
            try await sql.raw("CREATE INDEX IF NOT EXISTS plan_items_source ON plan_items (source_item_id)").run()
        }
    }

    func revert(on database: any Database) async throws {
        if let sql = database as? any SQLDatabase {
            try await sql.raw("DROP INDEX IF EXISTS plan_items_source").run()
        }
        try await database.schema(PlanItem.schema).deleteField("source_item_id").update()
    }
}
