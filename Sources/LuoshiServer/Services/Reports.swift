import Fluent
import Foundation
import LuoshiCore
import SQLKit
import Vapor

/// Filing and reviewing progress reports: the writes, as commands that validate, then do everything
/// in one transaction with the audit entry.
enum Reports {
    /// 2015-05, 2015-Q2, 2015-W23, 2015-H1, for the API document; `ReportPeriod.parse` is the check.
    static let periodPattern = #"^20\d{2}-(0[1-9]|1[0-2]|Q[1-4]|W(0[1-9]|[1-4]\d|5[0-3])|H[12])$"#

    struct Filing: Content, SchemaConstraints {
        static let constraints: [String: [(String, JSONValue)]] = [
            "period": [("pattern", .string(periodPattern)), ("example", "2015-05")],
            "percentComplete": [("minimum", 0), ("maximum", 100)],
            "narrative": text(max: 10_000),
            "milestone": text(max: 200),
            "problems": text(max: 5_000),
            "nextSteps": text(max: 5_000),
        ]
        var period: String
        var actualValue: Double?
        var percentComplete: Double?
        var milestone: String?
        var narrative: String
        /// 存在问题, 下一步措施: optional.
        var problems: String? = nil
        var nextSteps: String? = nil
    }

    /// The unit a user reports for on an item: the lead unit or a cooperating one, never another's.
    static func unit(of user: User, for item: PlanItem, on db: any Database) async throws -> UUID {
        guard user.role == .reporter, let unit = user.$organization.id else {
            throw LuoshiError.forbidden(reason: "只有责任单位填报人可以报送进展 (only a unit's reporter can report)")
        }
        guard let a = try await Assignment.query(on: db).filter(\.$item.$id == item.id!).first(),
            a.involves(unit)
        else {
            throw LuoshiError.forbidden(reason: "该事项不属于本单位 (this item is not your unit's)")
        }
        return unit
    }

    /// The plan must be published, the item live and the user's unit's. Filing is the busiest write, so
    /// the plan's status, the item and its assignment come in one plain query rather than three model
    /// loads; it runs inside the filing's write, so what it checked still holds when the report is kept.
    static func reportingUnit(of user: User, for item: PlanItem, on db: any Database) async throws -> UUID {
        guard user.role == .reporter, let unit = user.$organization.id else {
            throw LuoshiError.forbidden(reason: "只有责任单位填报人可以报送进展 (only a unit's reporter can report)")
        }
        let sql = db as! any SQLDatabase
        let row = try await sql.raw(
            """
            SELECT p.status, i.retired_at, a.lead_unit_id, a.cooperating_unit_ids FROM \(ident: PlanItem.schema) i
            JOIN \(ident: Plan.schema) p ON p.id = i.plan_id
            LEFT JOIN \(ident: Assignment.schema) a ON a.item_id = i.id
            WHERE i.id = \(bind: item.id!)
            """
        ).first()
        guard let row else { throw LuoshiError.notFound(entity: "事项", id: item.id!.uuidString) }
        let status = try row.decode(column: "status", as: PlanStatus.self)
        guard status == .published else {
            throw LuoshiError.conflict(reason: status == .closed ? "计划已结束，不再报送" : "计划尚未发布，暂不报送")
        }
        guard try row.decode(column: "retired_at", as: Date?.self) == nil else {
            throw LuoshiError.conflict(reason: "该事项已撤销，不再报送 (the item was retired)")
        }
        let lead = try row.decode(column: "lead_unit_id", as: UUID?.self)
        let cooperating = try row.decode(column: "cooperating_unit_ids", as: String?.self) ?? ""
        guard Assignment.involves(unit, lead: lead, cooperating: cooperating) else {
            throw LuoshiError.forbidden(reason: "该事项不属于本单位 (this item is not your unit's)")
        }
        return unit
    }

    /// What the audit log keeps of a filing: its figures and the fingerprints of its files.
    struct EvidencedFiling: Encodable {
        var filing: Filing
        var evidence: [String]
    }

