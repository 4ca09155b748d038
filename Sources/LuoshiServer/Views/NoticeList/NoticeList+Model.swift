import Foundation
import LuoshiCore

/// Supervision notices (督办单) a person may read, by state.
enum NoticeList {
    /// Which notices the list shows.
    enum Filter: String, CaseIterable {
        case open, closed, all
    }

    struct Row {
        var id: UUID
        var number: String
        var level: NoticeLevel
        var item: UUID
        var itemTitle: String
        var unit: String
        var state: NoticeState
        var escalation: Int
        var respondBy: Date?
        var automatic: Bool
    }

    struct Model {
        var filter: Filter
        var filters: SiteURL.NoticeFilters
        /// The units to filter by (none for a reporter, who sees their own).
        var units: UnitChoices
        var rows: [Row]
        var mayIssue: Bool
        var page: Paging
    }
}
