import Fluent

struct CreatePlanSupervision: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(PlanSupervision.schema)
            .id()
            .field("plan_id", .uuid, .required, .references(Plan.schema, .id, onDelete: .cascade))
            .field("rules_json", .string, .required)
            .field("principal_leader_id", .uuid, .references(User.schema, .id))
            .unique(on: "plan_id")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(PlanSupervision.schema).delete()
    }
}
