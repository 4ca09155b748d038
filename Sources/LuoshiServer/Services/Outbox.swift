import Fluent
import Foundation
import LuoshiCore
import SQLKit

/// What a message to people is about; stored with each inbox message and delivery.
enum MessageKind: String, Codable, Sendable, CaseIterable, Named {
    /// 催办: a report falls due or is late.
    case reminder
    /// A 督办单 was issued.
    case notice
    /// An unanswered 督办单 went up to a leader.
    case escalation
    /// A 督办单 was answered, sent back or closed.
    case noticeUpdate = "notice.update"
    /// A unit's report was accepted or returned.
    case review = "report.review"
    /// A leader wrote 批示 on an item a unit works on.
    case instruction = "item.instruction"
    /// A leader's digest of the pass: late reports and unanswered notices on the leader's items.
    case digest = "leader.digest"
    /// To someone who asked to follow a public item: confirm it (double opt-in).
    case followConfirm = "follow.confirm"
    /// To a follower: what changed on the items followed.
    case followUpdate = "follow.update"

    /// Mail to a member of the public, not to staff: kept off staff's delivery lists, and it carries a way
    /// to stop it.
    var toPublic: Bool { Self.toPublic.contains(self) }
    static let toPublic: [MessageKind] = [.followConfirm, .followUpdate]

    var chinese: String {
        switch self {
        case .reminder: return "催办"
        case .notice: return "督办单"
        case .escalation: return "升级"
        case .noticeUpdate: return "督办进展"
        case .review: return "报送审核"
        case .instruction: return "领导批示"
        case .digest: return "督办摘要"
        case .followConfirm: return "确认关注"
        case .followUpdate: return "关注更新"
        }
    }

    var english: String {
        switch self {
        case .reminder: return "Reminder"
        case .notice: return "Notice"
        case .escalation: return "Escalation"
        case .review: return "Report reviewed"
        case .instruction: return "Leader's instruction"
        case .digest: return "Daily digest"
        case .followConfirm: return "Confirm following"
        case .followUpdate: return "Followed item changed"
        case .noticeUpdate: return "Notice progress"
        }
    }
}

/// A notification for people: the same words in the inbox and on every channel.
struct OutboxMessage: Sendable, Equatable {
    var kind: MessageKind
    var title: String
    var body: String
    var link: String?
}

/// Notifications gathered during one write and stored at its end: inbox messages for users, and a queued
/// delivery for every active channel of those users and of the units addressed. A pass can notify
/// thousands of people, so the channels are read once and the rows go in as multi-row inserts.
struct Outbox {
    private let channelsByUnit: [UUID: [UUID]]
    private let channelsByUser: [UUID: [UUID]]
    private var inbox: [(user: UUID, message: OutboxMessage)] = []
    private var deliveries: [(channel: UUID, message: OutboxMessage)] = []

    /// An outbox that addresses channels by id only (a follower's), with no users' or units' channels read.
    static var direct: Outbox { Outbox(channelsByUnit: [:], channelsByUser: [:]) }

    /// Addresses a message to channels by id.
    mutating func add(_ message: OutboxMessage, channels: [UUID]) {
        for channel in Set(channels) { deliveries.append((channel, message)) }
    }

    static func load(on db: any Database) async throws -> Outbox {
        let rows = try await (db as! any SQLDatabase).select().column("id").column("organization_id").column("user_id")
            .from(NotificationChannel.schema).where("active", .equal, true).all()
        var byUnit: [UUID: [UUID]] = [:]
        var byUser: [UUID: [UUID]] = [:]
        for row in rows {
            let id = try row.decode(column: "id", as: UUID.self)
            if let org = try row.decode(column: "organization_id", as: UUID?.self) {
                byUnit[org, default: []].append(id)
            }
            if let user = try row.decode(column: "user_id", as: UUID?.self) { byUser[user, default: []].append(id) }
        }
        return Outbox(channelsByUnit: byUnit, channelsByUser: byUser)
    }

    /// Addresses a notice to users (inbox and their own channels) and to units (their channels).
    mutating func add(_ notice: OutboxMessage, users: [UUID], units: [UUID] = []) {
        var channels: [UUID] = []
        for user in Set(users) {
            inbox.append((user, notice))
            channels += channelsByUser[user] ?? []
        }
        for unit in Set(units) { channels += channelsByUnit[unit] ?? [] }
        for channel in Set(channels) { deliveries.append((channel, notice)) }
    }

    var isEmpty: Bool { inbox.isEmpty && deliveries.isEmpty }
    var counts: (inbox: Int, deliveries: Int) { (inbox.count, deliveries.count) }

    /// Stores everything gathered, in the caller's transaction. `now` dates the inbox (the app's clock);
    /// deliveries are due at once by the wall clock, which paces their retries.
    func flush(on db: any Database, now: Date) async throws {
        let sql = db as! any SQLDatabase
        for chunk in inbox.chunked(200) {
            var insert = sql.insert(into: InboxMessage.schema).columns(
                "id", "user_id", "kind", "title", "body", "link", "created_at", "read_at")
            for (user, n) in chunk {
                insert = insert.values(
                    SQLBind(UUID()), SQLBind(user), SQLBind(n.kind.rawValue), SQLBind(n.title), SQLBind(n.body),
                    SQLBind(n.link),
                    SQLBind(now), SQLBind(Date?.none))
            }
            try await insert.run()
        }
        // Deliveries are attempted on the real clock; they are dated, as their messages are, by the app's.
        let wall = Date()
        for chunk in deliveries.chunked(200) {
            var insert = sql.insert(into: Delivery.schema).columns(
                "id", "channel_id", "event", "title", "body", "link", "state", "attempts", "next_attempt_at",
                "last_error", "created_at", "delivered_at")
            for (channel, n) in chunk {
                insert = insert.values(
                    SQLBind(UUID()), SQLBind(channel), SQLBind(n.kind.rawValue), SQLBind(n.title), SQLBind(n.body),
                    SQLBind(n.link), SQLBind(DeliveryState.queued.rawValue), SQLBind(0), SQLBind(wall),
                    SQLBind(String?.none), SQLBind(now), SQLBind(Date?.none))
            }
            try await insert.run()
        }
    }
}

extension Array {
    func chunked(_ size: Int) -> [ArraySlice<Element>] {
        stride(from: 0, to: count, by: size).map { self[$0..<Swift.min($0 + size, count)] }
    }
}
