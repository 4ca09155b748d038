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
