import Fluent
import FluentSQLiteDriver
import Foundation
import LuoshiCore
import SQLKit
import SQLiteNIO

/// The whole-plan reads (a plan's items, their assignments, their latest accepted reports) from SQLite
/// rows by column, not through Fluent's decoding. Fluent decodes each value through a `Decoder`: on a
/// 6,000-item plan that is 0.45 s for the items, while SQLite returns the rows in 0.02 s (`luoshi bench
/// export`). The models come out as Fluent's would, marked as existing. Other databases (PostgreSQL)
/// take Fluent's path.
enum PlanRows {
    /// The plan's live items in the plan's order.
    static func liveItems(plan: UUID, on db: any Database) async throws -> [PlanItem] {
        guard let lite = db as? any SQLiteDatabase else {
            // PostgreSQL: a plain select, each row into a model by hand.
            return try await (db as! any SQLDatabase).select().column("*").from(PlanItem.schema)
                .where("plan_id", .equal, plan).where("retired_at", .is, SQLLiteral.null).orderBy("position").all()
                .map { r in
                    let item = PlanItem(
                        id: try r.decode(column: "id", as: UUID.self), planID: plan,
                        parentID: try r.decode(column: "parent_id", as: UUID?.self),
                        kind: try r.decode(column: "kind", as: ItemKind.self),
                        position: try r.decode(column: "position", as: Int.self),
                        code: try r.decode(column: "code", as: String.self),
                        number: try r.decode(column: "number", as: String?.self),
                        title: try r.decode(column: "title", as: String.self),
                        span: Span(
                            start: try r.decode(column: "span_start", as: Int.self),
                            end: try r.decode(column: "span_end", as: Int.self)))
                    item.headline = try r.decode(column: "headline", as: Bool.self)
                    item.subject = try r.decode(column: "subject", as: String?.self)
                    item.comparator = try r.decode(column: "comparator", as: TargetComparator?.self)
                    item.value = try r.decode(column: "value", as: Double?.self)
                    item.valueMin = try r.decode(column: "value_min", as: Double?.self)
                    item.valueMax = try r.decode(column: "value_max", as: Double?.self)
                    item.unit = try r.decode(column: "unit", as: String?.self)
                    item.baseline = try r.decode(column: "baseline", as: Double?.self)
                    item.baselineYear = try r.decode(column: "baseline_year", as: Int?.self)
                    item.baselineSpanStart = try r.decode(column: "baseline_span_start", as: Int?.self)
                    item.baselineSpanEnd = try r.decode(column: "baseline_span_end", as: Int?.self)
                    item.per = try r.decode(column: "per", as: String?.self)
                    item.attributesJSON = try r.decode(column: "attributes", as: String?.self)
                    item.retiredBy = try r.decode(column: "retired_by", as: String?.self)
                    item.retiredReason = try r.decode(column: "retired_reason", as: String?.self)
                    item.$mergedInto.id = try r.decode(column: "merged_into_id", as: UUID?.self)
                    item.$id.exists = true
                    return item
                }
        }
        let rows = try await lite.query(
            "SELECT * FROM plan_items WHERE plan_id = ? AND retired_at IS NULL ORDER BY position",
            [.text(plan.uuidString)])
        return try rows.map { r in
            let item = PlanItem(
                id: try r.uuid("id"), planID: try r.uuid("plan_id"), parentID: r.optionalUUID("parent_id"),
                kind: try r.raw("kind"), position: try r.int("position"), code: try r.string("code"),
                number: r.optionalString("number"), title: try r.string("title"),
                span: Span(start: try r.int("span_start"), end: try r.int("span_end")))
            item.headline = r.optionalInt("headline") == 1
            item.subject = r.optionalString("subject")
            item.comparator = r.optionalString("comparator").flatMap(TargetComparator.init(rawValue:))
            item.value = r.optionalDouble("value")
            item.valueMin = r.optionalDouble("value_min")
            item.valueMax = r.optionalDouble("value_max")
            item.unit = r.optionalString("unit")
            item.baseline = r.optionalDouble("baseline")
            item.baselineYear = r.optionalInt("baseline_year")
            item.baselineSpanStart = r.optionalInt("baseline_span_start")
            item.baselineSpanEnd = r.optionalInt("baseline_span_end")
            item.per = r.optionalString("per")
            item.attributesJSON = r.optionalString("attributes")
            item.retiredBy = r.optionalString("retired_by")
            item.retiredReason = r.optionalString("retired_reason")
            item.$mergedInto.id = r.optionalUUID("merged_into_id")
            item.$id.exists = true
            return item
        }
    }

