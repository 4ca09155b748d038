import Fluent
import Foundation
import LuoshiCore
import SQLKit
import Vapor

/// The office's directory: units (departments, villages, communities) under their government, and the
/// accounts of the people who work in them. Every change is audited; nothing is deleted (an account is
/// disabled, a unit renamed), because reports, notices and the audit log name them.
enum Directory {
    // MARK: units

    struct UnitInput: Content, SchemaConstraints {
        static let constraints: [String: [(String, JSONValue)]] = [
            "name": text(max: 100), "code": [("pattern", "^[0-9]{0,12}$")],
        ]
        var name: String
        var kind: OrganizationKind
        /// The government the unit belongs to; a government at the top of the tree has none.
        var parent: UUID?
        /// 统计用区划代码, where the unit has one.
        var code: String?
    }

    /// The government a person works for: their unit's town or district, else the only one there is.
    static func government(of user: User, on db: any Database) async throws -> Organization? {
        var id = user.$organization.id
        var seen: Set<UUID> = []
        while let current = id, seen.insert(current).inserted, let org = try await Organization.find(current, on: db) {
            if org.kind.isGovernment { return org }
            id = org.$parent.id
        }
        let governments = try await Organization.query(on: db).filter(
            \.$kind ~~ OrganizationKind.governments
        ).limit(2).all()
        return governments.count == 1 ? governments[0] : nil
    }

    static func addUnit(_ input: UnitInput, by actor: User, on store: Store, now: Date) async throws -> Organization {
        try admin(actor)
        let unit = Organization(id: UUID(), name: "", kind: input.kind)
        try await check(input, into: unit, reach: try await Jurisdiction.of(actor, on: store.db), on: store.db)
        return try await store.write(.directory, actor: actor.username, at: now) { tx in
            try await unit.create(on: tx.db)
            tx.record(.unitAdd, .unit, unit.id!, after: UnitRecord(unit))
            return unit
        }
    }

    static func editUnit(_ id: String?, _ input: UnitInput, by actor: User, on store: Store, now: Date) async throws {
        try admin(actor)
        let reach = try await Jurisdiction.of(actor, on: store.db)
        // Read and checked inside the write: a move takes the parent's path as it is at that moment, not as it
        // was before another move of the parent committed.
        try await store.write(.directory, actor: actor.username, at: now) { tx in
            let unit = try await findUnit(id, on: tx.db)
            let before = UnitRecord(unit)
            if input.kind.isGovernment != unit.kind.isGovernment {
                // A government with units under it, or a unit with reporters, keeps its side of the line.
                let children = try await Organization.query(on: tx.db).filter(\.$parent.$id == unit.id!).count()
                let reporters = try await User.query(on: tx.db).filter(\.$organization.$id == unit.id!)
                    .filter(\.$role == .reporter).count()
                guard children == 0 && reporters == 0 else {
                    throw LuoshiError.conflict(
                        reason: "「\(unit.name)」下还有单位或填报人，不能在政府和单位之间改类型 (it still has units or reporters)")
                }
            }
            let oldPath = unit.path
            try await check(input, into: unit, reach: reach, on: tx.db)
            guard UnitRecord(unit) != before else { return }
            try await unit.save(on: tx.db)
            if let oldPath, let newPath = unit.path, oldPath != newPath {
                try await move(under: oldPath, to: newPath, on: tx.db)
            }
            tx.record(.unitEdit, .unit, unit.id!, before: before, after: UnitRecord(unit))
        }
    }

    /// Moves the paths of every unit under a moved one along with it: a town moved to another county takes
    /// its villages and departments, and so its plans, to the new county's jurisdiction.
    static func move(under oldPath: String, to newPath: String, on db: any Database) async throws {
        guard let sql = db as? any SQLDatabase else { return }
        try await sql.raw(
            """
            UPDATE organizations SET path = \(bind: newPath) || substr(path, CAST(\(bind: oldPath.count + 1) AS INTEGER))
            WHERE path LIKE \(bind: oldPath + "%") AND path <> \(bind: newPath)
            """
        ).run()
    }

    struct TreeImport: Content {
        var added: Int
        var updated: Int
        var unchanged: Int
    }

