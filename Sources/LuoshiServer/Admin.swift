import Fluent
import Foundation
import LuoshiCore
import Vapor

/// Account and audit operations for the command line.
extension LuoshiServer {
    /// On first start, an admin with a random password; returns the password to print once.
    public static func ensureAdmin(_ app: Application) async throws -> String? {
        guard try await User.query(on: app.db).count() == 0 else { return nil }
        return try await addUser(app, username: "admin", displayName: "管理员", role: .admin, unit: nil)
    }

    /// Adds an account with a random password; returns the password.
    public static func addUser(_ app: Application, username: String, displayName: String, role: Role, unit: String?)
        async throws -> String
    {
        let name = username.trimmingCharacters(in: .whitespaces)
        guard !name.isEmpty, name.count <= 64 else { throw LuoshiError.invalid(field: "用户名", reason: "不能为空，且不超过 64 字") }
        guard !displayName.isEmpty, displayName.count <= 100 else {
            throw LuoshiError.invalid(field: "姓名", reason: "不能为空，且不超过 100 字")
        }
        if try await User.query(on: app.db).filter(\.$username == name).first() != nil {
            throw LuoshiError.conflict(reason: "用户名 \(name) 已存在 (exists)")
        }
        var unitID: UUID?
        if let unit {
            guard let org = try await Organization.query(on: app.db).filter(\.$name == unit).first() else {
                throw LuoshiError.notFound(entity: "单位", id: unit)
            }
            unitID = org.id
        }
        if role == .reporter && unitID == nil { throw LuoshiError.invalid(field: "单位", reason: "填报人必须属于一个单位 (--unit)") }
        let password = Accounts.randomPassword()
        let cost = app.storage[BcryptCostKey.self] ?? 10
        let user = User(
            username: name, displayName: displayName, passwordHash: try Accounts.hash(password, cost: cost), role: role,
            organizationID: unitID)
        let now = app.clock.now()
        try await app.store.write(.office, actor: "cli", at: now) { tx in
            try await user.create(on: tx.db)
            tx.record(.userAdd, .user, user.id!, after: ["username": name, "role": role.rawValue])
        }
        return password
    }

    public static func resetPassword(_ app: Application, username: String) async throws -> String {
        guard let user = try await User.query(on: app.db).filter(\.$username == username).first() else {
            throw LuoshiError.notFound(entity: "用户", id: username)
        }
        let password = Accounts.randomPassword()
        user.passwordHash = try Accounts.hash(password, cost: app.storage[BcryptCostKey.self] ?? 10)
        let now = app.clock.now()
        try await app.store.write(.office, actor: "cli", at: now) { tx in
            try await user.save(on: tx.db)
            // The old password's sessions and tokens end with it.
            try await SignOut.everywhere(user.id!, on: tx.db)
            tx.record(.userPassword, .user, user.id!)
        }
        return password
    }

    public static func listUsers(_ app: Application) async throws -> [String] {
        let users = try await User.query(on: app.db).with(\.$organization).sort(\.$username).all()
        return users.map { "\($0.username)\t\($0.role.rawValue)\t\($0.displayName)\t\($0.organization?.name ?? "")" }
    }

    public static func verifyAudit(_ app: Application) async throws -> (Int, AuditChain.Break?) {
        let result = try await Audit.verify(on: app.db, key: app.auditKey)
        // A whole log, verified: its head goes down as a checkpoint too.
        if result.1 == nil {
            _ = try Checkpoints.write(try await Audit.tail(on: app.db), key: app.auditKey, at: Date())
        }
        return result
    }
}
