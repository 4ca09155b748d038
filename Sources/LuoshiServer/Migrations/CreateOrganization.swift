import Fluent

struct CreateOrganization: TableMigration {
    let table = Organization.schema

    func columns(_ table: SchemaBuilder) -> SchemaBuilder {
        table
            .field("name", .string, .required)
            .field("kind", .string, .required)
            .field("parent_id", .uuid, .references(Organization.schema, .id))
            .unique(on: "name")
    }
}
