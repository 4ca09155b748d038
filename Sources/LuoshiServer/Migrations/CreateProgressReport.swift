import Fluent

struct CreateProgressReport: TableMigration {
    let table = ProgressReport.schema

    func columns(_ table: SchemaBuilder) -> SchemaBuilder {
        table
            .field("item_id", .uuid, .required, .references(PlanItem.schema, .id, onDelete: .cascade))
            .field("unit_id", .uuid, .required, .references(Organization.schema, .id))
            .field("author_id", .uuid, .required, .references(User.schema, .id))
            .field("period", .string, .required)
            .field("actual_value", .double)
            .field("percent_complete", .double)
            .field("milestone", .string)
            .field("narrative", .string, .required)
            .field("state", .string, .required)
            .field("review_reason", .string)
            .field("reviewer_id", .uuid, .references(User.schema, .id))
            .field("reviewed_at", .datetime)
            .field("supersedes_id", .uuid, .references(ProgressReport.schema, .id))
            .field("submitted_at", .datetime, .required)
    }
}
