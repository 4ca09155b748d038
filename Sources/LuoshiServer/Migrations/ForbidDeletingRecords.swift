import Fluent
import SQLKit

/// Nothing issued, reported, commented or decided is ever deleted: the database itself refuses a
/// DELETE on these tables, so no cascade, no forgotten code path and no hand-typed statement can lose
/// them. Items are retired instead (AddRetirementToPlanItem).
struct ForbidDeletingRecords: AsyncMigration {
    static let tables = [
        "plans", "plan_items", "progress_reports", "comments", "supervision_notices", "milestones", "assignments",
        "evidence", "notice_evidence", "audit_entries",
    ]

    func prepare(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        if sql.dialect.name == "postgresql" {
            try await sql.raw(
                """
                CREATE OR REPLACE FUNCTION luoshi_keep_records() RETURNS trigger AS $$
                BEGIN RAISE EXCEPTION 'luoshi keeps % rows: retire, never delete', TG_TABLE_NAME; END;
                $$ LANGUAGE plpgsql
                """
            ).run()
        }
        for t in Self.tables { try await Self.protect(t, on: sql) }
    }

    func revert(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        for t in Self.tables { try await Self.unprotect(t, on: sql) }
        if sql.dialect.name == "postgresql" {
            try await sql.raw("DROP FUNCTION IF EXISTS luoshi_keep_records()").run()
        }
    }

    /// Makes the database refuse a DELETE on the table.
    static func protect(_ table: String, on sql: any SQLDatabase) async throws {
        if sql.dialect.name == "postgresql" {
            try await sql.raw(
                "CREATE TRIGGER \(unsafeRaw: table)_keep BEFORE DELETE ON \(unsafeRaw: table) FOR EACH ROW EXECUTE FUNCTION luoshi_keep_records()"
            ).run()
        } else {
            try await sql.raw(
                "CREATE TRIGGER \(unsafeRaw: table)_keep BEFORE DELETE ON \(unsafeRaw: table) BEGIN SELECT RAISE(ABORT, 'luoshi keeps \(unsafeRaw: table) rows: retire, never delete'); END"
            ).run()
        }
    }

    static func unprotect(_ table: String, on sql: any SQLDatabase) async throws {
        if sql.dialect.name == "postgresql" {
            try await sql.raw("DROP TRIGGER IF EXISTS \(unsafeRaw: table)_keep ON \(unsafeRaw: table)").run()
        } else {
            try await sql.raw("DROP TRIGGER IF EXISTS \(unsafeRaw: table)_keep").run()
        }
    }
}
