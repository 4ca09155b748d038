import Fluent
import SQLKit

/// A 考核 round's stages and the 异议 lodged during its 公示; kept like reports.
struct CreateAssessmentRound: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(AssessmentRound.schema).id()
            .field("plan_id", .uuid, .required, .references(Plan.schema, .id))
            .field("period", .string, .required)
            .field("at_day", .string, .required)
            .field("scheme_version", .int, .required)
            .field("stage", .string, .required)
            .field("publicity_until", .string)
            .field("result_json", .string)
            .field("opened_by", .string, .required)
            .field("opened_at", .datetime, .required)
            .field("published_at", .datetime)
            .field("finalized_at", .datetime)
            .unique(on: "plan_id", "period")
            .create()
        try await database.schema(AssessmentObjection.schema).id()
            .field("round_id", .uuid, .required, .references(AssessmentRound.schema, .id))
            .field("unit_id", .uuid, .required, .references(Organization.schema, .id))
            .field("text", .string, .required)
            .field("lodged_by", .string, .required)
            .field("lodged_at", .datetime, .required)
            .field("answer", .string)
            .field("answered_by", .string)
            .field("answered_at", .datetime)
            .create()
        guard let sql = database as? any SQLDatabase else { return }
        for t in [AssessmentRound.schema, AssessmentObjection.schema] {
            try await ForbidDeletingRecords.protect(t, on: sql)
        }
    }

    func revert(on database: any Database) async throws {
        if let sql = database as? any SQLDatabase {
            for t in [AssessmentRound.schema, AssessmentObjection.schema] {
                try await ForbidDeletingRecords.unprotect(t, on: sql)
            }
        }
        try await database.schema(AssessmentObjection.schema).delete()
        try await database.schema(AssessmentRound.schema).delete()
    }
}
