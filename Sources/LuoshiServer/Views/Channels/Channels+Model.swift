import Foundation
import LuoshiCore

/// Where messages go besides the inbox, and the log of recent deliveries.
enum ChannelsPage {
    struct Channel {
        var id: UUID
        var name: String
        var kind: ChannelKind
        /// The address with its secret part hidden.
        var maskedTarget: String
        var owner: String
        var active: Bool
    }

    struct Delivery {
        var createdAt: Date
        var channel: String
        var title: String
        var state: DeliveryState
        var attempts: Int
        var lastError: String?
    }

    struct Model {
        var channels: [Channel]
        var deliveries: [Delivery]
        var units: UnitChoices
    }
}
