import Foundation
import LuoshiCore

/// The source document beside the extracted tree; the chosen item's words marked in the source and,
/// for staff, the forms that correct it.
enum PlanReview {
    struct Node {
        var id: UUID
        var label: String
        var children: [Node]
    }

    /// The item being corrected and what its forms offer.
    struct Chosen {
        var item: PlanItem
        /// Areas and themes it may move under.
        var sections: [(id: UUID, title: String)]
        /// Items of its kind under the same parent, which it may merge with.
        var siblings: [(id: UUID, title: String)]
    }

    struct Model {
        var plan: UUID
        var title: String
        var status: PlanStatus
        var sourceName: String
        var sourceEncoding: String
        var sourceSHA256: String
        var tree: [Node]
        var selected: UUID?
        /// The source text in three parts: before the chosen item's words, its words, after them.
        var source: (before: String, marked: String?, after: String)
        /// Staff only.
        var chosen: Chosen?
        var mayPublish: Bool
    }
}
