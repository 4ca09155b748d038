import Fluent

struct CreateUserToken: TableMigration {
    let table = UserToken.schema

    func columns(_ table: SchemaBuilder) -> SchemaBuilder {
        table
            .field("value", .string, .required)
            .field("user_id", .uuid, .required, .references(User.schema, .id, onDelete: .cascade))
            .field("expires_at", .datetime, .required)
            .unique(on: "value")
    }
}