    /// The assignments of the plan's live items.
    static func assignments(plan: UUID, on db: any Database) async throws -> [Assignment] {
        guard let lite = db as? any SQLiteDatabase else {
            // PostgreSQL: a plain select, each row into a model by hand.
            return try await (db as! any SQLDatabase).select().column(
                SQLColumn(SQLLiteral.all, table: SQLIdentifier("a"))
            )
            .from(SQLAlias(SQLIdentifier(Assignment.schema), as: SQLIdentifier("a")))
            .join(
                SQLAlias(SQLIdentifier(PlanItem.schema), as: SQLIdentifier("i")),
                on: SQLColumn("id", table: "i"), .equal, SQLColumn("item_id", table: "a")
            )
            .where(SQLColumn("plan_id", table: "i"), .equal, SQLBind(plan))
            .where(SQLColumn("retired_at", table: "i"), .is, SQLLiteral.null).all()
            .map { r in
                let a = Assignment(
                    itemID: try r.decode(column: "item_id", as: UUID.self),
                    cycle: try r.decode(column: "cycle", as: ReportingCycle.self))
                a.id = try r.decode(column: "id", as: UUID.self)
                a.$leadLeader.id = try r.decode(column: "lead_leader_id", as: UUID?.self)
                a.$leadUnit.id = try r.decode(column: "lead_unit_id", as: UUID?.self)
                a.cooperatingUnitIDs = try r.decode(column: "cooperating_unit_ids", as: String?.self) ?? ""
                a.responsiblePerson = try r.decode(column: "responsible_person", as: String?.self)
                a.startDate = try r.decode(column: "start_date", as: Date?.self)
                a.dueDate = try r.decode(column: "due_date", as: Date?.self)
                a.weight = try r.decode(column: "weight", as: Double?.self)
                a.$id.exists = true
                return a
            }
        }
        let rows = try await lite.query(
            "SELECT a.* FROM assignments a JOIN plan_items i ON i.id = a.item_id WHERE i.plan_id = ? AND i.retired_at IS NULL",
            [.text(plan.uuidString)])
        return try rows.map { r in
            let a = Assignment(itemID: try r.uuid("item_id"), cycle: try r.raw("cycle"))
            a.id = try r.uuid("id")
            a.$leadLeader.id = r.optionalUUID("lead_leader_id")
            a.$leadUnit.id = r.optionalUUID("lead_unit_id")
            a.cooperatingUnitIDs = r.optionalString("cooperating_unit_ids") ?? ""
            a.responsiblePerson = r.optionalString("responsible_person")
            a.startDate = r.optionalDate("start_date")
            a.dueDate = r.optionalDate("due_date")
            a.weight = r.optionalDouble("weight")
            a.$id.exists = true
            return a
        }
    }

    /// The latest accepted report of each of the plan's items, on SQLite (`PlanSnapshot.latestAccepted`
    /// has the query and the other databases' path).
    static func latestAccepted(plan: UUID, query: String, on db: any Database) async throws -> [ProgressReport]? {
        guard let lite = db as? any SQLiteDatabase else { return nil }
        let accepted = SQLiteData.text(ReportState.accepted.rawValue)
        return try await lite.query(query, [.text(plan.uuidString), accepted, accepted]).map(report)
    }

    /// Every report on the plan's items (one unit's, accepted ones only, when asked), by period and filing:
    /// the 台账's first sheet.
    static func reports(plan: UUID, unit: UUID?, acceptedOnly: Bool, on db: any Database) async throws
        -> [ProgressReport]
    {
        guard let lite = db as? any SQLiteDatabase else {
            // PostgreSQL: a plain select, each row into a model by hand; Fluent's model decoding of a year of
            // reports was most of a 考核's time (`luoshi bench supervise`).
            let sql = db as! any SQLDatabase
            var q = sql.select().column(SQLColumn(SQLLiteral.all, table: SQLIdentifier("r")))
                .from(SQLAlias(SQLIdentifier(ProgressReport.schema), as: SQLIdentifier("r")))
                .join(
                    SQLAlias(SQLIdentifier(PlanItem.schema), as: SQLIdentifier("i")),
                    on: SQLColumn("id", table: "i"), .equal, SQLColumn("item_id", table: "r")
                )
                .where(SQLColumn("plan_id", table: "i"), .equal, SQLBind(plan))
            if let unit { q = q.where(SQLColumn("unit_id", table: "r"), .equal, SQLBind(unit)) }
            if acceptedOnly {
                q = q.where(SQLColumn("state", table: "r"), .equal, SQLBind(ReportState.accepted.rawValue))
            }
            return try await q.orderBy(SQLColumn("period", table: "r")).orderBy(SQLColumn("submitted_at", table: "r"))
                .all().map(report)
        }
        var sql = "SELECT r.* FROM progress_reports r JOIN plan_items i ON i.id = r.item_id WHERE i.plan_id = ?"
        var binds: [SQLiteData] = [.text(plan.uuidString)]
        if let unit {
            sql += " AND r.unit_id = ?"
            binds.append(.text(unit.uuidString))
        }
        if acceptedOnly {
            sql += " AND r.state = ?"
            binds.append(.text(ReportState.accepted.rawValue))
        }
        return try await lite.query(sql + " ORDER BY r.period, r.submitted_at", binds).map(report)
    }