    /// Sets up or corrects the organisation tree from a sheet (`OrganizationSheet`): all of it or nothing,
    /// every unit added or changed audited, units moved with everything under them. A government's office
    /// imports within its own jurisdiction.
    static func importTree(_ rows: [[String]], by actor: User, on store: Store, now: Date) async throws -> TreeImport {
        try admin(actor)
        let lines: [OrganizationSheet.Line]
        do {
            lines = try OrganizationSheet.read(rows)
        } catch let p as OrganizationSheet.Problem {
            throw LuoshiError.invalid(field: "组织表", reason: p.row > 0 ? "第 \(p.row) 行：\(p.reason)" : p.reason)
        }
        guard lines.count <= 20_000 else {
            throw LuoshiError.invalid(field: "组织表", reason: "一次最多 20000 行 (at most 20,000 rows)")
        }
        let reach = try await Jurisdiction.of(actor, on: store.db)
        return try await store.write(.directory, actor: actor.username, at: now) { tx in
            let all = try await Organization.query(on: tx.db).all()
            var byID = Dictionary(uniqueKeysWithValues: all.map { ($0.id!, $0) })
            let (changes, problems) = OrganizationSheet.changes(
                lines,
                existing: all.map {
                    .init(id: $0.id!, name: $0.name, code: $0.code, kind: $0.kind, parent: $0.$parent.id)
                },
                root: reach.root)
            var refused = problems.map { $0.row > 0 ? "第 \($0.row) 行：\($0.reason)" : $0.reason }
            let withChildren = Set(all.compactMap { $0.$parent.id })
            let withReporters = Set(
                try await User.query(on: tx.db).filter(\.$role == .reporter).all(\.$organization.$id).compactMap { $0 })
            for change in changes where !change.isNew {
                let unit = byID[change.id]!
                if !reach.reaches(unit.treePath) {
                    refused.append("「\(change.name)」不在本级辖区 (outside your jurisdiction)")
                }
                if change.id == reach.root && (change.parent != unit.$parent.id || change.kind != unit.kind) {
                    refused.append(
                        "「\(change.name)」是本级政府，其上级和类型由上级单位设置 (your own government's place is set from above)")
                }
                if change.kind.isGovernment != unit.kind.isGovernment
                    && (withChildren.contains(change.id) || withReporters.contains(change.id))
                {
                    refused.append("「\(change.name)」下还有单位或填报人，不能在政府和单位之间改类型 (it still has units or reporters)")
                }
            }
            guard refused.isEmpty else {
                throw LuoshiError.invalid(
                    field: "组织表",
                    reason: refused.prefix(10).joined(separator: "；")
                        + (refused.count > 10 ? "……共 \(refused.count) 处" : ""))
            }
            var result = TreeImport(added: 0, updated: 0, unchanged: 0)
            for change in changes {
                let parent = change.parent.flatMap { byID[$0] }
                if change.isNew {
                    let unit = Organization(
                        id: change.id, name: change.name, kind: change.kind, parent: parent, code: change.code)
                    try await unit.create(on: tx.db)
                    byID[change.id] = unit
                    tx.record(.unitAdd, .unit, change.id, after: UnitRecord(unit))
                    result.added += 1
                    continue
                }
                let unit = byID[change.id]!
                let before = UnitRecord(unit)
                let oldPath = unit.path
                unit.name = change.name
                unit.kind = change.kind
                unit.code = change.code ?? unit.code
                unit.place(under: parent)
                guard UnitRecord(unit) != before || unit.path != oldPath else {
                    result.unchanged += 1
                    continue
                }
                try await unit.save(on: tx.db)
                if let oldPath, let newPath = unit.path, oldPath != newPath {
                    try await move(under: oldPath, to: newPath, on: tx.db)
                    // The units already read keep up: a later row placed under one of them takes its new path.
                    for other in byID.values where other.id != unit.id {
                        if let p = other.path, p.hasPrefix(oldPath) {
                            other.path = newPath + p.dropFirst(oldPath.count)
                        }
                    }
                }
                tx.record(.unitEdit, .unit, change.id, before: before, after: UnitRecord(unit))
                result.updated += 1
            }
            return result
        }
    }

    static func findUnit(_ id: String?, on db: any Database) async throws -> Organization {
        try await Organization.find(text: id, named: "单位", on: db)
    }

