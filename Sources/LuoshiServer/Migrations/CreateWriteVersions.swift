import Fluent
import SQLKit

/// A counter a scope of writes: `plan:<id>` for each plan's writes, `directory` for units and accounts.
/// Bumped by the write that changes them, in its transaction; a plan's pages are kept while its counter
/// and the directory's stand still, so a filing in one town no longer throws away every town's.
struct CreateWriteVersions: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("write_versions")
            .field("scope", .string, .identifier(auto: false))
            .field("version", .int64, .required)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("write_versions").delete()
    }
}
