import Fluent

struct CreateMilestone: TableMigration {
    let table = Milestone.schema

    func columns(_ table: SchemaBuilder) -> SchemaBuilder {
        table
            .field("item_id", .uuid, .required, .references(PlanItem.schema, .id, onDelete: .cascade))
            .field("name", .string, .required)
            .field("planned_date", .datetime, .required)
            .field("actual_date", .datetime)
            .field("share", .double, .required)
    }
}
