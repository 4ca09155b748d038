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
        var unitID: UUID?
        if let unit {
            // By its 统计用区划代码, or by name: 党政办 where only one unit has it, else 张芝山镇·党政办.
            let units = try await Organization.query(on: app.db).all()
            if let code = DivisionCode(unit)?.digits, let coded = units.first(where: { $0.code == code }) {
                unitID = coded.id
            } else {
                switch UnitNames(units).reading(unit) {
                case .unit(let id): unitID = id
                case .unknown: throw LuoshiError.notFound(entity: "单位", id: unit)
                case .ambiguous(let labels):
                    throw LuoshiError.invalid(
                        field: "单位",
                        reason:
                            "有 \(labels.count) 个单位名为「\(unit)」，请写作\(labels.prefix(5).map { "「\($0)」" }.joined(separator: "或")) (several units have that name)"
                    )
                }
            }
        }
        if role == .reporter && unitID == nil { throw LuoshiError.invalid(field: "单位", reason: "填报人必须属于一个单位 (--unit)") }
        let input = Directory.AccountInput(
            username: username, displayName: displayName, role: role, organization: unitID)
        return try await Directory.addAccount(
            input, by: .commandLine, cost: app.storage[BcryptCostKey.self] ?? 10, on: app.store,
            now: app.clock.now()
        ).password
    }

    public static func resetPassword(_ app: Application, username: String) async throws -> String {
        guard let user = try await User.query(on: app.db).filter(\.$username == username).first() else {
            throw LuoshiError.notFound(entity: "用户", id: username)
        }
        return try await Directory.resetPassword(
            user.id?.uuidString, by: "cli", cost: app.storage[BcryptCostKey.self] ?? 10, on: app.store,
            now: app.clock.now()
        ).password
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
