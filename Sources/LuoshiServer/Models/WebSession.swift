import Fluent
import Foundation
import LuoshiCore
import Vapor

/// A browser session. The cookie carries a random key; the table keeps only the key's SHA-256.
final class WebSession: Model, @unchecked Sendable {
    static let schema = "web_sessions"

    @ID(key: .id) var id: UUID?
    @Field(key: "key_hash") var keyHash: String
    @Field(key: "data") var data: String
    @OptionalParent(key: "user_id") var user: User?
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "expires_at") var expiresAt: Date

    init() {}

    /// How long a session lasts, from sign-in, on the server's real clock (never the demo's pinned one).
    static let lifetime: TimeInterval = 12 * 3600

    /// The stored session with this cookie key, expired or not.
    static func keyed(_ id: SessionID, on db: any Database) -> QueryBuilder<WebSession> {
        query(on: db).filter(\.$keyHash == StoredSecret.digest(id.string))
    }
}

/// What a table keeps of a secret it must recognise (a session key, a bearer token): its SHA-256, so
/// that a copy of the table signs nobody in.
enum StoredSecret {
    static func digest(_ secret: String) -> String { Fingerprint.sha256Hex(Array(secret.utf8)) }
}
