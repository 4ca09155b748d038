import Fluent

struct CreateDeliveryAttempt: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(DeliveryAttempt.schema)
            .id()
            .field("delivery_id", .uuid, .required, .references(Delivery.schema, .id, onDelete: .cascade))
            .field("at", .datetime, .required)
            .field("ok", .bool, .required)
            .field("status", .int)
            .field("answer", .string, .required)
            .field("duration_ms", .int, .required)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(DeliveryAttempt.schema).delete()
    }
}
