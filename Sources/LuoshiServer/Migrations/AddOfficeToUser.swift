import Fluent

/// People's offices: a leader's 职务 and 分管 areas, shown wherever the leader is named, and the date an
/// account was disabled. Accounts are disabled, never deleted: the audit log names them.
struct AddOfficeToUser: AsyncMigration {
    func prepare(on database: any Database) async throws {
        // One column a statement: SQLite adds one at a time.
        try await database.schema(User.schema).field("office", .string).update()
        try await database.schema(User.schema).field("portfolio", .string).update()
        try await database.schema(User.schema).field("disabled_at", .datetime).update()
    }

    func revert(on database: any Database) async throws {
        for field in ["office", "portfolio", "disabled_at"] {
            try await database.schema(User.schema).deleteField(.key(.string(field))).update()
        }
    }
}
