import Fluent

struct CreateNoticeEvidence: TableMigration {
    let table = NoticeEvidence.schema

    func columns(_ table: SchemaBuilder) -> SchemaBuilder {
        table
            .field("notice_id", .uuid, .required, .references(SupervisionNotice.schema, .id, onDelete: .cascade))
            .field("filename", .string, .required)
            .field("content_type", .string, .required)
            .field("size", .int, .required)
            .field("sha256", .string, .required)
            .field("uploaded_at", .datetime, .required)
    }
}
