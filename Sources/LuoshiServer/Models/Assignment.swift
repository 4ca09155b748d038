import Fluent
import LuoshiCore
import Vapor

/// Who answers for an item: 挂钩领导, 牵头单位, 配合单位, 责任人, dates, weight and reporting cycle.
final class Assignment: Model, @unchecked Sendable {
    static let schema = "assignments"

    @ID(key: .id) var id: UUID?
    @Parent(key: "item_id") var item: PlanItem
    @OptionalParent(key: "lead_leader_id") var leadLeader: User?
    @OptionalParent(key: "lead_unit_id") var leadUnit: Organization?
    /// 配合单位, as organisation ids joined by commas (a short list, read with the assignment).
    @Field(key: "cooperating_unit_ids") var cooperatingUnitIDs: String
    @Field(key: "responsible_person") var responsiblePerson: String?
    @Field(key: "start_date") var startDate: Date?
    @Field(key: "due_date") var dueDate: Date?
    @Field(key: "weight") var weight: Double?
    @Field(key: "cycle") var cycle: ReportingCycle

    init() {}

    init(itemID: UUID, cycle: ReportingCycle = .monthly) {
        self.$item.id = itemID
        self.$leadLeader.id = nil
        self.$leadUnit.id = nil
        self.cooperatingUnitIDs = ""
        self.responsiblePerson = nil
        self.startDate = nil
        self.dueDate = nil
        self.weight = nil
        self.cycle = cycle
    }

    var cooperating: [UUID] { cooperatingUnitIDs.split(separator: ",").compactMap { UUID(uuidString: String($0)) } }

    /// The periods the lead unit reports for in the plan's year, by its cycle, dates and the plan's rules.
    func duePeriods(year: Int, rules: SupervisionRules, calendar: Calendar = .beijing) -> [DuePeriod] {
        ReportingCalendar.periods(
            cycle: cycle, year: year, start: startDate.map { CivilDay($0, calendar: calendar) },
            due: dueDate.map { CivilDay($0, calendar: calendar) }, rules: rules)
    }

    /// Whether a unit answers for the item: as lead unit or as a cooperating one.
    func involves(_ unit: UUID) -> Bool { Self.involves(unit, lead: $leadUnit.id, cooperating: cooperatingUnitIDs) }

    /// The same check on the stored columns, for queries that read them without loading the model.
    static func involves(_ unit: UUID, lead: UUID?, cooperating ids: String) -> Bool {
        lead == unit || ids.split(separator: ",").contains { UUID(uuidString: String($0)) == unit }
    }
}

/// A unit's report on an item for a period. Nothing is overwritten: a correction is a new report that
/// supersedes the old one.
final class ProgressReport: Model, @unchecked Sendable {
    static let schema = "progress_reports"

    @ID(key: .id) var id: UUID?
    @Parent(key: "item_id") var item: PlanItem
    @Parent(key: "unit_id") var unit: Organization
    @Parent(key: "author_id") var author: User
    /// The reporting period, "2015-05" for a month, "2015-Q2" for a quarter.
    @Field(key: "period") var period: String
    @Field(key: "actual_value") var actualValue: Double?
    @Field(key: "percent_complete") var percentComplete: Double?
    @Field(key: "milestone") var milestone: String?
    @Field(key: "narrative") var narrative: String
    /// 存在问题 and 下一步措施, when the unit wrote them.
    @OptionalField(key: "problems") var problems: String?
    @OptionalField(key: "next_steps") var nextSteps: String?

    /// Returned to the unit: still so, or since superseded by the report filed again. A return always gives
    /// its reason and an acceptance none, so a superseded report that was reviewed with a reason was returned
    /// (an accepted one updated later was not). It answers for no period.
    var wasReturned: Bool {
        Self.wasReturned(state: state, reviewedAt: reviewedAt, reason: !(reviewReason ?? "").isEmpty)
    }

    /// Returned, or superseded after a review that gave a reason (a return the unit has answered).
    static func wasReturned(state: ReportState, reviewedAt: Date?, reason: Bool) -> Bool {
        state == .returned || (state == .superseded && reviewedAt != nil && reason)
    }
    @Field(key: "state") var state: ReportState
    @Field(key: "review_reason") var reviewReason: String?
    @OptionalParent(key: "reviewer_id") var reviewer: User?
    @Field(key: "reviewed_at") var reviewedAt: Date?
    @OptionalParent(key: "supersedes_id") var supersedes: ProgressReport?
    @Field(key: "submitted_at") var submittedAt: Date

    init() {}

    init(
        id: UUID? = nil, itemID: UUID, unitID: UUID, authorID: UUID, period: String, actualValue: Double?,
        percentComplete: Double?, milestone: String?, narrative: String, submittedAt: Date, supersedesID: UUID? = nil
    ) {
        self.id = id
        self.$item.id = itemID
        self.$unit.id = unitID
        self.$author.id = authorID
        self.period = period
        self.actualValue = actualValue
        self.percentComplete = percentComplete
        self.milestone = milestone
        self.narrative = narrative
        self.state = .submitted
        self.reviewReason = nil
        self.$reviewer.id = nil
        self.reviewedAt = nil
        self.submittedAt = submittedAt
        self.$supersedes.id = supersedesID
    }
}

/// A comment, or a leader's instruction (批示), on an item.
final class Comment: Model, @unchecked Sendable {
    static let schema = "comments"

    @ID(key: .id) var id: UUID?
    @Parent(key: "item_id") var item: PlanItem
    @Parent(key: "author_id") var author: User
    @Field(key: "is_instruction") var isInstruction: Bool
    @Field(key: "body") var body: String
    @Field(key: "created_at") var createdAt: Date

    init() {}

    init(itemID: UUID, authorID: UUID, isInstruction: Bool, body: String, createdAt: Date) {
        self.$item.id = itemID
        self.$author.id = authorID
        self.isInstruction = isInstruction
        self.body = body
        self.createdAt = createdAt
    }
}

/// An entry of the append-only, hash-chained audit log.
final class AuditEntry: Model, @unchecked Sendable {
    static let schema = "audit_entries"

    @ID(key: .id) var id: UUID?
    @Field(key: "sequence") var sequence: Int
    @Field(key: "at") var at: Date
    @Field(key: "actor") var actor: String
    @Field(key: "action") var action: String
    @Field(key: "entity") var entity: String
    @Field(key: "entity_id") var entityID: String
    @Field(key: "before") var before: String?
    @Field(key: "after") var after: String?
    @Field(key: "previous_hash") var previousHash: String
    @Field(key: "hash") var hash: String
    /// The digest of the records this entry's write left behind (reports, notices, items), when any.
    @OptionalField(key: "row_digest") var rows: String?
    /// HMAC of the hash and `rows` with the server's audit key (`AuditChain.seal`).
    @OptionalField(key: "seal") var seal: String?

    init() {}

    init(_ r: AuditRecord) {
        self.sequence = r.sequence
        self.at = r.at
        self.actor = r.actor
        self.action = r.action
        self.entity = r.entity
        self.entityID = r.entityID
        self.before = r.before
        self.after = r.after
        self.previousHash = r.previousHash
        self.hash = r.hash
    }

    var record: AuditRecord {
        AuditRecord(
            sequence: sequence, at: at, actor: actor, action: action, entity: entity, entityID: entityID,
            before: before, after: after, previousHash: previousHash, hash: hash)
    }
}
