import Fluent

struct CreateReminderRecord: TableMigration {
    let table = ReminderRecord.schema

    func columns(_ table: SchemaBuilder) -> SchemaBuilder {
        table
            .field("plan_id", .uuid, .required, .references(Plan.schema, .id, onDelete: .cascade))
            .field("item_id", .uuid, .required, .references(PlanItem.schema, .id, onDelete: .cascade))
            .field("unit_id", .uuid, .required, .references(Organization.schema, .id))
            .field("period", .string, .required)
            .field("stage", .string, .required)
            .field("due_on", .string, .required)
            .field("sent_at", .datetime, .required)
            // The same reminder never goes twice, whichever server runs the pass.
            .unique(on: "item_id", "unit_id", "period", "stage")
    }
}
