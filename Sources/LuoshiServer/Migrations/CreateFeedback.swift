import Fluent
import SQLKit

/// Citizens' feedback and the answers; kept like reports.
struct CreateFeedback: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(Feedback.schema).id()
            .field("plan_id", .uuid, .required, .references(Plan.schema, .id))
            .field("item_id", .uuid, .references(PlanItem.schema, .id))
            .field("name", .string)
            .field("contact", .string)
            .field("contact_erased_at", .datetime)
            .field("text", .string, .required)
            .field("state", .string, .required)
            .field("sender_tag", .string, .required)
            .field("submitted_at", .datetime, .required)
            .field("moderated_by", .string)
            .field("moderated_at", .datetime)
            .field("hidden_reason", .string)
            .field("unit_id", .uuid, .references(Organization.schema, .id))
            .field("answer", .string)
            .field("answered_by", .string)
            .field("answered_at", .datetime)
            .create()
        if let sql = database as? any SQLDatabase {
            try await sql.create(index: "feedback_sender").on(Feedback.schema).column("sender_tag")
                .column("submitted_at").run()
            try await sql.create(index: "feedback_plan").on(Feedback.schema).column("plan_id").column("state").run()
            try await ForbidDeletingRecords.protect(Feedback.schema, on: sql)
        }
    }

    func revert(on database: any Database) async throws {
        if let sql = database as? any SQLDatabase {
            try await ForbidDeletingRecords.unprotect(Feedback.schema, on: sql)
        }
        try await database.schema(Feedback.schema).delete()
    }
}