    static func validate(_ f: Filing) throws {
        guard ReportPeriod.parse(f.period) != nil else {
            throw LuoshiError.invalid(field: "报送期", reason: "应为 2015-05、2015-Q2 或 2015-W23 的形式")
        }
        if let p = f.percentComplete, !(0...100).contains(p) || p.isNaN {
            throw LuoshiError.invalid(field: "完成百分比", reason: "应在 0 到 100 之间")
        }
        if let v = f.actualValue, !v.isFinite { throw LuoshiError.invalid(field: "实际数值", reason: "不是有效数字") }
        guard !f.narrative.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw LuoshiError.invalid(field: "进展情况", reason: "不能为空")
        }
        guard (f.milestone?.count ?? 0) <= 200 else {
            throw LuoshiError.invalid(field: "节点", reason: "不超过 200 字 (200 characters at most)")
        }
        guard f.narrative.count <= 10_000 else { throw LuoshiError.invalid(field: "进展情况", reason: "超过 10000 字") }
        guard (f.problems?.count ?? 0) <= 5_000 else { throw LuoshiError.invalid(field: "存在问题", reason: "超过 5000 字") }
        guard (f.nextSteps?.count ?? 0) <= 5_000 else {
            throw LuoshiError.invalid(field: "下一步措施", reason: "超过 5000 字")
        }
    }

    /// Files a report; an earlier report of the same unit and period that is not yet accepted, or that
    /// was returned, is superseded, never overwritten.
    static func file(
        _ filing: Filing, evidence: [EvidenceStore.Checked] = [], evidenceDirectory: String = "", item: PlanItem,
        user: User,
        on store: Store, now: Date
    ) async throws -> ProgressReport {
        var f = filing
        f.narrative = f.narrative.storable
        f.milestone = f.milestone?.storable
        // Blank is not written.
        f.problems = f.problems?.storable.trimmingCharacters(in: .whitespacesAndNewlines)
        if f.problems?.isEmpty == true { f.problems = nil }
        f.nextSteps = f.nextSteps?.storable.trimmingCharacters(in: .whitespacesAndNewlines)
        if f.nextSteps?.isEmpty == true { f.nextSteps = nil }
        try validate(f)
        // A quick look before the files are written; the same check runs again inside the write.
        _ = try await reportingUnit(of: user, for: item, on: store.db)
        // Files first, outside the transaction; removed again if the transaction fails.
        let written = try EvidenceStore.write(evidence, to: evidenceDirectory)
        do {
            return try await record(f, evidence: evidence, item: item, user: user, on: store, now: now)
        } catch {
            for p in written { try? FileManager.default.removeItem(atPath: p) }
            throw error
        }
    }

    private static func record(
        _ f: Filing, evidence: [EvidenceStore.Checked], item: PlanItem, user: User, on store: Store, now: Date
    ) async throws -> ProgressReport {
        try await store.write(.plan(item.$plan.id), actor: user.username, at: now) { tx in
            let unit = try await reportingUnit(of: user, for: item, on: tx.db)
            // Filing is the busiest write and runs inside the ordered section: plain SQL here, since a
            // Fluent model load or create reflects over the model's properties each time.
            let sql = tx.sql
            let earlier = try await sql.select().column("id").column("state").from(ProgressReport.schema)
                .where("item_id", .equal, item.id!).where("unit_id", .equal, unit).where("period", .equal, f.period)
                .where("state", .notEqual, ReportState.superseded.rawValue)
                .orderBy("submitted_at", .descending).limit(1).first()
                .map {
                    (
                        id: try $0.decode(column: "id", as: UUID.self),
                        state: try $0.decode(column: "state", as: ReportState.self)
                    )
                }
            let report = ProgressReport(
                id: UUID(), itemID: item.id!, unitID: unit, authorID: user.id!, period: f.period,
                actualValue: f.actualValue, percentComplete: f.percentComplete,
                milestone: f.milestone?.isEmpty == true ? nil : f.milestone, narrative: f.narrative, submittedAt: now,
                supersedesID: earlier?.id)
            report.problems = f.problems
            report.nextSteps = f.nextSteps
            try await sql.insert(into: ProgressReport.schema)
                .columns(
                    "id", "item_id", "unit_id", "author_id", "period", "actual_value", "percent_complete", "milestone",
                    "narrative", "state", "supersedes_id", "submitted_at", "problems", "next_steps"
                )
                .values(
                    SQLBind(report.id!), SQLBind(item.id!), SQLBind(unit), SQLBind(user.id!), SQLBind(report.period),
                    SQLBind(report.actualValue), SQLBind(report.percentComplete), SQLBind(report.milestone),
                    SQLBind(report.narrative), SQLBind(report.state.rawValue), SQLBind(earlier?.id), SQLBind(now),
                    SQLBind(f.problems), SQLBind(f.nextSteps)
                )
                .run()
            for e in evidence {
                try await Evidence(
                    id: e.id, reportID: report.id!, filename: e.filename, contentType: e.contentType,
                    size: e.size,
                    sha256: e.sha256, uploadedAt: now
                ).create(on: tx.db)
            }
            if let earlier {
                try await sql.update(ProgressReport.schema).set("state", to: ReportState.superseded.rawValue)
                    .where("id", .equal, earlier.id).run()
                tx.record(
                    .reportSupersede, .report, earlier.id, before: ["state": earlier.state.rawValue],
                    after: ["state": ReportState.superseded.rawValue, "by": report.id!.uuidString])
            }
            tx.record(
                .reportSubmit, .report, report.id!,
                after: EvidencedFiling(filing: f, evidence: evidence.map { "\($0.filename) sha256:\($0.sha256)" }))
            return report
        }
    }

    /// Accepts or returns a submitted report. The report is read again inside the write: of two staff
    /// reviewing at once, the second finds it reviewed and is told so.
    static func review(
        _ id: String?, accept: Bool, reason: String?, user: User, on store: Store, now: Date
    ) async throws -> ProgressReport {
        guard user.role == .admin else { throw LuoshiError.forbidden(reason: "只有督查办可以审核 (only staff review)") }
        guard let id, let uuid = UUID(uuidString: id), let found = try await ProgressReport.find(uuid, on: store.db)
        else {
            throw LuoshiError.notFound(entity: "报送", id: id ?? "")
        }
        // Another government's report does not exist for this office, whether named in a path or a form.
        try await Jurisdiction.of(user, on: store.db).require("reportID", uuid, entity: "报送", on: store.db)
        let trimmed = reason?.storable.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        if !accept && trimmed.isEmpty { throw LuoshiError.invalid(field: "退回理由", reason: "退回时必须说明理由") }
        guard trimmed.count <= 2000 else { throw LuoshiError.invalid(field: "退回理由", reason: "不超过 2000 字") }
        let planID = try await PlanEdits.planOf(found.$item.id, on: store.db)
        return try await store.write(.plan(planID), actor: user.username, at: now) { tx in
            guard let report = try await ProgressReport.find(uuid, on: tx.db) else {
                throw LuoshiError.notFound(entity: "报送", id: id)
            }
            guard report.state == .submitted else {
                throw LuoshiError.conflict(reason: "该报送已审核或已更正 (already reviewed or superseded)")
            }
            report.state = accept ? .accepted : .returned
            report.reviewReason = trimmed.isEmpty ? nil : trimmed
            report.$reviewer.id = user.id
            report.reviewedAt = now
            try await report.save(on: tx.db)
            tx.record(
                accept ? .reportAccept : .reportReturn, .report, uuid,
                before: ["state": ReportState.submitted.rawValue],
                after: ["state": report.state.rawValue, "reason": trimmed])
            // The one who filed it hears how it went, and, returned, why: so that it is filed again.
            let title = try await PlanItem.find(report.$item.id, on: tx.db).map { String($0.title.prefix(30)) } ?? ""
            var outbox = try await Outbox.load(on: tx.db)
            outbox.add(
                OutboxMessage(
                    kind: .review,
                    title: accept ? "【已采纳】\(title)（\(report.period)）" : "【被退回】\(title)（\(report.period)）",
                    body: accept
                        ? "「\(title)」\(report.period)的进展报送已采纳。"
                        : "「\(title)」\(report.period)的进展报送被退回：\(Wording.clause(trimmed))。请修改后重新报送。",
                    link: "/items/\(report.$item.id)#reports"), users: [report.$author.id])
            try await outbox.flush(on: tx.db, now: now)
            return report
        }
    }
}

extension String {
    /// Text as a database keeps it: without NUL and other control characters (PostgreSQL refuses a
    /// NUL in text), line breaks and tabs kept.
    var storable: String {
        String(
            String.UnicodeScalarView(
                unicodeScalars.filter { $0.value >= 0x20 || $0 == "\n" || $0 == "\t" || $0 == "\r" }))
    }
}
