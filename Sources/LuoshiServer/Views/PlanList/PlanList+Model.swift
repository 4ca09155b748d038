import Foundation
import LuoshiCore

/// The plans a person may see, and for staff the import form.
enum PlanList {
    struct Row {
        var id: UUID
        var title: String
        var year: Int
        var status: PlanStatus
        var sourceName: String
        /// A draft waiting for staff to review it.
        var reviewable: Bool
    }

    struct Model {
        var rows: [Row]
        var mayImport: Bool
        /// Whether the reader's government has governments under it: the roll-up page is then linked.
        var hasBelow = false
    }
}
