import Fluent
import Foundation
import LuoshiCore

/// The rules of `LuoshiCore.Visibility` applied to stored records.
extension Visibility {
    static func mayRead(_ plan: Plan, _ user: User) -> Bool { mayReadPlan(status: plan.status, role: user.role) }

    static func mayRead(_ report: ProgressReport, _ user: User) -> Bool {
        mayReadReport(unit: report.$unit.id, state: report.state, role: user.role, viewerUnit: user.$organization.id)
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
