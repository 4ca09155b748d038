import Fluent

struct CreateInboxMessage: TableMigration {
    let table = InboxMessage.schema

    func columns(_ table: SchemaBuilder) -> SchemaBuilder {
        table
            .field("user_id", .uuid, .required, .references(User.schema, .id, onDelete: .cascade))
            .field("kind", .string, .required)
            .field("title", .string, .required)
            .field("body", .string, .required)
            .field("link", .string)
            .field("created_at", .datetime, .required)
            .field("read_at", .datetime)
    }
}
