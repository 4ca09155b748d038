import Fluent
import FluentSQLiteDriver
import Foundation
import LuoshiCore
import SQLKit
import SQLiteNIO

/// A report as the 考核 and the 月通报 count it: when, for which period, what it said in figures, how it was
/// reviewed; no words and no model. A year of a plan's reports read into Fluent models, then read back
/// field by field (each read a dynamic cast), was most of a 考核's time on PostgreSQL (`luoshi bench
/// supervise`).
struct ReportFact: Sendable {
    var id: UUID
    var item: UUID
    var unit: UUID
    var period: String
    var actualValue: Double?
    var percentComplete: Double?
    var milestone: String?
    var state: ReportState
    var reviewedAt: Date?
    var submittedAt: Date
    /// Returned by a reviewer, then or since superseded by the unit's new filing.
    var returned: Bool

    /// Whether it stood returned at `end`: a report returned after the day still stood on it.
    func returned(before end: Date) -> Bool { returned && (reviewedAt ?? .distantFuture) < end }

    /// The model `PlanSnapshot` reads for an item's latest figure.
    var latestModel: ProgressReport {
        let p = ProgressReport()
        p.id = id
        p.$item.id = item
        p.$unit.id = unit
        p.period = period
        p.actualValue = actualValue
        p.percentComplete = percentComplete
        p.milestone = milestone
        p.state = state
        p.reviewedAt = reviewedAt
        p.submittedAt = submittedAt
        p.$id.exists = true
        return p
    }
}

extension PlanSnapshot {
    /// The snapshot from accepted reports as plain values, in filing order: each item's latest counts (the
    /// snapshot reads nothing else of them).
    static func compute(
        plan: Plan, items: [PlanItem], assignments: [Assignment], acceptedFacts: [ReportFact],
        milestones: [Milestone], now: Date
    ) -> PlanSnapshot {
        var latest: [UUID: ReportFact] = [:]
        for r in acceptedFacts { latest[r.item] = r }
        return compute(
            plan: plan, items: items, assignments: assignments,
            accepted: latest.values.sorted { $0.submittedAt < $1.submittedAt }.map(\.latestModel),
            milestones: milestones, now: now)
    }
}

extension PlanRows {
    /// Every report on the plan's items, in filing order.
    static func reportFacts(plan: UUID, on db: any Database) async throws -> [ReportFact] {
        let select = """
            SELECT r.id, r.item_id, r.unit_id, r.period, r.actual_value, r.percent_complete, r.milestone, r.state,
              r.reviewed_at, r.submitted_at,
              CASE WHEN r.review_reason IS NULL OR r.review_reason = '' THEN 0 ELSE 1 END AS has_reason
            FROM progress_reports r JOIN plan_items i ON i.id = r.item_id WHERE i.plan_id =
            """
        func fact(state raw: String, reviewedAt: Date?, hasReason: Int, _ make: (ReportState, Bool) -> ReportFact)
            throws -> ReportFact
        {
            guard let state = ReportState(rawValue: raw) else { throw PlanRowsError.missing("state") }
            return make(
                state, ProgressReport.wasReturned(state: state, reviewedAt: reviewedAt, reason: hasReason != 0))
        }
        if let lite = db as? any SQLiteDatabase {
            return try await lite.query(select + " ? ORDER BY r.submitted_at", [.text(plan.uuidString)]).map {
                r in
                let reviewedAt = r.optionalDate("reviewed_at")
                guard let submitted = r.optionalDate("submitted_at") else {
                    throw PlanRowsError.missing("submitted_at")
                }
                let id = try r.uuid("id"), item = try r.uuid("item_id"), unit = try r.uuid("unit_id")
                let period = try r.string("period")
                return try fact(
                    state: try r.string("state"), reviewedAt: reviewedAt, hasReason: r.optionalInt("has_reason") ?? 0
                ) { state, returned in
                    ReportFact(
                        id: id, item: item, unit: unit, period: period, actualValue: r.optionalDouble("actual_value"),
                        percentComplete: r.optionalDouble("percent_complete"), milestone: r.optionalString("milestone"),
                        state: state, reviewedAt: reviewedAt, submittedAt: submitted, returned: returned)
                }
            }
        }
        let rows = try await (db as! any SQLDatabase).raw(
            "\(unsafeRaw: select) \(bind: plan) ORDER BY r.submitted_at"
        ).all()
        return try rows.map { r in
            let reviewedAt = try r.decode(column: "reviewed_at", as: Date?.self)
            let id = try r.decode(column: "id", as: UUID.self), item = try r.decode(column: "item_id", as: UUID.self)
            let unit = try r.decode(column: "unit_id", as: UUID.self),
                period = try r.decode(column: "period", as: String.self)
            let actual = try r.decode(column: "actual_value", as: Double?.self)
            let percent = try r.decode(column: "percent_complete", as: Double?.self)
            let milestone = try r.decode(column: "milestone", as: String?.self)
            let submitted = try r.decode(column: "submitted_at", as: Date.self)
            return try fact(
                state: try r.decode(column: "state", as: String.self), reviewedAt: reviewedAt,
                hasReason: try r.decode(column: "has_reason", as: Int.self)
            ) { state, returned in
                ReportFact(
                    id: id, item: item, unit: unit, period: period, actualValue: actual, percentComplete: percent,
                    milestone: milestone, state: state, reviewedAt: reviewedAt, submittedAt: submitted,
                    returned: returned)
            }
        }
    }
}

/// When each unit first filed for each period of each item, returned reports left out (they must be filed
/// again): what `ReportTimeliness` reads for the 月通报 and the 考核 alike.
struct FirstFilings {
    private struct Key: Hashable {
        var item: UUID
        var unit: UUID
    }
    private var days: [Key: [String: CivilDay]] = [:]

    init(_ filings: some Sequence<(item: UUID, unit: UUID, period: String, at: Date)>, calendar: Calendar) {
        for f in filings {
            let day = CivilDay(f.at, calendar: calendar)
            let key = Key(item: f.item, unit: f.unit)
            if let known = days[key]?[f.period], known <= day { continue }
            days[key, default: [:]][f.period] = day
        }
    }

    subscript(item item: UUID, unit unit: UUID) -> [String: CivilDay] { days[Key(item: item, unit: unit)] ?? [:] }
}
