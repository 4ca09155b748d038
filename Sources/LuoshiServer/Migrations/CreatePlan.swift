import Fluent

struct CreatePlan: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(Plan.schema)
            .id()
            .field("title", .string, .required)
            .field("issuer", .string)
            .field("year", .int, .required)
            .field("status", .string, .required)
            .field("source_name", .string, .required)
            .field("source_sha256", .string, .required)
            .field("source_encoding", .string, .required)
            .field("source_text", .string, .required)
            .field("published_at", .datetime)
            .field("created_at", .datetime)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(Plan.schema).delete()
    }
}
