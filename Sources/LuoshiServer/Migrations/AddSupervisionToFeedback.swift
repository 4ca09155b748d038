import Fluent

/// Feedback's answers are supervised like other work: when its reminder went and when a late answer was
/// acted on, so each happens once whichever server runs the pass.
struct AddSupervisionToFeedback: AsyncMigration {
    func prepare(on database: any Database) async throws {
        // One column a statement: SQLite adds one at a time.
        try await database.schema(Feedback.schema).field("reminded_at", .datetime).update()
        try await database.schema(Feedback.schema).field("late_at", .datetime).update()
    }

    func revert(on database: any Database) async throws {
        for field in ["reminded_at", "late_at"] {
            try await database.schema(Feedback.schema).deleteField(.key(.string(field))).update()
        }
    }
}
