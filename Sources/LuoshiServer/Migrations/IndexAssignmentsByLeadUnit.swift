import Fluent
import SQLKit

/// The tasks a unit leads: the units page counts them for each unit it shows. Without an index each count
/// scans every assignment of the deployment (30 ms at a province's 360,000, measured by `bench province`).
struct IndexAssignmentsByLeadUnit: AsyncMigration {
    func prepare(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.raw("CREATE INDEX IF NOT EXISTS assignments_lead_unit ON assignments (lead_unit_id)").run()
    }

    func revert(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.raw("DROP INDEX IF EXISTS assignments_lead_unit").run()
    }
}
