import Fluent
import Foundation
import LuoshiCore
import Vapor

/// Filing and reviewing progress reports: the writes, as commands that validate, then do everything
/// in one transaction with the audit entry.
enum Reports {
    struct Filing: Content {
        var period: String
        var actualValue: Double?
        var percentComplete: Double?
        var milestone: String?
        var narrative: String
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

    /// What the audit log keeps of a filing: its figures and the fingerprints of its files.
    struct EvidencedFiling: Encodable {
        var filing: Filing
        var evidence: [String]
    }

    static func validate(_ f: Filing) throws {
        let period = f.period.trimmingCharacters(in: .whitespaces)
        let valid =
            period.range(of: #"^\d{4}-(0[1-9]|1[0-2]|Q[1-4]|W\d{2}|H[12])$"#, options: .regularExpression) != nil
        guard valid else { throw LuoshiError.invalid(field: "报送期", reason: "应为 2015-05、2015-Q2 或 2015-W23 的形式") }
        if let p = f.percentComplete, !(0...100).contains(p) || p.isNaN {
            throw LuoshiError.invalid(field: "完成百分比", reason: "应在 0 到 100 之间")
        }
        if let v = f.actualValue, !v.isFinite { throw LuoshiError.invalid(field: "实际数值", reason: "不是有效数字") }
        guard !f.narrative.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw LuoshiError.invalid(field: "进展情况", reason: "不能为空")
        }
        guard f.narrative.count <= 10_000 else { throw LuoshiError.invalid(field: "进展情况", reason: "超过 10000 字") }
    }

    /// Files a report; an earlier report of the same unit and period that is not yet accepted, or that
    /// was returned, is superseded, never overwritten.
    static func file(
        _ filing: Filing, evidence: [EvidenceStore.Checked] = [], evidenceDirectory: String = "", item: PlanItem,
        user: User,
        on db: any Database, now: Date
    ) async throws -> ProgressReport {
        // Only the plan's status, not its whole source text.
        if let plan = try await Plan.query(on: db).filter(\.$id == item.$plan.id).field(\.$id).field(\.$status).first(),
            plan.status != .published
        {
            throw LuoshiError.conflict(reason: plan.status == .closed ? "计划已结束，不再报送" : "计划尚未发布，暂不报送")
        }
        var f = filing
        f.narrative = f.narrative.storable
        f.milestone = f.milestone?.storable
        f.period = f.period.trimmingCharacters(in: .whitespaces)
        try validate(f)
        let unit = try await unit(of: user, for: item, on: db)
        // Files first, outside the transaction; removed again if the transaction fails.
        let written = try EvidenceStore.write(evidence, to: evidenceDirectory)
        do {
            return try await record(f, evidence: evidence, item: item, unit: unit, user: user, on: db, now: now)
        } catch {
            for p in written { try? FileManager.default.removeItem(atPath: p) }
            throw error
        }
    }

    private static func record(
        _ f: Filing, evidence: [EvidenceStore.Checked], item: PlanItem, unit: UUID, user: User, on db: any Database,
        now: Date
    ) async throws -> ProgressReport {
        try await db.write { tx in
            let earlier = try await ProgressReport.query(on: tx).filter(\.$item.$id == item.id!)
                .filter(\.$unit.$id == unit).filter(\.$period == f.period).filter(\.$state != .superseded)
                .sort(\.$submittedAt, .descending).first()
            let report = ProgressReport(
                id: UUID(), itemID: item.id!, unitID: unit, authorID: user.id!, period: f.period,
                actualValue: f.actualValue, percentComplete: f.percentComplete,
                milestone: f.milestone?.isEmpty == true ? nil : f.milestone, narrative: f.narrative, submittedAt: now,
                supersedesID: earlier?.id)
            try await report.create(on: tx)
            for e in evidence {
                try await Evidence(
                    id: e.id, reportID: report.id!, filename: e.filename, contentType: e.contentType,
                    size: e.data.count,
                    sha256: e.sha256, uploadedAt: now
                ).create(on: tx)
            }
            if let earlier {
                let before = earlier.state
                earlier.state = .superseded
                try await earlier.save(on: tx)
                try await Audit.record(
                    on: tx, actor: user.username, action: "report.supersede", entity: "report",
                    entityID: earlier.id!.uuidString, before: "{\"state\":\"\(before.rawValue)\"}",
                    after: "{\"state\":\"superseded\",\"by\":\"\(report.id!)\"}", at: now)
            }
            try await Audit.record(
                on: tx, actor: user.username, action: "report.submit", entity: "report",
                entityID: report.id!.uuidString,
                after: Audit.snapshot(
                    EvidencedFiling(filing: f, evidence: evidence.map { "\($0.filename) sha256:\($0.sha256)" })),
                at: now)
            return report
        }
    }

    /// Accepts or returns a submitted report.
    static func review(
        _ id: String?, accept: Bool, reason: String?, user: User, on db: any Database, now: Date
    ) async throws -> ProgressReport {
        guard user.role == .admin else { throw LuoshiError.forbidden(reason: "只有督查办可以审核 (only staff review)") }
        guard let id, let uuid = UUID(uuidString: id), let report = try await ProgressReport.find(uuid, on: db) else {
            throw LuoshiError.notFound(entity: "报送", id: id ?? "")
        }
        guard report.state == .submitted else {
            throw LuoshiError.conflict(reason: "该报送已审核或已更正 (already reviewed or superseded)")
        }
        let trimmed = reason?.storable.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        if !accept && trimmed.isEmpty { throw LuoshiError.invalid(field: "退回理由", reason: "退回时必须说明理由") }
        try await db.write { tx in
            report.state = accept ? .accepted : .returned
            report.reviewReason = trimmed.isEmpty ? nil : trimmed
            report.$reviewer.id = user.id
            report.reviewedAt = now
            try await report.save(on: tx)
            try await Audit.record(
                on: tx, actor: user.username, action: accept ? "report.accept" : "report.return", entity: "report",
                entityID: uuid.uuidString, before: "{\"state\":\"submitted\"}",
                after: Audit.snapshot(["state": report.state.rawValue, "reason": trimmed]), at: now)
        }
        return report
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
