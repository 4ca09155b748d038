import Fluent

struct CreateNoticeEvidence: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(NoticeEvidence.schema)
            .id()
            .field("notice_id", .uuid, .required, .references(SupervisionNotice.schema, .id, onDelete: .cascade))
            .field("filename", .string, .required)
            .field("content_type", .string, .required)
            .field("size", .int, .required)
            .field("sha256", .string, .required)
            .field("uploaded_at", .datetime, .required)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(NoticeEvidence.schema).delete()
    }
}
