import Fluent
import SQLKit

/// A migration that adds plain indexes (where both databases spell them alike).
protocol IndexMigration: AsyncMigration {
    static var indexes: [(name: String, table: String, columns: String)] { get }
}

extension IndexMigration {
    func prepare(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        for index in Self.indexes {
            try await sql.raw(
                "CREATE INDEX IF NOT EXISTS \(unsafeRaw: index.name) ON \(unsafeRaw: index.table) (\(unsafeRaw: index.columns))"
            ).run()
        }
    }

    func revert(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        for index in Self.indexes { try await sql.raw("DROP INDEX IF EXISTS \(unsafeRaw: index.name)").run() }
    }
}

/// Indexes for the lookups every page and report makes (by item, by plan, by state).
struct AddLookupIndexes: IndexMigration {
    static let indexes: [(name: String, table: String, columns: String)] = [
        ("progress_reports_item", "progress_reports", "item_id, period"),
        ("progress_reports_state", "progress_reports", "state"),
        ("plan_items_plan", "plan_items", "plan_id, position"),
        ("comments_item", "comments", "item_id"),
        ("evidence_report", "evidence", "report_id"),
        ("login_attempts_username", "login_attempts", "username, at"),
        ("login_attempts_address", "login_attempts", "address, at"),
        ("user_tokens_user", "user_tokens", "user_id"),
    ]
}
