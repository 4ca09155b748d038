import Fluent
import Foundation
import LuoshiCore
import Vapor

/// A supervision notice (督办单): issued to a unit about an item, signed for, answered, closed.
final class SupervisionNotice: Model, @unchecked Sendable {
    static let schema = "supervision_notices"

    @ID(key: .id) var id: UUID?
    @Parent(key: "plan_id") var plan: Plan
    @Parent(key: "item_id") var item: PlanItem
    @Parent(key: "unit_id") var unit: Organization
    @Field(key: "year") var year: Int
    @Field(key: "serial") var serial: Int
    /// The government whose office numbers it: its plan's (nil for a plan of no government).
    @OptionalParent(key: "organization_id") var government: Organization?
    @Field(key: "level") var level: NoticeLevel
    @Field(key: "reason") var reason: String
    @Field(key: "required_action") var requiredAction: String
    @Field(key: "respond_by") var respondBy: Date
    @Field(key: "state") var state: NoticeState
    /// 0 not escalated, 1 to the lead leader, 2 to the principal leader.
    @Field(key: "escalation") var escalation: Int
    /// What made an automatic notice (missed:2015-05, overdue, behind:2015-06); nil for one issued by hand.
    @Field(key: "trigger_key") var triggerKey: String?
    @OptionalParent(key: "issued_by_id") var issuedBy: User?
    @Field(key: "issued_at") var issuedAt: Date
    @OptionalParent(key: "signed_by_id") var signedBy: User?
    @Field(key: "signed_at") var signedAt: Date?
    @Field(key: "response") var response: String?
    @OptionalParent(key: "responded_by_id") var respondedBy: User?
    @Field(key: "responded_at") var respondedAt: Date?
    @Field(key: "return_reason") var returnReason: String?
    @Field(key: "closed_at") var closedAt: Date?
    @Field(key: "closing_note") var closingNote: String?

    init() {}

    var number: String { NoticeNumber.format(year: year, serial: serial) }
    var respondByDay: CivilDay { CivilDay(respondBy, calendar: .beijing) }
}

/// A plan's supervision rules, as the office set them (the standard rules until then), and who its
/// principal leader (主要领导) is, the last step of escalation.
final class PlanSupervision: Model, @unchecked Sendable {
    static let schema = "plan_supervision"

    @ID(key: .id) var id: UUID?
    @Parent(key: "plan_id") var plan: Plan
    @Field(key: "rules_json") var rulesJSON: String
    @OptionalParent(key: "principal_leader_id") var principalLeader: User?

    init() {}

    var rules: SupervisionRules {
        (try? JSONDecoder().decode(SupervisionRules.self, from: Data(rulesJSON.utf8))) ?? .standard
    }
}

/// A reminder (催办) that went out: one per assignment, period and stage, so none goes twice.
final class ReminderRecord: Model, @unchecked Sendable {
    static let schema = "reminders"

    @ID(key: .id) var id: UUID?
    @Parent(key: "plan_id") var plan: Plan
    @Parent(key: "item_id") var item: PlanItem
    @Parent(key: "unit_id") var unit: Organization
    @Field(key: "period") var period: String
    @Field(key: "stage") var stage: ReminderStage
    /// The report's due day, 2015-06-25: passes read only the reminders of recent due days.
    @Field(key: "due_on") var dueOn: String
    @Field(key: "sent_at") var sentAt: Date

    init() {}
}

/// A message in a user's inbox.
final class InboxMessage: Model, @unchecked Sendable {
    static let schema = "inbox_messages"

    @ID(key: .id) var id: UUID?
    @Parent(key: "user_id") var user: User
    @Field(key: "kind") var kind: MessageKind
    @Field(key: "title") var title: String
    @Field(key: "body") var body: String
    @Field(key: "link") var link: String?
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "read_at") var readAt: Date?

    init() {}
}

