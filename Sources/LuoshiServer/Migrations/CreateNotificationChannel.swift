import Fluent

struct CreateNotificationChannel: TableMigration {
    let table = NotificationChannel.schema

    func columns(_ table: SchemaBuilder) -> SchemaBuilder {
        table
            .field("name", .string, .required)
            .field("kind", .string, .required)
            .field("target", .string, .required)
            .field("secret", .string)
            .field("organization_id", .uuid, .references(Organization.schema, .id, onDelete: .cascade))
            .field("user_id", .uuid, .references(User.schema, .id, onDelete: .cascade))
            .field("active", .bool, .required)
            .field("created_at", .datetime, .required)
    }
}
