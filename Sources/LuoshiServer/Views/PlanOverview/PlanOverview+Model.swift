import Foundation
import LuoshiCore

/// A plan at a glance: overall progress, headline targets, each area, what is overdue or behind, and
/// the work by unit and by leader. Its body is the same for everyone who may read the plan, so it is
/// rendered once per snapshot and language (`SnapshotCache`) and only the frame is per person.
enum PlanOverview {
    struct Model {
        var snapshot: PlanSnapshot
        var unitNames: [UUID: String]
        var leaderNames: [UUID: String]
        /// How the unit and leader lists are ordered.
        var sort: GroupOrder = .name
    }

    /// What is per person: the close button for staff.
    struct Frame {
        var plan: UUID
        var title: String
        var mayClose: Bool
        /// Staff on a closed plan: the form to reopen it.
        var mayReopen: Bool = false
        /// Staff on an open plan: the way to bring an edited 分解表 back.
        var mayImport: Bool = false
        /// Staff on a published plan: the form that releases it to the public, and the latest release.
        var mayRelease: Bool = false
        var release: (number: Int, at: Date)? = nil
        /// The cached body, rendered by `Body` (escaped markup of our own).
        var body: String
    }
}

extension PlanOverview {
    /// The orders of the overview's unit and leader lists: by name, most items first, most behind first.
    enum GroupOrder: String, CaseIterable, Sendable {
        case name, count, late
    }
}
