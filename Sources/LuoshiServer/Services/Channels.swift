import Fluent
import Foundation
import LuoshiCore
import SQLKit
import Vapor

/// Notification channels: validated, audited, never shown with their secrets.
enum Channels {
    struct Input: Content, SchemaConstraints {
        static let constraints: [String: [(String, JSONValue)]] = ["name": text(max: 100)]
        var name: String
        var kind: ChannelKind
        var target: String
        var secret: String?
        var organization: UUID?
        var user: UUID?
    }

    /// A channel's address with its key hidden: robot URLs carry their access token in the query.
    static func masked(_ target: String) -> String {
        guard let q = target.firstIndex(of: "?") else { return target }
        return String(target[..<q]) + "?…"
    }

    static func add(
        _ input: Input, by user: User, allowedHosts: Set<String> = [], on store: Store, now: Date
    ) async throws -> NotificationChannel {
        let db = store.db
        guard user.role == .admin else { throw LuoshiError.forbidden(reason: "只有督查办可以设置通知渠道") }
        let name = input.name.storable.trimmingCharacters(in: .whitespacesAndNewlines)
        let target = input.target.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !name.isEmpty, name.count <= 100 else {
            throw LuoshiError.invalid(field: "名称", reason: "不能为空，且不超过 100 字")
        }
        switch input.kind {
        case .email:
            guard EmailAddress.isValid(target) else {
                throw LuoshiError.invalid(field: "地址", reason: "应为电子邮箱")
            }
        default:
            guard let url = URL(string: target), ["http", "https"].contains(url.scheme?.lowercased() ?? ""),
                url.host != nil,
                target.count <= 1000
            else { throw LuoshiError.invalid(field: "地址", reason: "应为 http:// 或 https:// 开头的网址") }
            guard !OutboundGuard.plainlyInternal(target, allowed: allowedHosts) else {
                throw LuoshiError.invalid(field: "地址", reason: OutboundGuard.refusedWords)
            }
        }
        guard (input.organization == nil) != (input.user == nil) else {
            throw LuoshiError.invalid(field: "所属", reason: "渠道属于一个单位或一个人")
        }
        let reach = try await Jurisdiction.of(user, on: db)
        if let org = input.organization {
            guard try await Organization.find(org, on: db) != nil else {
                throw LuoshiError.notFound(entity: "单位", id: org.uuidString)
            }
            try await reach.require("unitID", org, entity: "单位", on: db)
        }
        if let owner = input.user {
            guard try await User.find(owner, on: db) != nil else {
                throw LuoshiError.notFound(entity: "用户", id: owner.uuidString)
            }
            try await reach.require("userID", owner, entity: "用户", on: db)
        }
        let secret = input.secret?.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (secret?.count ?? 0) <= 200 else { throw LuoshiError.invalid(field: "签名密钥", reason: "不超过 200 个字符") }
        return try await store.write(.office, actor: user.username, at: now) { tx in
            let c = NotificationChannel()
            c.id = UUID()
            c.name = name
            c.kind = input.kind
            c.target = target
            c.secret = secret?.isEmpty == false ? secret : nil
            c.$organization.id = input.organization
            c.$user.id = input.user
            c.active = true
            c.createdAt = now
            try await c.create(on: tx.db)
            // The secret stays out of the log.
            tx.record(
                .channelAdd, .channel, c.id!,
                after: ["name": name, "kind": input.kind.rawValue, "target": masked(target)])
            return c
        }
    }

    static func toggle(_ id: String?, by user: User, on store: Store, now: Date) async throws {
        guard user.role == .admin else { throw LuoshiError.forbidden(reason: "只有督查办可以设置通知渠道") }
        guard let id, let uuid = UUID(uuidString: id) else { throw LuoshiError.notFound(entity: "通知渠道", id: id ?? "") }
        try await store.write(.office, actor: user.username, at: now) { tx in
            guard let c = try await NotificationChannel.find(uuid, on: tx.db), c.isStaff else {
                throw LuoshiError.notFound(entity: "通知渠道", id: id)
            }
            c.active.toggle()
            try await c.save(on: tx.db)
            tx.record(c.active ? .channelEnable : .channelDisable, .channel, uuid)
        }
    }
}

/// A user's inbox.
enum Inbox {
    /// Marks one message read, or all of them when `id` is nil; only the user's own.
    static func markRead(_ id: String?, user: User, on db: any Database, now: Date) async throws {
        let q = InboxMessage.query(on: db).filter(\.$user.$id == user.id!).filter(\.$readAt == nil)
        if let id {
            guard let uuid = UUID(uuidString: id),
                try await InboxMessage.query(on: db).filter(\.$id == uuid).filter(\.$user.$id == user.id!).first()
                    != nil
            else { throw LuoshiError.notFound(entity: "消息", id: id) }
            q.filter(\.$id == uuid)
        }
        try await q.set(\.$readAt, to: now).update()
    }

    /// Asked on every page a signed-in person opens: plain SQL, without a model query's reflection.
    static func unread(_ user: User, on db: any Database) async throws -> Int {
        guard let sql = db as? any SQLDatabase else {
            return try await InboxMessage.query(on: db).filter(\.$user.$id == user.id!).filter(\.$readAt == nil).count()
        }
        let row = try await sql.select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n")
            .from(InboxMessage.schema).where("user_id", .equal, user.id!).where("read_at", .is, SQLLiteral.null).first()
        return try row?.decode(column: "n", as: Int.self) ?? 0
    }
}

/// A plan's supervision rules.
enum SupervisionSettings {
    static func save(
        _ rules: SupervisionRules, principal: UUID?, plan: Plan, by user: User, on store: Store, now: Date
    ) async throws {
        let db = store.db
        guard user.role == .admin else { throw LuoshiError.forbidden(reason: "只有督查办可以设置督办规则") }
        if let problem = rules.problems.first { throw LuoshiError.invalid(field: "督办规则", reason: problem) }
        if let principal {
            guard let leader = try await User.find(principal, on: db), leader.role == .leader,
                try await Jurisdiction.serving(plan, on: db).covers(parameter: "userID", id: principal, on: db)
            else {
                throw LuoshiError.invalid(field: "主要领导", reason: "应为本级政府的一位领导 (a leader of the plan's government)")
            }
        }
        let planID = try plan.requireID()
        let json = Audit.snapshot(rules)
        try await store.write(.plan(planID), actor: user.username, at: now) { tx in
            let existing = try await PlanSupervision.query(on: tx.db).filter(\.$plan.$id == planID).first()
            let s = existing ?? PlanSupervision()
            let before = existing?.rules
            s.$plan.id = planID
            s.rulesJSON = json
            s.$principalLeader.id = principal
            try await s.save(on: tx.db)
            tx.record(.planSupervision, .plan, planID, before: before, after: rules)
        }
    }
}
