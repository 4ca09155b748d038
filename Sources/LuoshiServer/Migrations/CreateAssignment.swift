import Fluent

struct CreateAssignment: TableMigration {
    let table = Assignment.schema

    func columns(_ table: SchemaBuilder) -> SchemaBuilder {
        table
            .field("item_id", .uuid, .required, .references(PlanItem.schema, .id, onDelete: .cascade))
            .field("lead_leader_id", .uuid, .references(User.schema, .id))
            .field("lead_unit_id", .uuid, .references(Organization.schema, .id))
            .field("cooperating_unit_ids", .string, .required)
            .field("responsible_person", .string)
            .field("start_date", .datetime)
            .field("due_date", .datetime)
            .field("weight", .double)
            .field("cycle", .string, .required)
            .unique(on: "item_id")
    }
}