    /// Validates the input and copies it onto the unit. Names are unique under one parent (a report names
    /// its unit by name in Excel and Word, qualified by its government's where that is not enough); a unit sits under a government of a higher tier (`OrganizationKind.maySit`),
    /// never under itself or anything under it, and only where the one setting it up reaches.
    private static func check(_ input: UnitInput, into unit: Organization, reach: Jurisdiction, on db: any Database)
        async throws
    {
        let name = input.name.storable.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !name.isEmpty, name.count <= 100 else {
            throw LuoshiError.invalid(field: "名称", reason: "不能为空，且不超过 100 字 (1 to 100 characters)")
        }
        let code = input.code?.trimmingCharacters(in: .whitespaces) ?? ""
        if !code.isEmpty {
            guard let normal = DivisionCode(code)?.digits else {
                throw LuoshiError.invalid(field: "区划代码", reason: "应为 6 至 12 位数字 (6 to 12 digits)")
            }
            if let other = try await Organization.query(on: db).filter(\.$code == normal).first(), other.id != unit.id {
                throw LuoshiError.conflict(reason: "区划代码 \(code) 已属于「\(other.name)」 (the code is taken)")
            }
        }
        var parent: Organization?
        if unit.id != nil, unit.id == reach.root {
            // An office's own government keeps its place and kind: moving it, or making it a department,
            // would change what the office itself reaches. Its name and code are the office's to keep.
            guard input.parent == unit.$parent.id, input.kind == unit.kind else {
                throw LuoshiError.forbidden(
                    reason: "本级政府的上级和类型由上级单位设置 (your own government's place is set from above)")
            }
            try await nameIsFree(name, under: unit.$parent.id, for: unit, on: db)
            unit.name = name
            unit.code = DivisionCode(code)?.digits
            return
        } else if let parentID = input.parent {
            guard parentID != unit.id, let found = try await Organization.find(parentID, on: db),
                reach.reaches(found.treePath)
            else {
                throw LuoshiError.invalid(field: "上级", reason: "应为一个上级政府 (a government above it)")
            }
            if let own = unit.treePath, let theirs = found.treePath, own.contains(theirs) {
                throw LuoshiError.invalid(field: "上级", reason: "不能放在自己的下级之下 (not under its own units)")
            }
            parent = found
        } else if reach != .everything {
            throw LuoshiError.invalid(field: "上级", reason: "请选择所属政府 (choose its government)")
        }
        guard input.kind.maySit(under: parent?.kind) else {
            throw LuoshiError.invalid(
                field: "上级",
                reason: "\(input.kind.chinese)不能属于\(parent.map { "「\($0.name)」" } ?? "树顶")"
                    + "：政府属于更高一级政府，村和社区属于镇或街道，部门属于一个政府"
                    + " (a government sits under a higher one, a village under a town, a department under any government)"
            )
        }
        try await nameIsFree(name, under: parent?.id, for: unit, on: db)
        unit.name = name
        unit.kind = input.kind
        unit.code = DivisionCode(code)?.digits
        unit.place(under: parent)
    }

    /// Names are unique among the units under one parent: every town has its 党政办, but one town has one.
    private static func nameIsFree(_ name: String, under parent: UUID?, for unit: Organization, on db: any Database)
        async throws
    {
        let query = Organization.query(on: db).filter(\.$name == name).filter(\.$parent.$id == parent)
        if let id = unit.id { query.filter(\.$id != id) }
        if try await query.first() != nil {
            throw LuoshiError.conflict(reason: "同一上级下已有名为「\(name)」的单位 (a unit of that name exists there)")
        }
    }

    // MARK: accounts

    struct AccountInput: Content, SchemaConstraints {
        static let constraints: [String: [(String, JSONValue)]] = [
            "username": [("pattern", "^[A-Za-z0-9._-]{2,64}$")], "displayName": text(max: 100),
        ]
        var username: String
        var displayName: String
        var role: Role
        var organization: UUID?
        var office: String?
        var portfolio: String?
    }

    /// What staff may change of an account (its username is how it signs in and is named in the log).
    struct AccountEdit: Content, SchemaConstraints {
        static let constraints: [String: [(String, JSONValue)]] = ["displayName": text(max: 100)]
        var displayName: String
        var role: Role
        var organization: UUID?
        var office: String?
        var portfolio: String?
    }

