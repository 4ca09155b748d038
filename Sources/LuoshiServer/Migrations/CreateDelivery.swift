import Fluent

struct CreateDelivery: TableMigration {
    let table = Delivery.schema

    func columns(_ table: SchemaBuilder) -> SchemaBuilder {
        table
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
    }
}
