import Fluent

struct CreateComment: TableMigration {
    let table = Comment.schema

    func columns(_ table: SchemaBuilder) -> SchemaBuilder {
        table
            .field("item_id", .uuid, .required, .references(PlanItem.schema, .id, onDelete: .cascade))
            .field("author_id", .uuid, .required, .references(User.schema, .id))
            .field("is_instruction", .bool, .required)
            .field("body", .string, .required)
            .field("created_at", .datetime, .required)
    }
}
