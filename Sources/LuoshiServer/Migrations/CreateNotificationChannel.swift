import Fluent

struct CreateNotificationChannel: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(NotificationChannel.schema)
            .id()
            .field("name", .string, .required)
            .field("kind", .string, .required)
            .field("target", .string, .required)
            .field("secret", .string)
            .field("organization_id", .uuid, .references(Organization.schema, .id, onDelete: .cascade))
            .field("user_id", .uuid, .references(User.schema, .id, onDelete: .cascade))
            .field("active", .bool, .required)
            .field("created_at", .datetime, .required)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(NotificationChannel.schema).delete()
    }
}