    /// Adds an account with a random first password, which is returned to be shown once.
    static func addAccount(
        _ input: AccountInput, by actor: User, cost: Int, on store: Store, now: Date
    ) async throws -> (user: User, password: String) {
        let username = input.username.trimmingCharacters(in: .whitespaces)
        guard username.range(of: "^[A-Za-z0-9._-]{2,64}$", options: .regularExpression) != nil else {
            throw LuoshiError.invalid(field: "用户名", reason: "2–64 个字母、数字或 . _ -（letters, digits, . _ -）")
        }
        // The log names the app's own steps by these: an account of that name would take them over.
        guard !["system", "cli"].contains(username.lowercased()) else {
            throw LuoshiError.invalid(field: "用户名", reason: "\(username) 为系统保留 (reserved)")
        }
        if try await User.query(on: store.db).filter(\.$username == username).first() != nil {
            throw LuoshiError.conflict(reason: "用户名 \(username) 已存在 (exists)")
        }
        let user = User(id: UUID(), username: username, displayName: "", passwordHash: "", role: input.role)
        try await apply(
            AccountEdit(
                displayName: input.displayName, role: input.role, organization: input.organization,
                office: input.office, portfolio: input.portfolio), to: user,
            reach: try await Jurisdiction.of(actor, on: store.db), on: store.db)
        let password = Accounts.randomPassword()
        user.passwordHash = try Accounts.hash(password, cost: cost)
        try await store.write(.directory, actor: actor.username, at: now) { tx in
            try await user.create(on: tx.db)
            tx.record(.userAdd, .user, user.id!, after: AccountRecord(user))
        }
        return (user, password)
    }

    static func editAccount(_ id: String?, _ input: AccountEdit, by actor: User, on store: Store, now: Date)
        async throws
    {
        try admin(actor)
        let user = try await findAccount(id, on: store.db)
        let before = AccountRecord(user)
        if user.id == actor.id && input.role != .admin {
            throw LuoshiError.conflict(reason: "不能取消自己的督查办权限 (you cannot demote yourself)")
        }
        try await apply(input, to: user, reach: try await Jurisdiction.of(actor, on: store.db), on: store.db)
        guard AccountRecord(user) != before else { return }
        try await store.write(.directory, actor: actor.username, at: now) { tx in
            try await user.save(on: tx.db)
            // A changed role or unit changes what the account may see: its sessions start again.
            if before.role != user.role.rawValue || before.unit != user.$organization.id {
                try await SignOut.everywhere(user.id!, on: tx.db)
            }
            tx.record(.userEdit, .user, user.id!, before: before, after: AccountRecord(user))
        }
    }

    /// A new random password; every session and token of the old one ends.
    static func resetPassword(_ id: String?, by actor: String, cost: Int, on store: Store, now: Date) async throws -> (
        user: User, password: String
    ) {
        let user = try await findAccount(id, on: store.db)
        let password = Accounts.randomPassword()
        user.passwordHash = try Accounts.hash(password, cost: cost)
        // A new password changes no name on any page.
        try await store.write(.office, actor: actor, at: now) { tx in
            try await user.save(on: tx.db)
            try await SignOut.everywhere(user.id!, on: tx.db)
            tx.record(.userReset, .user, user.id!)
        }
        return (user, password)
    }

    /// Disables or enables an account. A disabled account cannot sign in and its sessions end; staff
    /// cannot disable themselves, so an office always has someone who can undo it.
    static func setDisabled(_ id: String?, _ disabled: Bool, by actor: User, on store: Store, now: Date) async throws {
        try admin(actor)
        let user = try await findAccount(id, on: store.db)
        guard (user.disabledAt != nil) != disabled else { return }
        if disabled && user.id == actor.id {
            throw LuoshiError.conflict(reason: "不能停用自己的账号 (you cannot disable yourself)")
        }
        user.disabledAt = disabled ? now : nil
        try await store.write(.directory, actor: actor.username, at: now) { tx in
            try await user.save(on: tx.db)
            if disabled { try await SignOut.everywhere(user.id!, on: tx.db) }
            tx.record(disabled ? .userDisable : .userEnable, .user, user.id!)
        }
    }

    static func findAccount(_ id: String?, on db: any Database) async throws -> User {
        try await User.find(text: id, named: "账号", on: db)
    }

