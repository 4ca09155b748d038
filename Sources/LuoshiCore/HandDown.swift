import Foundation

/// 上级交办: a higher government's task handed down to the towns under it. Each town carries its copy in
/// its own plan and reports there; the higher office sees every town's standing on the one task.
public enum HandDown {
    /// One town's copy of a handed-down task as it stands.
    public struct TownStanding: Equatable, Sendable {
        public var town: UUID
        public var townName: String
        /// The town's own item, nil where the task has not reached the town (it has no plan for the year).
        public var item: UUID?
        public var status: ItemStatus?
        /// Progress as a fraction of the whole (0…1), where known.
        public var progress: Double?

        public init(town: UUID, townName: String, item: UUID?, status: ItemStatus?, progress: Double?) {
            self.town = town
            self.townName = townName
            self.item = item
            self.status = status
            self.progress = progress
        }
    }

    /// The towns on one task: ranked, counted by colour, and how many are behind.
    public struct RollUp: Equatable, Sendable {
        /// Best first: done, then by progress, then by status, then by name; towns the task has not reached last.
        public var ranked: [TownStanding]
        public var byColour: [StatusColour: Int]
        /// Towns behind or overdue (red).
        public var behind: Int
        /// Towns the task has not reached.
        public var unreached: Int
    }

    public static func rollUp(_ towns: [TownStanding]) -> RollUp {
        func key(_ t: TownStanding) -> (Int, Double, Int, String) {
            guard let status = t.status else { return (2, 0, 0, t.townName) }
            // ItemStatus orders from done to overdue: a smaller one is better.
            return (status == .done ? 0 : 1, -(t.progress ?? 0), status.severity, t.townName)
        }
        let ranked = towns.sorted { key($0) < key($1) }
        var byColour: [StatusColour: Int] = [:]
        for t in towns { if let s = t.status { byColour[s.colour, default: 0] += 1 } }
        return RollUp(
            ranked: ranked, byColour: byColour, behind: towns.filter { $0.status?.colour == .red }.count,
            unreached: towns.filter { $0.status == nil }.count)
    }

    /// The title of the section a town's plan keeps handed-down tasks under.
    public static let sectionTitle = "上级交办事项"
}
