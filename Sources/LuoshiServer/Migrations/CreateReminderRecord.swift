import Fluent

struct CreateReminderRecord: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(ReminderRecord.schema)
            .id()
            .field("plan_id", .uuid, .required, .references(Plan.schema, .id, onDelete: .cascade))
            .field("item_id", .uuid, .required, .references(PlanItem.schema, .id, onDelete: .cascade))
            .field("unit_id", .uuid, .required, .references(Organization.schema, .id))
            .field("period", .string, .required)
            .field("stage", .string, .required)
            .field("due_on", .string, .required)
            .field("sent_at", .datetime, .required)
            // The same reminder never goes twice, whichever server runs the pass.
            .unique(on: "item_id", "unit_id", "period", "stage")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(ReminderRecord.schema).delete()
    }
}