    /// Validates an account's fields and copies them on. The account's unit must be within the reach of
    /// whoever sets it up: a town's office gives accounts in its town, and only the deployment's
    /// administrators give accounts of no unit.
    private static func apply(_ input: AccountEdit, to user: User, reach: Jurisdiction, on db: any Database)
        async throws
    {
        let name = input.displayName.storable.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !name.isEmpty, name.count <= 100 else {
            throw LuoshiError.invalid(field: "姓名", reason: "不能为空，且不超过 100 字 (1 to 100 characters)")
        }
        let office = input.office?.storable.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        let portfolio = input.portfolio?.storable.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        guard office.count <= 50 else {
            throw LuoshiError.invalid(field: "职务", reason: "不超过 50 字 (at most 50 characters)")
        }
        guard portfolio.count <= 300 else {
            throw LuoshiError.invalid(field: "分管", reason: "不超过 300 字 (at most 300 characters)")
        }
        var unit: Organization?
        if let id = input.organization {
            guard let found = try await Organization.find(id, on: db), reach.reaches(found.treePath) else {
                throw LuoshiError.notFound(entity: "单位", id: id.uuidString)
            }
            unit = found
        } else if reach != .everything {
            throw LuoshiError.invalid(field: "单位", reason: "请选择所属单位或政府 (choose the account's unit)")
        }
        if input.role == .reporter {
            guard let unit, !unit.kind.isGovernment else {
                throw LuoshiError.invalid(field: "单位", reason: "填报人属于一个部门、村或社区 (a reporter belongs to a unit)")
            }
        }
        user.displayName = name
        user.role = input.role
        user.$organization.id = unit?.id
        user.office = office.isEmpty ? nil : office
        user.portfolio = portfolio.isEmpty ? nil : portfolio
    }

    private static func admin(_ user: User) throws {
        guard user.role == .admin else {
            throw LuoshiError.forbidden(reason: "只有督查办可以管理单位和账号 (only staff manage units and accounts)")
        }
    }
}

/// What the audit log keeps of a unit.
struct UnitRecord: Encodable, Equatable {
    var name: String
    var kind: String
    var parent: UUID?
    var code: String?
    init(_ u: Organization) {
        name = u.name
        kind = u.kind.rawValue
        parent = u.$parent.id
        code = u.code
    }
}

/// What the audit log keeps of an account: never its password.
struct AccountRecord: Encodable, Equatable {
    var username: String
    var displayName: String
    var role: String
    var unit: UUID?
    var office: String?
    var portfolio: String?
    init(_ u: User) {
        username = u.username
        displayName = u.displayName
        role = u.role.rawValue
        unit = u.$organization.id
        office = u.office
        portfolio = u.portfolio
    }
}

// A select left at "none" arrives from a form as an empty string: it means no unit, not a bad request.
extension Directory.UnitInput {
    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            name: try c.decode(String.self, forKey: .name), kind: try c.decode(OrganizationKind.self, forKey: .kind),
            parent: try c.blankableID(.parent))
    }
}

extension Directory.AccountInput {
    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            username: try c.decode(String.self, forKey: .username),
            displayName: try c.decode(String.self, forKey: .displayName), role: try c.decode(Role.self, forKey: .role),
            organization: try c.blankableID(.organization), office: try c.decodeIfPresent(String.self, forKey: .office),
            portfolio: try c.decodeIfPresent(String.self, forKey: .portfolio))
    }
}

extension Directory.AccountEdit {
    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            displayName: try c.decode(String.self, forKey: .displayName), role: try c.decode(Role.self, forKey: .role),
            organization: try c.blankableID(.organization), office: try c.decodeIfPresent(String.self, forKey: .office),
            portfolio: try c.decodeIfPresent(String.self, forKey: .portfolio))
    }
}

extension KeyedDecodingContainer {
    /// An id that may be left out or sent empty.
    func blankableID(_ key: Key) throws -> UUID? {
        guard let text = try decodeIfPresent(String.self, forKey: key), !text.isEmpty else { return nil }
        guard let id = UUID(uuidString: text) else {
            throw LuoshiError.invalid(field: key.stringValue, reason: "应为一个编号 (an id)")
        }
        return id
    }
}
