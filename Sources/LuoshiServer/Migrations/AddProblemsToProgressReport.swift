import Fluent

/// A report's 存在问题 and 下一步措施 beside its 进展情况: the three parts a 分解表's progress columns and an
/// office's 台账 ask of every report. Both optional; reports filed before have neither.
struct AddProblemsToProgressReport: AsyncMigration {
    func prepare(on database: any Database) async throws {
        // One column a statement: SQLite adds one at a time.
        try await database.schema(ProgressReport.schema).field("problems", .string).update()
        try await database.schema(ProgressReport.schema).field("next_steps", .string).update()
    }

    func revert(on database: any Database) async throws {
        for field in ["problems", "next_steps"] {
            try await database.schema(ProgressReport.schema).deleteField(.key(.string(field))).update()
        }
    }
}
