import Fluent

/// Audit entries carry the digest of the records they left behind and a seal made with a key the
/// database does not hold. Entries written before have neither: the first sealed entry vouches for
/// them, since its hash covers every entry before it.
struct AddAuditSeal: AsyncMigration {
    func prepare(on database: any Database) async throws {
        // One column a statement: SQLite adds one at a time.
        try await database.schema(AuditEntry.schema).field("row_digest", .string).update()
        try await database.schema(AuditEntry.schema).field("seal", .string).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(AuditEntry.schema).deleteField("seal").update()
        try await database.schema(AuditEntry.schema).deleteField("row_digest").update()
    }
}
