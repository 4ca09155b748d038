import Fluent
import SQLKit

/// A unit's name is unique among the units beside it (under one parent), no longer across the deployment:
/// every town of a county has its 党政办, and two towns may each have a 新建村. Units at the top of the tree
/// count as beside each other.
struct NameUnitsWithinParent: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await TableRebuild.dropConstraint("uq:organizations.name", from: Organization.schema, on: database)
        guard let sql = database as? any SQLDatabase else { return }
        // NULL parents are otherwise all distinct in a unique index: the top of the tree counts as one parent.
        let top = sql.dialect.name == "postgresql" ? "'00000000-0000-0000-0000-000000000000'::uuid" : "''"
        try await sql.raw(
            """
            CREATE UNIQUE INDEX IF NOT EXISTS organizations_name_under_parent
            ON organizations (COALESCE(parent_id, \(unsafeRaw: top)), name)
            """
        ).run()
    }

    func revert(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.raw("DROP INDEX IF EXISTS organizations_name_under_parent").run()
    }
}
