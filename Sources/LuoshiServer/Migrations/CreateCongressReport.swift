import Fluent
import SQLKit

/// Reports to the people's congress, one a plan and period.
struct CreateCongressReport: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(CongressReport.schema).id()
            .field("plan_id", .uuid, .required, .references(Plan.schema, .id))
            .field("period", .string, .required)
            .field("content_json", .string, .required)
            .field("issued", .bool, .required)
            .field("drafted_by", .string, .required)
            .field("drafted_at", .datetime, .required)
            .field("issued_by", .string)
            .field("issued_at", .datetime)
            .unique(on: "plan_id", "period")
            .create()
        if let sql = database as? any SQLDatabase {
            try await ForbidDeletingRecords.protect(CongressReport.schema, on: sql)
        }
    }

    func revert(on database: any Database) async throws {
        if let sql = database as? any SQLDatabase {
            try await ForbidDeletingRecords.unprotect(CongressReport.schema, on: sql)
        }
        try await database.schema(CongressReport.schema).delete()
    }
}
