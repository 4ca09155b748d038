import Fluent

struct CreatePlanItem: TableMigration {
    let table = PlanItem.schema

    func columns(_ table: SchemaBuilder) -> SchemaBuilder {
        table
            .field("plan_id", .uuid, .required, .references(Plan.schema, .id, onDelete: .cascade))
            .field("parent_id", .uuid, .references(PlanItem.schema, .id))
            .field("kind", .string, .required)
            .field("position", .int, .required)
            .field("code", .string, .required)
            .field("number", .string)
            .field("title", .string, .required)
            .field("span_start", .int, .required)
            .field("span_end", .int, .required)
            .field("headline", .bool, .required)
            .field("subject", .string)
            .field("comparator", .string)
            .field("value", .double)
            .field("value_min", .double)
            .field("value_max", .double)
            .field("unit", .string)
            .field("baseline", .double)
            .field("per", .string)
    }
}
