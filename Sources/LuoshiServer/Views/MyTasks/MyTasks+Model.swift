import Foundation
import LuoshiCore

/// A reporter's tasks: what their unit leads or helps with, and what it owes next.
enum MyTasks {
    struct Task {
        var item: UUID
        var title: String
        var leads: Bool
        /// The next report the unit owes, when it leads: the period and its due day.
        var next: (period: DuePeriod, due: CivilDay, overdue: Bool)?
        var dueDate: Date?
        var cycle: ReportingCycle
        var status: ItemStatus
        /// Reports of the unit on this item that staff returned and that were not filed again.
        var returned: Int
    }

    struct Model {
        var tasks: [Task]
        var returned: Int
    }
}
