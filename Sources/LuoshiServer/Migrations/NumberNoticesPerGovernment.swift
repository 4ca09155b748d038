import Fluent
import SQLKit

/// A notice's number (督〔2015〕12号) is its government's: each town's office numbers its own notices from 1
/// each year. The notice keeps the government whose plan it was issued on; the old notices take their
/// plan's. A plan of no government numbers within the deployment's own sequence (NULL).
struct NumberNoticesPerGovernment: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(SupervisionNotice.schema).field(
            "organization_id", .uuid, .references(Organization.schema, .id)
        ).update()
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.raw(
            """
            UPDATE supervision_notices SET organization_id =
            (SELECT plans.organization_id FROM plans WHERE plans.id = supervision_notices.plan_id)
            """
        ).run()
        try await TableRebuild.dropConstraint(
            "uq:supervision_notices.year+supervision_notices.serial", from: SupervisionNotice.schema, on: database)
        let none = sql.dialect.name == "postgresql" ? "'00000000-0000-0000-0000-000000000000'::uuid" : "''"
        try await sql.raw(
            """
            CREATE UNIQUE INDEX IF NOT EXISTS supervision_notices_number
            ON supervision_notices (COALESCE(organization_id, \(unsafeRaw: none)), year, serial)
            """
        ).run()
    }

    func revert(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.raw("DROP INDEX IF EXISTS supervision_notices_number").run()
        try await database.schema(SupervisionNotice.schema).deleteField("organization_id").update()
    }
}
