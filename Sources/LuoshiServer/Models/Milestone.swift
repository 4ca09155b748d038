import Fluent
import Foundation
import Vapor

/// A milestone of a project or task (节点): planned and actual dates, and the share of the work it
/// stands for, which shapes the item's expected progress.
final class Milestone: Model, @unchecked Sendable {
    static let schema = "milestones"

    @ID(key: .id) var id: UUID?
    @Parent(key: "item_id") var item: PlanItem
    @Field(key: "name") var name: String
    @Field(key: "planned_date") var plannedDate: Date
    @Field(key: "actual_date") var actualDate: Date?
    /// The share of the item's work done when this milestone is reached, 0…1.
    @Field(key: "share") var share: Double

    init() {}

    init(id: UUID? = nil, itemID: UUID, name: String, plannedDate: Date, share: Double) {
        self.id = id
        self.$item.id = itemID
        self.name = name
        self.plannedDate = plannedDate
        self.actualDate = nil
        self.share = share
    }
}
