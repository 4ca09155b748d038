import Fluent
import Foundation
import LuoshiCore

/// A citizen's feedback (群众诉求) on a released plan or one of its items, and the government's answer.
/// The contact is for answering only: never shown, never in the audit log, erased once answered and
/// `FeedbackRules.contactRetentionDays` have passed. Kept, never deleted.
final class Feedback: Model, @unchecked Sendable {
    static let schema = "feedback"

    @ID(key: .id) var id: UUID?
    @Parent(key: "plan_id") var plan: Plan
    @OptionalParent(key: "item_id") var item: PlanItem?
    /// As the citizen wants to be named; nil: anonymous.
    @Field(key: "name") var name: String?
    /// A phone or an e-mail to be answered on; nil when none was given or once erased.
    @Field(key: "contact") var contact: String?
    @Field(key: "contact_erased_at") var contactErasedAt: Date?
    @Field(key: "text") var text: String
    @Field(key: "state") var state: FeedbackState
    /// A keyed digest of the sender's address: what the rate limit counts, not the address itself.
    @Field(key: "sender_tag") var senderTag: String
    @Field(key: "submitted_at") var submittedAt: Date
    @Field(key: "moderated_by") var moderatedBy: String?
    @Field(key: "moderated_at") var moderatedAt: Date?
    /// Why staff did not publish it (shown to staff only).
    @Field(key: "hidden_reason") var hiddenReason: String?
    /// The unit that answers.
    @OptionalParent(key: "unit_id") var unit: Organization?
    @Field(key: "answer") var answer: String?
    @Field(key: "answered_by") var answeredBy: String?
    @Field(key: "answered_at") var answeredAt: Date?
    /// When supervision reminded the unit that the answer falls due, and when it acted on a late one (a
    /// 督办单, or a late reminder): each once.
    @OptionalField(key: "reminded_at") var remindedAt: Date?
    @OptionalField(key: "late_at") var lateAt: Date?
    /// A photo sent with it: stored under the evidence folder by this id, its type checked by its first bytes;
    /// seen by staff and the answering unit, never published.
    @OptionalField(key: "photo_id") var photoID: UUID?
    @OptionalField(key: "photo_type") var photoType: String?
    @OptionalField(key: "photo_sha256") var photoSHA256: String?

    init() {}

    init(plan: UUID, item: UUID?, name: String?, contact: String?, text: String, senderTag: String, at: Date) {
        self.$plan.id = plan
        self.$item.id = item
        self.name = name
        self.contact = contact
        self.contactErasedAt = nil
        self.text = text
        self.state = .received
        self.senderTag = senderTag
        self.submittedAt = at
        self.moderatedBy = nil
        self.moderatedAt = nil
        self.hiddenReason = nil
        self.$unit.id = nil
        self.answer = nil
        self.answeredBy = nil
        self.answeredAt = nil
    }
}
