import Fluent

/// Leases on background work, one row a kind of work.
struct CreateBackgroundLease: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(BackgroundLease.schema)
            .field("name", .string, .identifier(auto: false))
            .field("holder", .string, .required)
            .field("until", .datetime, .required)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(BackgroundLease.schema).delete()
    }
}
