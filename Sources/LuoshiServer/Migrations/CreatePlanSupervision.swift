import Fluent

struct CreatePlanSupervision: TableMigration {
    let table = PlanSupervision.schema

    func columns(_ table: SchemaBuilder) -> SchemaBuilder {
        table
            .field("plan_id", .uuid, .required, .references(Plan.schema, .id, onDelete: .cascade))
            .field("rules_json", .string, .required)
            .field("principal_leader_id", .uuid, .references(User.schema, .id))
            .unique(on: "plan_id")
    }
}
