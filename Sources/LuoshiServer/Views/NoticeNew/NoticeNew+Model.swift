import Foundation
import LuoshiCore

/// The form staff fill to issue a notice on one item.
enum NoticeNew {
    struct Model {
        var item: UUID
        var itemTitle: String
        var units: [(id: UUID, name: String)]
        /// The item's lead unit, chosen at first.
        var leadUnit: UUID?
    }
}

extension NoticeNew {
    /// Which item a notice is to be about, when staff start from the notices page: the items of the
    /// published plans that are most behind first, narrowed by words of their title.
    struct Choice {
        struct Candidate {
            var id: UUID
            var title: String
            var plan: String
            var unit: String?
            var status: ItemStatus
        }

        var query: String
        var candidates: [Candidate]
        /// How many matched before the list was cut to its first 100.
        var matched: Int
        /// Every item listed ticked, for a step on them all.
        var selectAll = false
    }

    /// What a step on many items did, item by item.
    struct Bulk {
        var isNotice: Bool
        var outcomes: [BulkSupervision.Outcome]
    }
}