/// Where a unit's or a user's notifications go besides the inbox.
enum ChannelKind: String, Codable, Sendable, CaseIterable, Named {
    /// A JSON body signed with HMAC-SHA256 in `X-Luoshi-Signature`.
    case webhook
    /// 企业微信 group robot.
    case wecom
    /// 钉钉 group robot, signed.
    case dingtalk
    case email

    var chinese: String {
        switch self {
        case .webhook: return "通用 Webhook"
        case .wecom: return "企业微信群机器人"
        case .dingtalk: return "钉钉群机器人"
        case .email: return "电子邮件"
        }
    }

    var english: String {
        switch self {
        case .webhook: return "Webhook"
        case .wecom: return "WeCom group robot"
        case .dingtalk: return "DingTalk group robot"
        case .email: return "E-mail"
        }
    }
}

final class NotificationChannel: Model, @unchecked Sendable {
    static let schema = "notification_channels"

    @ID(key: .id) var id: UUID?
    @Field(key: "name") var name: String
    @Field(key: "kind") var kind: ChannelKind
    /// A URL, or an e-mail address.
    @Field(key: "target") var target: String
    @Field(key: "secret") var secret: String?
    @OptionalParent(key: "organization_id") var organization: Organization?
    @OptionalParent(key: "user_id") var user: User?
    @Field(key: "active") var active: Bool
    @Field(key: "created_at") var createdAt: Date

    init() {}

    /// A unit's or a person's channel; a follower's (the public's) has neither and is not staff's to see.
    var isStaff: Bool { $organization.id != nil || $user.id != nil }

    /// Staff's channels: what the channel pages and the API list and change.
    static func staff(on db: any Database) -> QueryBuilder<NotificationChannel> {
        query(on: db).group(.or) { $0.filter(\.$organization.$id != nil).filter(\.$user.$id != nil) }
    }
}

enum DeliveryState: String, Codable, Sendable, CaseIterable, Named {
    case queued, sending, sent, failed

    var chinese: String {
        switch self {
        case .queued: return "排队"
        case .sending: return "发送中"
        case .sent: return "已送达"
        case .failed: return "失败"
        }
    }

    var english: String {
        switch self {
        case .queued: return "Queued"
        case .sending: return "Sending"
        case .sent: return "Sent"
        case .failed: return "Failed"
        }
    }
}

/// One notification on its way to one channel: queued in the database, retried with backoff.
final class Delivery: Model, @unchecked Sendable {
    static let schema = "deliveries"

    @ID(key: .id) var id: UUID?
    @Parent(key: "channel_id") var channel: NotificationChannel
    @Field(key: "event") var event: MessageKind
    @Field(key: "title") var title: String
    @Field(key: "body") var body: String
    @Field(key: "link") var link: String?
    @Field(key: "state") var state: DeliveryState
    @Field(key: "attempts") var attempts: Int
    @Field(key: "next_attempt_at") var nextAttemptAt: Date
    @Field(key: "last_error") var lastError: String?
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "delivered_at") var deliveredAt: Date?

    init() {}
}

/// Each attempt at a delivery, with the receiver's answer.
final class DeliveryAttempt: Model, @unchecked Sendable {
    static let schema = "delivery_attempts"

    @ID(key: .id) var id: UUID?
    @Parent(key: "delivery_id") var delivery: Delivery
    @Field(key: "at") var at: Date
    @Field(key: "ok") var ok: Bool
    @Field(key: "status") var status: Int?
    @Field(key: "answer") var answer: String
    @Field(key: "duration_ms") var durationMs: Int

    init() {}
}

/// A file a unit attached to its response to a notice: stored like a report's evidence, by id.
final class NoticeEvidence: Model, @unchecked Sendable {
    static let schema = "notice_evidence"

    @ID(key: .id) var id: UUID?
    @Parent(key: "notice_id") var notice: SupervisionNotice
    @Field(key: "filename") var filename: String
    @Field(key: "content_type") var contentType: String
    @Field(key: "size") var size: Int
    @Field(key: "sha256") var sha256: String
    @Field(key: "uploaded_at") var uploadedAt: Date

    init() {}
}
