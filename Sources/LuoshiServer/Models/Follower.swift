import Fluent
import Foundation
import LuoshiCore

/// Someone who asked to be told by e-mail when a released plan's item (or any of its items) changes. The
/// address is used for that only: never shown, never in the audit log, erased when they stop or never
/// confirm. The row is kept (who asked, when, what was told), as every other record is.
final class Follower: Model, @unchecked Sendable {
    static let schema = "followers"

    @ID(key: .id) var id: UUID?
    @Parent(key: "plan_id") var plan: Plan
    /// The item followed; nil: every item of the plan.
    @OptionalParent(key: "item_id") var item: PlanItem?
    /// Lower-cased as typed; nil once erased.
    @Field(key: "email") var email: String?
    @Field(key: "state") var state: FollowState
    /// The mail channel the deliveries go through; it has no unit and no user, so staff's lists and the
    /// supervision outbox never see it.
    @OptionalParent(key: "channel_id") var channel: NotificationChannel?
    /// A keyed digest of the requester's address, for the rate limit.
    @Field(key: "sender_tag") var senderTag: String
    @Field(key: "requested_at") var requestedAt: Date
    @Field(key: "confirmed_at") var confirmedAt: Date?
    @Field(key: "ended_at") var endedAt: Date?
    /// What the follower was last told, as JSON `[WatchedItem]`: a change is told once.
    @Field(key: "told") var told: String?
    @Field(key: "told_at") var toldAt: Date?

    init() {}

    var toldItems: [String: WatchedItem] {
        guard let told, let items = try? JSONDecoder().decode([WatchedItem].self, from: Data(told.utf8)) else {
            return [:]
        }
        return Dictionary(items.map { ($0.code, $0) }, uniquingKeysWith: { a, _ in a })
    }

    func setTold(_ items: [WatchedItem], at: Date) {
        told = Self.encode(items)
        toldAt = at
    }

    /// Sorted keys: the same items always read the same, so "nothing changed" is a string comparison.
    static func encode(_ items: [WatchedItem]) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: (try? encoder.encode(items)) ?? Data("[]".utf8), as: UTF8.self)
    }
}

/// Each request to follow, whatever came of it: what the rate limits count. Only keyed digests of the
/// requester's address and of the e-mail address are kept, never either address.
final class FollowRequest: Model, @unchecked Sendable {
    static let schema = "follow_requests"

    @ID(key: .id) var id: UUID?
    @Field(key: "sender_tag") var senderTag: String
    @Field(key: "email_tag") var emailTag: String
    /// Whether a confirmation mail went out for it.
    @Field(key: "mailed") var mailed: Bool
    @Field(key: "at") var at: Date

    init() {}

    init(senderTag: String, emailTag: String, mailed: Bool, at: Date) {
        self.senderTag = senderTag
        self.emailTag = emailTag
        self.mailed = mailed
        self.at = at
    }
}
