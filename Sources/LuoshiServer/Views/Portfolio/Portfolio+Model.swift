import Foundation
import LuoshiCore

/// A leader's portfolio (分管任务): the items the leader is 挂钩领导 for in one plan, worst first, with
/// the units that carry them and the notices still open on them. The same page for a unit lists the
/// tasks it leads (牵头任务).
enum Portfolio {
    struct Leader {
        var id: UUID
        var name: String
        var office: String?
        var portfolio: String?
    }

    struct Row {
        var item: UUID
        var title: String
        var status: ItemStatus
        var progress: Double?
        var expected: Double?
        var unit: (id: UUID, name: String)?
        var due: Date?
        /// The latest accepted report's date.
        var lastReport: Date?
        var openNotices: Int
    }

    struct Model {
        var leader: Leader?
        /// The unit whose tasks these are, when the page is a unit's rather than a leader's.
        var unit: (id: UUID, name: String)?
        /// Every leader, to choose whose portfolio to read.
        var leaders: [(id: UUID, name: String)]
        var plan: (id: UUID, title: String)?
        var rows: [Row]
        var notices: [NoticeList.Row]

        func count(_ s: ItemStatus) -> Int { rows.filter { $0.status == s }.count }
        /// Items a leader should look at: behind, overdue or at risk.
        var needingAttention: [Row] { rows.filter { $0.status.colour != .green } }
    }
}

extension Portfolio {
    /// The page's title: a unit's tasks or a leader's portfolio (also for a body served from the cache).
    static func title(leader: String?, unit: String?, _ lang: Lang) -> String {
        if let unit { return lang.t("\(unit)的牵头任务", "Tasks led by \(unit)") }
        guard let leader else { return lang.t("分管任务", "Portfolio") }
        return lang.t("\(leader)的分管任务", "Portfolio of \(leader)")
    }
}
