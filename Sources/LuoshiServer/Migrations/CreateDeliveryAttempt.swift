import Fluent

struct CreateDeliveryAttempt: TableMigration {
    let table = DeliveryAttempt.schema

    func columns(_ table: SchemaBuilder) -> SchemaBuilder {
        table
            .field("delivery_id", .uuid, .required, .references(Delivery.schema, .id, onDelete: .cascade))
            .field("at", .datetime, .required)
            .field("ok", .bool, .required)
            .field("status", .int)
            .field("answer", .string, .required)
            .field("duration_ms", .int, .required)
    }
}
