import Fluent

struct CreateInboxMessage: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(InboxMessage.schema)
            .id()
            .field("user_id", .uuid, .required, .references(User.schema, .id, onDelete: .cascade))
            .field("kind", .string, .required)
            .field("title", .string, .required)
            .field("body", .string, .required)
            .field("link", .string)
            .field("created_at", .datetime, .required)
            .field("read_at", .datetime)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(InboxMessage.schema).delete()
    }
}
