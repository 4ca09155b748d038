import Foundation
import LuoshiCore

/// A plan's supervision rules: when reports fall due, who is reminded, when notices go out.
enum SupervisionRulesPage {
    struct Model {
        var plan: UUID
        var planTitle: String
        var rules: SupervisionRules
        var leaders: [(id: UUID, name: String)]
        var principal: UUID?
        /// Staff edit; others read.
        var editable: Bool
    }
}
