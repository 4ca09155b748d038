import Fluent

/// Expired sessions are cleared by their end time, and a password reset ends a user's sessions.
struct AddWebSessionIndexes: IndexMigration {
    static let indexes: [(name: String, table: String, columns: String)] = [
        ("web_sessions_expires", "web_sessions", "expires_at"),
        ("web_sessions_user", "web_sessions", "user_id"),
    ]
}
