import Fluent

struct CreateDelivery: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(Delivery.schema)
            .id()
            .field("channel_id", .uuid, .required, .references(NotificationChannel.schema, .id, onDelete: .cascade))
            .field("event", .string, .required)
            .field("title", .string, .required)
            .field("body", .string, .required)
            .field("link", .string)
            .field("state", .string, .required)
            .field("attempts", .int, .required)
            .field("next_attempt_at", .datetime, .required)
            .field("last_error", .string)
            .field("created_at", .datetime, .required)
            .field("delivered_at", .datetime)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(Delivery.schema).delete()
    }
}
