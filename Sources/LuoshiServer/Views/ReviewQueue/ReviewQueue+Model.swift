import Foundation

/// Reports waiting for staff to accept or return them, oldest first.
enum ReviewQueue {
    struct Pending {
        var report: UUID
        var item: UUID
        var itemTitle: String
        var period: String
        var unit: String
        var actualValue: Double?
        var percentComplete: Double?
        var narrative: String
        var submittedAt: Date
    }

    struct Filters: Equatable, Sendable {
        var unit: UUID?
        /// Words of the item's title.
        var text: String?
        /// Every report on the page ticked, for accepting them together.
        var selectAll = false
    }

    struct Model {
        var pending: [Pending]
        var filters: Filters
        var units: UnitChoices
        var page: Paging
        /// What the last bulk acceptance did.
        var accepted: Int?
        var skipped: Int?
    }
}
