import Fluent

/// A photo with a citizen's feedback (a broken street lamp, a blocked drain): its stored file's id, type and
/// fingerprint.
struct AddPhotoToFeedback: AsyncMigration {
    static let fields: [(String, DatabaseSchema.DataType)] = [
        ("photo_id", .uuid), ("photo_type", .string), ("photo_sha256", .string),
    ]

    func prepare(on database: any Database) async throws {
        // One column a statement: SQLite adds one at a time.
        for (name, type) in Self.fields {
            try await database.schema(Feedback.schema).field(.string(name), type).update()
        }
    }

    func revert(on database: any Database) async throws {
        for (name, _) in Self.fields {
            try await database.schema(Feedback.schema).deleteField(.key(.string(name))).update()
        }
    }
}
