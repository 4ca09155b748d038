import Fluent
import LuoshiCore
import Vapor

/// A person who signs in: staff, a unit's reporter, a leader, a deputy.
final class User: Model, @unchecked Sendable {
    static let schema = "users"

    @ID(key: .id) var id: UUID?
    @Field(key: "username") var username: String
    @Field(key: "display_name") var displayName: String
    @Field(key: "password_hash") var passwordHash: String
    @Field(key: "role") var role: Role
    @OptionalParent(key: "organization_id") var organization: Organization?
    @Field(key: "language") var language: String?
    /// 职务: 镇长, 副镇长, 党政办主任.
    @OptionalField(key: "office") var office: String?
    /// 分管: the areas a leader answers for, in the office's own words (农业农村、水利).
    @OptionalField(key: "portfolio") var portfolio: String?
    /// When the account was disabled: it can no longer sign in; what it did stays attributed to it.
    @OptionalField(key: "disabled_at") var disabledAt: Date?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}

    init(
        id: UUID? = nil, username: String, displayName: String, passwordHash: String, role: Role,
        organizationID: UUID? = nil
    ) {
        self.id = id
        self.username = username
        self.displayName = displayName
        self.passwordHash = passwordHash
        self.role = role
        self.$organization.id = organizationID
        self.language = nil
    }
}

extension User: ModelSessionAuthenticatable {}

extension User {
    /// Whoever runs the `luoshi` command on the server: the deployment's administrator, of no unit, named
    /// "cli" in the log. Never stored.
    static var commandLine: User { User(username: "cli", displayName: "命令行", passwordHash: "", role: .admin) }
}

extension User {
    /// The active reporters of some units: whom a unit's messages reach (a disabled account is told nothing).
    static func reporters(of units: [UUID], on db: any Database) async throws -> [UUID] {
        try await query(on: db).filter(\.$organization.$id ~~ units).filter(\.$role == .reporter)
            .filter(\.$disabledAt == nil).all().compactMap(\.id)
    }
}

/// A bearer token for the JSON API, issued at sign-in.
final class UserToken: Model, @unchecked Sendable {
    static let schema = "user_tokens"

    @ID(key: .id) var id: UUID?
    @Field(key: "value") var value: String
    @Parent(key: "user_id") var user: User
    @Field(key: "expires_at") var expiresAt: Date

    init() {}

    init(id: UUID? = nil, value: String, userID: UUID, expiresAt: Date) {
        self.id = id
        self.value = value
        self.$user.id = userID
        self.expiresAt = expiresAt
    }
}

/// A failed sign-in, kept in the database so that the limit holds across app servers.
final class LoginAttempt: Model, @unchecked Sendable {
    static let schema = "login_attempts"

    @ID(key: .id) var id: UUID?
    @Field(key: "username") var username: String
    @Field(key: "address") var address: String
    @Field(key: "at") var at: Date

    init() {}

    init(username: String, address: String, at: Date) {
        self.username = username
        self.address = address
        self.at = at
    }
}
