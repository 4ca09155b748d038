import Fluent

struct CreateLoginAttempt: TableMigration {
    let table = LoginAttempt.schema

    func columns(_ table: SchemaBuilder) -> SchemaBuilder {
        table
            .field("username", .string, .required)
            .field("address", .string, .required)
            .field("at", .datetime, .required)
    }
}
