import Fluent
import SQLKit

/// A unit's 自评 and staff's 复核, line by line; kept like reports.
struct CreateAssessmentClaim: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(AssessmentClaim.schema).id()
            .field("round_id", .uuid, .required, .references(AssessmentRound.schema, .id))
            .field("unit_id", .uuid, .required, .references(Organization.schema, .id))
            .field("line_key", .string, .required)
            .field("kind", .string, .required)
            .field("points", .double, .required)
            .field("note", .string, .required)
            .field("by", .string, .required)
            .field("at", .datetime, .required)
            .create()
        if let sql = database as? any SQLDatabase {
            try await ForbidDeletingRecords.protect(AssessmentClaim.schema, on: sql)
        }
    }

    func revert(on database: any Database) async throws {
        if let sql = database as? any SQLDatabase {
            try await ForbidDeletingRecords.unprotect(AssessmentClaim.schema, on: sql)
        }
        try await database.schema(AssessmentClaim.schema).delete()
    }
}
