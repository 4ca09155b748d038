import Fluent
import Foundation
import LuoshiCore
import Vapor

/// A version of a plan's 考核 scheme: staff edit the scheme, and each edit is a new version, so a score
/// always names the version it was computed by and an old score can be computed again.
final class AssessmentSchemeVersion: Model, @unchecked Sendable {
    static let schema = "assessment_schemes"

    @ID(key: .id) var id: UUID?
    @Parent(key: "plan_id") var plan: Plan
    @Field(key: "version") var version: Int
    @Field(key: "scheme_json") var schemeJSON: String
    @Field(key: "created_by") var createdBy: String
    @Field(key: "created_at") var createdAt: Date

    init() {}

    init(planID: UUID, scheme: AssessmentScheme, by actor: String, at: Date) throws {
        id = UUID()
        $plan.id = planID
        version = scheme.version
        schemeJSON = String(decoding: try JSONEncoder().encode(scheme), as: UTF8.self)
        createdBy = actor
        createdAt = at
    }

    var scheme: AssessmentScheme? { try? JSONDecoder().decode(AssessmentScheme.self, from: Data(schemeJSON.utf8)) }
}

/// What people enter into a unit's 考核, with the reason: 加分 of a type, 扣分, 一票否决 (with who decided
/// and the document, once decided), or the unit's 满意度测评 score. Never changed or deleted: a later entry
/// of the same kind says more.
final class AssessmentEntry: Model, @unchecked Sendable {
    static let schema = "assessment_entries"

    enum Kind: String, Codable, Sendable, CaseIterable {
        case bonus, deduction, veto, survey
    }

    @ID(key: .id) var id: UUID?
    @Parent(key: "plan_id") var plan: Plan
    @Parent(key: "unit_id") var unit: Organization
    /// 2015, 2015-Q2.
    @Field(key: "period") var period: String
    @Field(key: "kind") var kind: Kind
    @OptionalField(key: "bonus_type") var bonusType: String?
    @Field(key: "points") var points: Double
    @Field(key: "reason") var reason: String
    @OptionalField(key: "decided_by") var decidedBy: String?
    @OptionalField(key: "document") var document: String?
    @Field(key: "entered_by") var enteredBy: String
    @Field(key: "entered_at") var enteredAt: Date

    init() {}

    init(
        planID: UUID, unitID: UUID, period: String, kind: Kind, bonusType: String?, points: Double, reason: String,
        decidedBy: String?, document: String?, by actor: String, at: Date
    ) {
        id = UUID()
        $plan.id = planID
        $unit.id = unitID
        self.period = period
        self.kind = kind
        self.bonusType = bonusType
        self.points = points
        self.reason = reason
        self.decidedBy = decidedBy
        self.document = document
        enteredBy = actor
        enteredAt = at
    }
}

/// A 考核 round of a plan's period: opened (the data frozen at its day, by the scheme's version then),
/// published for 公示, then final, its result stored and never computed again.
final class AssessmentRound: Model, @unchecked Sendable {
    static let schema = "assessment_rounds"

    @ID(key: .id) var id: UUID?
    @Parent(key: "plan_id") var plan: Plan
    @Field(key: "period") var period: String
    /// The day the data is frozen at, 2015-12-31.
    @Field(key: "at_day") var atDay: String
    @Field(key: "scheme_version") var schemeVersion: Int
    @Field(key: "stage") var stage: AssessmentStage
    @OptionalField(key: "publicity_until") var publicityUntil: String?
    /// The final result, as JSON: what the pages show once final.
    @OptionalField(key: "result_json") var resultJSON: String?
    @Field(key: "opened_by") var openedBy: String
    @Field(key: "opened_at") var openedAt: Date
    @OptionalField(key: "published_at") var publishedAt: Date?
    @OptionalField(key: "finalized_at") var finalizedAt: Date?

    init() {}

    init(planID: UUID, period: String, at: CivilDay, schemeVersion: Int, by actor: String, now: Date) {
        id = UUID()
        $plan.id = planID
        self.period = period
        atDay = Breakdown.iso(at)
        self.schemeVersion = schemeVersion
        stage = .open
        openedBy = actor
        openedAt = now
    }

    var day: CivilDay? { CivilDay(atDay) }
    var until: CivilDay? { publicityUntil.flatMap(CivilDay.init) }
}

/// A unit's 异议 to its published score, and staff's answer.
final class AssessmentObjection: Model, @unchecked Sendable {
    static let schema = "assessment_objections"

    @ID(key: .id) var id: UUID?
    @Parent(key: "round_id") var round: AssessmentRound
    @Parent(key: "unit_id") var unit: Organization
    @Field(key: "text") var text: String
    @Field(key: "lodged_by") var lodgedBy: String
    @Field(key: "lodged_at") var lodgedAt: Date
    @OptionalField(key: "answer") var answer: String?
    @OptionalField(key: "answered_by") var answeredBy: String?
    @OptionalField(key: "answered_at") var answeredAt: Date?

    init() {}

    init(roundID: UUID, unitID: UUID, text: String, by actor: String, at: Date) {
        id = UUID()
        $round.id = roundID
        $unit.id = unitID
        self.text = text
        lodgedBy = actor
        lodgedAt = at
    }
}

/// A unit's 自评 of one line of its score, or staff's 复核 of it (the points it should have, and why). The
/// latest of each kind for a line counts; none is changed or deleted.
final class AssessmentClaim: Model, @unchecked Sendable {
    static let schema = "assessment_claims"

    enum Kind: String, Codable, Sendable {
        case selfScore = "self", review
    }

    @ID(key: .id) var id: UUID?
    @Parent(key: "round_id") var round: AssessmentRound
    @Parent(key: "unit_id") var unit: Organization
    /// `Assessment.Line.key`: the line's category, subject and occurrence.
    @Field(key: "line_key") var lineKey: String
    @Field(key: "kind") var kind: Kind
    @Field(key: "points") var points: Double
    @Field(key: "note") var note: String
    @Field(key: "by") var by: String
    @Field(key: "at") var at: Date

    init() {}

    init(roundID: UUID, unitID: UUID, lineKey: String, kind: Kind, points: Double, note: String, by: String, at: Date) {
        id = UUID()
        $round.id = roundID
        $unit.id = unitID
        self.lineKey = lineKey
        self.kind = kind
        self.points = points
        self.note = note
        self.by = by
        self.at = at
    }
}
