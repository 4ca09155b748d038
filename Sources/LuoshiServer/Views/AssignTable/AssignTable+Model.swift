import Foundation
import LuoshiCore

/// The assignment table: a plan's tasks and targets with filters, and the bulk assignment form.
enum AssignTable {
    typealias Choice = (id: UUID, name: String)

    struct Filters {
        var area: UUID?
        var unit: UUID?
        var leader: UUID?
        var status: ItemStatus?
        var unassignedOnly = false
        var selectAll = false

        /// The same filters as an address's, every row ticked.
        func all(_ plan: UUID) -> SiteURL {
            .assign(
                plan: plan,
                filters: .init(
                    area: area, unit: unit, leader: leader, status: status?.rawValue, unassignedOnly: unassignedOnly,
                    selectAll: true))
        }
    }

    struct Row {
        var item: UUID
        /// A target shows its subject and figure, a task its words.
        var label: String
        var leader: String?
        var unit: String?
        var dueDate: Date?
        var weight: Double?
        var status: ItemStatus
    }

    struct Model {
        /// No plan yet: the page says so and shows nothing else.
        var plan: (id: UUID, title: String)?
        var plans: [Choice]
        var areas: [Choice]
        var units: [Choice]
        /// The units to filter by: those to choose, and the one filtered by even where it is no longer one
        /// to choose (moved out of the plan's government), so the picker says what the table shows.
        var filterUnits: [Choice] = []
        var leaders: [Choice]
        var filters: Filters
        var rows: [Row]
        /// Items changed by the last bulk assignment, when the page follows one.
        var changed: Int?
    }
}
