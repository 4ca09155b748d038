import Fluent

/// Where a target's baseline came from (从77%提高到80%: the year it speaks of, the words' span), beside
/// the baseline figure itself, so the plan reads back as the document stated it.
struct AddBaselineSourceToPlanItem: AsyncMigration {
    func prepare(on database: any Database) async throws {
        // One column a statement: SQLite adds one at a time.
        try await database.schema(PlanItem.schema).field("baseline_year", .int).update()
        try await database.schema(PlanItem.schema).field("baseline_span_start", .int).update()
        try await database.schema(PlanItem.schema).field("baseline_span_end", .int).update()
    }

    func revert(on database: any Database) async throws {
        for field in ["baseline_year", "baseline_span_start", "baseline_span_end"] {
            try await database.schema(PlanItem.schema).deleteField(.key(.string(field))).update()
        }
    }
}
