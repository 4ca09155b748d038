import Fluent

struct CreateMilestone: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(Milestone.schema)
            .id()
            .field("item_id", .uuid, .required, .references(PlanItem.schema, .id, onDelete: .cascade))
            .field("name", .string, .required)
            .field("planned_date", .datetime, .required)
            .field("actual_date", .datetime)
            .field("share", .double, .required)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(Milestone.schema).delete()
    }
}
