import Fluent
import Foundation
import LuoshiCore

/// The rules of `LuoshiCore.Visibility` applied to stored records.
extension Visibility {
    static func mayRead(_ plan: Plan, _ user: User) -> Bool { mayReadPlan(status: plan.status, role: user.role) }

    static func mayRead(_ report: ProgressReport, _ user: User) -> Bool {
        mayReadReport(unit: report.$unit.id, state: report.state, role: user.role, viewerUnit: user.$organization.id)
    }

    /// `mayReadReport` as a query: the reports of a unit's own, in any state, and others' accepted ones
    /// for a reporter; all for everyone else. A page of reports is then a page of what the reader sees.
    static func readable(_ query: QueryBuilder<ProgressReport>, by user: User) -> QueryBuilder<ProgressReport> {
        guard user.role == .reporter else { return query }
        let unit = user.$organization.id
        return query.group(.or) { either in
            if let unit { either.filter(\.$unit.$id == unit) }
            either.filter(\.$state == .accepted)
        }
    }

    static func mayRead(_ notice: SupervisionNotice, _ user: User) -> Bool {
        mayReadNotice(unit: notice.$unit.id, role: user.role, viewerUnit: user.$organization.id)
    }

    static func mayReadEvidence(of report: ProgressReport, _ user: User, on db: any Database) async throws -> Bool {
        let lead =
            user.role == .reporter
            ? try await Assignment.query(on: db).filter(\.$item.$id == report.$item.id).first()?.$leadUnit.id : nil
        return mayReadEvidence(
            unit: report.$unit.id, itemLeadUnit: lead, role: user.role, viewerUnit: user.$organization.id)
    }
}
