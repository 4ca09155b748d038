import Fluent
import SQLKit

/// The lookups of a province's pages: "everything under this county" (`path LIKE '/…/county/%'`) and the
/// accounts of those units. PostgreSQL uses a b-tree for a prefix LIKE only with `text_pattern_ops`
/// under a non-C collation; SQLite's LIKE is case-insensitive and uses no index, so it gets the accounts'.
struct AddTreeLookupIndexes: AsyncMigration {
    func prepare(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.raw("CREATE INDEX IF NOT EXISTS users_organization ON users (organization_id)").run()
        if sql.dialect.name == "postgresql" {
            try await sql.raw("CREATE INDEX IF NOT EXISTS organizations_path ON organizations (path text_pattern_ops)")
                .run()
        }
    }

    func revert(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.raw("DROP INDEX IF EXISTS users_organization").run()
        try await sql.raw("DROP INDEX IF EXISTS organizations_path").run()
    }
}
