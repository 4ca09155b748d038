import Fluent

/// Browser sessions, replacing Fluent's `_fluent_sessions`: the key is kept only as its SHA-256 (a copy of
/// the table signs nobody in), each session ends at a fixed time on the server whatever the cookie says,
/// and it names its user so that a password reset can end that user's sessions.
struct CreateWebSession: TableMigration {
    let table = WebSession.schema

    func columns(_ table: SchemaBuilder) -> SchemaBuilder {
        table
            .field("key_hash", .string, .required)
            .field("data", .string, .required)
            .field("user_id", .uuid, .references(User.schema, .id))
            .field("created_at", .datetime, .required)
            .field("expires_at", .datetime, .required)
            .unique(on: "key_hash")
    }
}
