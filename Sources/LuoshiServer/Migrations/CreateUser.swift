import Fluent

struct CreateUser: TableMigration {
    let table = User.schema

    func columns(_ table: SchemaBuilder) -> SchemaBuilder {
        table
            .field("username", .string, .required)
            .field("display_name", .string, .required)
            .field("password_hash", .string, .required)
            .field("role", .string, .required)
            .field("organization_id", .uuid, .references(Organization.schema, .id))
            .field("language", .string)
            .field("created_at", .datetime)
            .unique(on: "username")
    }
}
