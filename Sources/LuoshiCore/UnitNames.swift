import Foundation

/// How people name units within one government's reach, in sheets and forms. Names repeat across a county
/// (each town has its 党政办, two towns may each have a 新建村), so a unit is written by its name where no
/// other unit in reach shares it, else with its parents' names in front, as far up as needed: 张芝山镇·党政办.
/// Reading a name back, the government's own units come first: 党政办 in a county's sheet is the county's
/// own 党政办 even when its towns have one each.
public struct UnitNames: Sendable {
    public struct Unit: Sendable {
        public var id: UUID
        public var name: String
        public var parent: UUID?

        public init(id: UUID, name: String, parent: UUID?) {
            self.id = id
            self.name = name
            self.parent = parent
        }
    }

    /// What a written name stands for.
    public enum Reading: Equatable, Sendable {
        case unit(UUID)
        case unknown
        /// Several units carry the name; these are how to write each.
        case ambiguous([String])
    }

    public static let separator = "·"

    /// Each unit's label.
    public let labels: [UUID: String]
    private let byWords: [String: [UUID]]
    private let byQualifiedWords: [String: [UUID]]
    private let depth: [UUID: Int]

    /// `units` are the units in reach; the depth of each is counted from the top of the set (a unit whose
    /// parent is not in the set).
    public init(_ units: [Unit]) {
        let byID = Dictionary(units.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        func ancestors(_ id: UUID) -> [Unit] {
            var out: [Unit] = []
            var seen: Set<UUID> = [id]
            var cursor = byID[id]?.parent
            while let c = cursor, let u = byID[c], seen.insert(c).inserted {
                out.append(u)
                cursor = u.parent
            }
            return out
        }
        let chains = Dictionary(uniqueKeysWithValues: byID.keys.map { ($0, ancestors($0)) })
        // Every unit starts at its name; those sharing a label take one more parent's name until they differ
        // or have no parent left.
        var taken = Dictionary(uniqueKeysWithValues: byID.keys.map { ($0, 0) })
        func label(_ id: UUID) -> String {
            let names = chains[id]!.prefix(taken[id]!).reversed().map(\.name) + [byID[id]!.name]
            return names.joined(separator: Self.separator)
        }
        while true {
            let groups = Dictionary(grouping: byID.keys, by: label)
            var grew = false
            for (_, ids) in groups where ids.count > 1 {
                for id in ids where taken[id]! < chains[id]!.count {
                    taken[id]! += 1
                    grew = true
                }
            }
            if !grew { break }
        }
        labels = Dictionary(uniqueKeysWithValues: byID.keys.map { ($0, label($0)) })
        var words: [String: [UUID]] = [:]
        for (id, unit) in byID {
            words[Self.words(labels[id]!), default: []].append(id)
            if labels[id] != unit.name { words[Self.words(unit.name), default: []].append(id) }
        }
        byWords = words
        // Failing those, a unit is read by its name written under any of its parents (三厂镇·综治办, or the
        // whole way down, as a page listing units from several levels writes them). Kept apart, so such a
        // form never makes a name or label that read one unit ambiguous.
        var qualified: [String: [UUID]] = [:]
        for (id, unit) in byID {
            var written = Self.words(unit.name)
            for above in chains[id]! {
                written = Self.words(above.name) + written
                qualified[written, default: []].append(id)
            }
        }
        byQualifiedWords = qualified
        depth = chains.mapValues(\.count)
    }

    /// The unit `text` names: by its label (with or without the separator), or by a name, the units nearest
    /// the top first; failing both, by its name written under any of its parents.
    public func reading(_ text: String) -> Reading {
        let key = Self.words(text)
        guard let found = byWords[key] ?? byQualifiedWords[key], !found.isEmpty else { return .unknown }
        let nearest = found.map { depth[$0] ?? 0 }.min()!
        let first = found.filter { depth[$0] == nearest }
        if first.count == 1 { return .unit(first[0]) }
        return .ambiguous(first.compactMap { labels[$0] }.sorted())
    }

    public func unit(named text: String) -> UUID? {
        if case .unit(let id) = reading(text) { return id }
        return nil
    }

    /// A name without spaces and separators: "张芝山镇 · 党政办", "张芝山镇/党政办" and "张芝山镇党政办" are one.
    static func words(_ text: String) -> String {
        String(text.unicodeScalars.filter { !" \u{3000}·・/／".unicodeScalars.contains($0) })
    }
}
