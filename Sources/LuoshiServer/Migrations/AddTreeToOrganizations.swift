import Fluent
import LuoshiCore
import SQLKit

/// The organisation tree: each unit's 统计用区划代码 (the statistics bureau's division code, unique where
/// given) and its path from the top of the tree (`TreePath`), which makes "everything under this county" one
/// prefix test. Paths of the units already there are worked out from their parents.
struct AddTreeToOrganizations: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(Organization.schema).field("code", .string).update()
        try await database.schema(Organization.schema).field("path", .string).update()
        if let sql = database as? any SQLDatabase {
            // Many units (departments, a new town) have no code yet: a unique index lets any number be NULL.
            try await sql.raw("CREATE UNIQUE INDEX IF NOT EXISTS organizations_code ON organizations (code)").run()
            try await sql.raw("CREATE INDEX IF NOT EXISTS organizations_parent ON organizations (parent_id)").run()
        }
        let units = try await Organization.query(on: database).all()
        let paths = OrganizationTree.paths(units.map { ($0.id!, $0.$parent.id) })
        for unit in units {
            unit.path = paths[unit.id!]?.text
            try await unit.save(on: database)
        }
    }

    func revert(on database: any Database) async throws {
        if let sql = database as? any SQLDatabase {
            try await sql.raw("DROP INDEX IF EXISTS organizations_code").run()
            try await sql.raw("DROP INDEX IF EXISTS organizations_parent").run()
        }
        try await database.schema(Organization.schema).deleteField("code").update()
        try await database.schema(Organization.schema).deleteField("path").update()
    }
}

/// Each plan belongs to the government that issued it (a town's plan to the town, a county's to the
/// county). Where the deployment has one government, its plans so far are that government's; otherwise
/// they stay the deployment's own until staff say whose they are.
struct AddOwnerToPlan: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(Plan.schema).field(
            "organization_id", .uuid, .references(Organization.schema, .id)
        ).update()
        if let sql = database as? any SQLDatabase {
            try await sql.raw("CREATE INDEX IF NOT EXISTS plans_owner ON plans (organization_id, year)").run()
        }
        let governments = try await Organization.query(on: database).all().filter(\.kind.isGovernment)
        if governments.count == 1 {
            try await Plan.query(on: database).set(\.$owner.$id, to: governments[0].id).update()
        }
    }

    func revert(on database: any Database) async throws {
        if let sql = database as? any SQLDatabase { try await sql.raw("DROP INDEX IF EXISTS plans_owner").run() }
        try await database.schema(Plan.schema).deleteField("organization_id").update()
    }
}
