import Fluent
import SQLKit

/// Followers of public items (kept, their addresses erased when they stop), and the requests to follow that
/// the rate limits count.
struct CreateFollower: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(Follower.schema).id()
            .field("plan_id", .uuid, .required, .references(Plan.schema, .id))
            .field("item_id", .uuid, .references(PlanItem.schema, .id))
            .field("email", .string)
            .field("state", .string, .required)
            .field("channel_id", .uuid, .references(NotificationChannel.schema, .id))
            .field("sender_tag", .string, .required)
            .field("requested_at", .datetime, .required)
            .field("confirmed_at", .datetime)
            .field("ended_at", .datetime)
            .field("told", .string)
            .field("told_at", .datetime)
            .create()
        if let sql = database as? any SQLDatabase {
            try await sql.create(index: "followers_plan").on(Follower.schema).column("plan_id").column("state").run()
            try await sql.create(index: "followers_sender").on(Follower.schema).column("sender_tag")
                .column("requested_at").run()
            try await ForbidDeletingRecords.protect(Follower.schema, on: sql)
        }
        try await database.schema(FollowRequest.schema).id()
            .field("sender_tag", .string, .required)
            .field("email_tag", .string, .required)
            .field("mailed", .bool, .required)
            .field("at", .datetime, .required)
            .create()
        if let sql = database as? any SQLDatabase {
            try await sql.create(index: "follow_requests_sender").on(FollowRequest.schema).column("sender_tag")
                .column("at").run()
            try await sql.create(index: "follow_requests_email").on(FollowRequest.schema).column("email_tag")
                .column("at").run()
        }
    }

    func revert(on database: any Database) async throws {
        if let sql = database as? any SQLDatabase {
            try await ForbidDeletingRecords.unprotect(Follower.schema, on: sql)
        }
        try await database.schema(FollowRequest.schema).delete()
        try await database.schema(Follower.schema).delete()
    }
}
