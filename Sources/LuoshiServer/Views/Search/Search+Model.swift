import Foundation
import LuoshiCore

/// One box for everything a person may read: items by title, notices by number or item, reports by
/// their words, units by name.
enum Search {
    struct Item {
        var id: UUID
        var title: String
        var plan: String
        var kind: ItemKind
    }

    struct Report {
        var id: UUID
        var item: UUID
        var itemTitle: String
        var unit: String
        var period: String
        var state: ReportState
        var excerpt: String
    }

    struct Unit {
        var id: UUID
        var name: String
        var kind: OrganizationKind
    }

    struct Model {
        var query: String
        var items: [Item]
        var notices: [NoticeList.Row]
        var reports: [Report]
        var units: [Unit]
        /// Staff see a unit's page; everyone else its notices.
        var unitPages: Bool
        /// Each list is cut at this many.
        var limit: Int

        var isEmpty: Bool { items.isEmpty && notices.isEmpty && reports.isEmpty && units.isEmpty }
    }
}
