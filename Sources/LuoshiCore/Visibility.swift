import Foundation

/// Who may read what, written once: pages, the API and exports all ask here.
public enum Visibility {
    /// A draft plan is staff's own until it is published; then everyone signed in reads it.
    public static func mayReadPlan(status: PlanStatus, role: Role) -> Bool {
        status != .draft || role == .admin
    }

    /// A progress report: staff, leaders and deputies read every report. A reporter reads every
    /// report of its own unit, in any state, and of other units only the accepted ones (the figures
    /// the plan now counts), never what is still pending or was returned.
    public static func mayReadReport(unit reportUnit: UUID, state: ReportState, role: Role, viewerUnit: UUID?) -> Bool {
        switch role {
        case .admin, .leader, .deputy: return true
        case .reporter: return viewerUnit == reportUnit || state == .accepted
        }
    }

    /// A report's evidence files: staff, leaders and deputies; of the reporters, the report's own
    /// unit and the item's lead unit, which answers for the whole item.
    public static func mayReadEvidence(unit reportUnit: UUID, itemLeadUnit: UUID?, role: Role, viewerUnit: UUID?)
        -> Bool
    {
        switch role {
        case .admin, .leader, .deputy: return true
        case .reporter: return viewerUnit != nil && (viewerUnit == reportUnit || viewerUnit == itemLeadUnit)
        }
    }

    /// A supervision notice: staff, leaders and deputies read all; a unit its own.
    public static func mayReadNotice(unit noticeUnit: UUID, role: Role, viewerUnit: UUID?) -> Bool {
        role != .reporter || viewerUnit == noticeUnit
    }

    /// Who may comment on an item (a leader's comment is an instruction, 批示): staff and leaders on any
    /// item of a plan they read; a reporter only on an item its unit answers for, as lead or cooperating
    /// unit; deputies read and do not write.
    public static func mayComment(planStatus: PlanStatus, role: Role, unitInvolved: Bool) -> Bool {
        guard mayReadPlan(status: planStatus, role: role) else { return false }
        switch role {
        case .admin, .leader: return true
        case .reporter: return unitInvolved
        case .deputy: return false
        }
    }
}
