import Foundation

/// Reports waiting for staff to accept or return them, oldest first.
enum ReviewQueue {
    struct Pending {
        var report: UUID
        var item: UUID
        var itemTitle: String
        var period: String
        var unit: String
        var actualValue: Double?
        var percentComplete: Double?
        var narrative: String
    }

    struct Model {
        var pending: [Pending]
    }
}
