import Fluent

/// A project's measured attributes (investment, length, site area …) as the reader found them, JSON.
struct AddAttributesToPlanItem: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(PlanItem.schema).field("attributes", .string).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(PlanItem.schema).deleteField("attributes").update()
    }
}
