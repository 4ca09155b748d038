import Fluent

struct CreateAuditEntry: TableMigration {
    let table = AuditEntry.schema

    func columns(_ table: SchemaBuilder) -> SchemaBuilder {
        table
            .field("sequence", .int, .required)
            .field("at", .datetime, .required)
            .field("actor", .string, .required)
            .field("action", .string, .required)
            .field("entity", .string, .required)
            .field("entity_id", .string, .required)
            .field("before", .string)
            .field("after", .string)
            .field("previous_hash", .string, .required)
            .field("hash", .string, .required)
            // Two writers cannot both take the next number: the chain stays a chain.
            .unique(on: "sequence")
    }
}
