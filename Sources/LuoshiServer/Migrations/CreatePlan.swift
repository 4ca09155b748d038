import Fluent

struct CreatePlan: TableMigration {
    let table = Plan.schema

    func columns(_ table: SchemaBuilder) -> SchemaBuilder {
        table
            .field("title", .string, .required)
            .field("issuer", .string)
            .field("year", .int, .required)
            .field("status", .string, .required)
            .field("source_name", .string, .required)
            .field("source_sha256", .string, .required)
            .field("source_encoding", .string, .required)
            .field("source_text", .string, .required)
            .field("published_at", .datetime)
            .field("created_at", .datetime)
    }
}
