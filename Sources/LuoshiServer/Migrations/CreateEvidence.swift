import Fluent

struct CreateEvidence: TableMigration {
    let table = Evidence.schema

    func columns(_ table: SchemaBuilder) -> SchemaBuilder {
        table
            .field("report_id", .uuid, .required, .references(ProgressReport.schema, .id, onDelete: .cascade))
            .field("filename", .string, .required)
            .field("content_type", .string, .required)
            .field("size", .int, .required)
            .field("sha256", .string, .required)
            .field("uploaded_at", .datetime, .required)
    }
}
