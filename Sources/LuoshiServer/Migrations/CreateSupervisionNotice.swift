import Fluent

struct CreateSupervisionNotice: TableMigration {
    let table = SupervisionNotice.schema

    func columns(_ table: SchemaBuilder) -> SchemaBuilder {
        table
            .field("plan_id", .uuid, .required, .references(Plan.schema, .id, onDelete: .cascade))
            .field("item_id", .uuid, .required, .references(PlanItem.schema, .id, onDelete: .cascade))
            .field("unit_id", .uuid, .required, .references(Organization.schema, .id))
            .field("year", .int, .required)
            .field("serial", .int, .required)
            .field("level", .string, .required)
            .field("reason", .string, .required)
            .field("required_action", .string, .required)
            .field("respond_by", .datetime, .required)
            .field("state", .string, .required)
            .field("escalation", .int, .required)
            .field("trigger_key", .string)
            .field("issued_by_id", .uuid, .references(User.schema, .id))
            .field("issued_at", .datetime, .required)
            .field("signed_by_id", .uuid, .references(User.schema, .id))
            .field("signed_at", .datetime)
            .field("response", .string)
            .field("responded_by_id", .uuid, .references(User.schema, .id))
            .field("responded_at", .datetime)
            .field("return_reason", .string)
            .field("closed_at", .datetime)
            .field("closing_note", .string)
            // Document numbers are unique per year; an automatic trigger makes one notice per item and unit.
            .unique(on: "year", "serial")
            .unique(on: "item_id", "unit_id", "trigger_key")
    }
}
