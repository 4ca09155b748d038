import Fluent
import SQLKit

/// Sessions are looked up by key on every request: index it.
struct AddSessionKeyIndex: AsyncMigration {
    func prepare(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.raw("CREATE INDEX IF NOT EXISTS _fluent_sessions_key ON _fluent_sessions (key)").run()
    }

    func revert(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.raw("DROP INDEX IF EXISTS _fluent_sessions_key").run()
    }
}
