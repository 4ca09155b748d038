import Fluent
import SQLKit

/// The 考核's own records: the scheme's versions and what people enter (加分, 扣分, 一票否决, 满意度测评).
/// Both are kept like reports: the database refuses to delete them.
struct CreateAssessment: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(AssessmentSchemeVersion.schema).id()
            .field("plan_id", .uuid, .required, .references(Plan.schema, .id))
            .field("version", .int, .required)
            .field("scheme_json", .string, .required)
            .field("created_by", .string, .required)
            .field("created_at", .datetime, .required)
            .unique(on: "plan_id", "version")
            .create()
        try await database.schema(AssessmentEntry.schema).id()
            .field("plan_id", .uuid, .required, .references(Plan.schema, .id))
            .field("unit_id", .uuid, .required, .references(Organization.schema, .id))
            .field("period", .string, .required)
            .field("kind", .string, .required)
            .field("bonus_type", .string)
            .field("points", .double, .required)
            .field("reason", .string, .required)
            .field("decided_by", .string)
            .field("document", .string)
            .field("entered_by", .string, .required)
            .field("entered_at", .datetime, .required)
            .create()
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.create(index: "assessment_entries_plan_period").on(AssessmentEntry.schema)
            .column("plan_id").column("period").run()
        for t in [AssessmentSchemeVersion.schema, AssessmentEntry.schema] {
            try await ForbidDeletingRecords.protect(t, on: sql)
        }
    }

    func revert(on database: any Database) async throws {
        if let sql = database as? any SQLDatabase {
            for t in [AssessmentSchemeVersion.schema, AssessmentEntry.schema] {
                try await ForbidDeletingRecords.unprotect(t, on: sql)
            }
        }
        try await database.schema(AssessmentEntry.schema).delete()
        try await database.schema(AssessmentSchemeVersion.schema).delete()
    }
}
