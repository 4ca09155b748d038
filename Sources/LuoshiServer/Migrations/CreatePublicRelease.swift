import Fluent
import SQLKit

/// Plans as released to the public, each release kept.
struct CreatePublicRelease: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(PublicRelease.schema).id()
            .field("plan_id", .uuid, .required, .references(Plan.schema, .id))
            .field("number", .int, .required)
            .field("released_at", .datetime, .required)
            .field("released_by", .string, .required)
            .field("note", .string, .required)
            .field("content_json", .string, .required)
            .field("sha256", .string, .required)
            .unique(on: "plan_id", "number")
            .create()
        if let sql = database as? any SQLDatabase {
            try await ForbidDeletingRecords.protect(PublicRelease.schema, on: sql)
        }
    }

    func revert(on database: any Database) async throws {
        if let sql = database as? any SQLDatabase {
            try await ForbidDeletingRecords.unprotect(PublicRelease.schema, on: sql)
        }
        try await database.schema(PublicRelease.schema).delete()
    }
}