    /// A report from any database's row, by column name.
    private static func report(_ r: any SQLRow) throws -> ProgressReport {
        let p = ProgressReport()
        p.id = try r.decode(column: "id", as: UUID.self)
        p.$item.id = try r.decode(column: "item_id", as: UUID.self)
        p.$unit.id = try r.decode(column: "unit_id", as: UUID.self)
        p.$author.id = try r.decode(column: "author_id", as: UUID.self)
        p.period = try r.decode(column: "period", as: String.self)
        p.actualValue = try r.decode(column: "actual_value", as: Double?.self)
        p.percentComplete = try r.decode(column: "percent_complete", as: Double?.self)
        p.milestone = try r.decode(column: "milestone", as: String?.self)
        p.narrative = try r.decode(column: "narrative", as: String.self)
        p.problems = try r.decode(column: "problems", as: String?.self)
        p.nextSteps = try r.decode(column: "next_steps", as: String?.self)
        p.state = try r.decode(column: "state", as: ReportState.self)
        p.reviewReason = try r.decode(column: "review_reason", as: String?.self)
        p.$reviewer.id = try r.decode(column: "reviewer_id", as: UUID?.self)
        p.reviewedAt = try r.decode(column: "reviewed_at", as: Date?.self)
        p.$supersedes.id = try r.decode(column: "supersedes_id", as: UUID?.self)
        p.submittedAt = try r.decode(column: "submitted_at", as: Date.self)
        p.$id.exists = true
        return p
    }

    private static func report(_ r: SQLiteRow) throws -> ProgressReport {
        let p = ProgressReport()
        p.id = try r.uuid("id")
        p.$item.id = try r.uuid("item_id")
        p.$unit.id = try r.uuid("unit_id")
        p.$author.id = try r.uuid("author_id")
        p.period = try r.string("period")
        p.actualValue = r.optionalDouble("actual_value")
        p.percentComplete = r.optionalDouble("percent_complete")
        p.milestone = r.optionalString("milestone")
        p.narrative = try r.string("narrative")
        p.problems = r.optionalString("problems")
        p.nextSteps = r.optionalString("next_steps")
        p.state = try r.raw("state")
        p.reviewReason = r.optionalString("review_reason")
        p.$reviewer.id = r.optionalUUID("reviewer_id")
        p.reviewedAt = r.optionalDate("reviewed_at")
        p.$supersedes.id = r.optionalUUID("supersedes_id")
        guard let submitted = r.optionalDate("submitted_at") else { throw PlanRowsError.missing("submitted_at") }
        p.submittedAt = submitted
        p.$id.exists = true
        return p
    }
}

enum PlanRowsError: Error { case missing(String) }

extension SQLiteRow {
    func value(_ c: String) -> SQLiteData { column(c) ?? .null }

    func optionalString(_ c: String) -> String? {
        if case .text(let s) = value(c) { return s }
        return value(c).string
    }

    func string(_ c: String) throws -> String {
        guard let s = optionalString(c) else { throw PlanRowsError.missing(c) }
        return s
    }

    func optionalInt(_ c: String) -> Int? { value(c).integer.map { Int($0) } }

    func int(_ c: String) throws -> Int {
        guard let v = optionalInt(c) else { throw PlanRowsError.missing(c) }
        return v
    }

    func optionalDouble(_ c: String) -> Double? { value(c).double }

    /// Dates as SQLiteNIO reads them (seconds since 1970, kept to the microsecond).
    func optionalDate(_ c: String) -> Date? { value(c).isNull ? nil : Date(sqliteData: value(c)) }

    func optionalUUID(_ c: String) -> UUID? {
        switch value(c) {
        case .text(let s): return UUID(uuidString: s)
        case .blob(let b) where b.readableBytes == 16:
            let bytes = Array(b.readableBytesView)
            return UUID(
                uuid: (
                    bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7], bytes[8], bytes[9],
                    bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]
                ))
        default: return nil
        }
    }

    func uuid(_ c: String) throws -> UUID {
        guard let u = optionalUUID(c) else { throw PlanRowsError.missing(c) }
        return u
    }

    func raw<T: RawRepresentable>(_ c: String) throws -> T where T.RawValue == String {
        guard let s = optionalString(c), let v = T(rawValue: s) else { throw PlanRowsError.missing(c) }
        return v
    }
}
