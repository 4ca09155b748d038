import Foundation

/// Where a unit sits in the organisation tree: the ids from the top of the tree down to the unit itself,
/// written `/top/…/unit/`. A unit's subtree is every unit whose path starts with its own, so "is this
/// town under that county" is a prefix test, and a query over a county's towns is one `LIKE 'path%'`.
public struct TreePath: Hashable, Sendable, Codable, CustomStringConvertible {
    public let text: String

    public init(_ ids: [UUID]) {
        text = "/" + ids.map { $0.uuidString.lowercased() + "/" }.joined()
    }

    /// A stored path; nil when it is not one (empty, or not ids between slashes).
    public init?(text: String) {
        guard text.hasPrefix("/"), text.hasSuffix("/"), text.count > 1 else { return nil }
        let parts = text.dropFirst().dropLast().split(separator: "/", omittingEmptySubsequences: false)
        guard parts.allSatisfy({ UUID(uuidString: String($0)) != nil }) else { return nil }
        self.text = text.lowercased()
    }

    /// The ids from the top down, the unit itself last.
    public var ids: [UUID] { text.split(separator: "/").compactMap { UUID(uuidString: String($0)) } }

    /// The unit the path leads to.
    public var unit: UUID? { ids.last }

    /// The path of a unit directly under this one.
    public func appending(_ id: UUID) -> TreePath { TreePath(ids + [id]) }

    /// Whether `other` is this unit or sits anywhere under it.
    public func contains(_ other: TreePath) -> Bool { other.text.hasPrefix(text) }

    public var description: String { text }
}

/// What a signed-in person's roles reach: a government and everything under it (a town's staff their
/// town; a county's 督查室 and 人大代表 the county and its towns), or the whole deployment for an account
/// that belongs to no unit (a township's own installation, or the province's administrators).
///
/// The role says what someone may do; the jurisdiction says where. Outside it, a plan, item, report,
/// notice, unit or account does not exist for them: the same 404 as an unknown id, so nobody learns what
/// other towns hold by guessing ids.
public enum Jurisdiction: Hashable, Sendable {
    case everything
    case under(TreePath)

    /// Whether a record owned by the unit at `owner` is within reach. A plan no government owns (imported
    /// before the deployment had a tree) belongs to the whole deployment, as it did before: everyone reads it.
    public func covers(_ owner: TreePath?) -> Bool {
        switch self {
        case .everything: return true
        case .under(let root): return owner.map(root.contains) ?? true
        }
    }

    /// Whether a unit or person at `owner` is within reach: unlike a plan, a unit or account that belongs
    /// to no unit is the deployment's own and only the deployment's administrators reach it.
    public func reaches(_ owner: TreePath?) -> Bool {
        switch self {
        case .everything: return true
        case .under(let root): return owner.map(root.contains) ?? false
        }
    }

    /// The government at the top of the reach, nil for the whole deployment.
    public var root: UUID? {
        switch self {
        case .everything: return nil
        case .under(let path): return path.unit
        }
    }

    /// The jurisdiction of someone working in the unit at `path`: the nearest government at or above that
    /// unit (a department's or village's people work for its town). `kinds` tells the kind of each unit on
    /// the path. Nil unit: the whole deployment.
    public static func of(unitAt path: TreePath?, kinds: [UUID: OrganizationKind]) -> Jurisdiction {
        guard let path else { return .everything }
        let ids = path.ids
        for (index, id) in ids.enumerated().reversed() where kinds[id]?.isGovernment == true {
            return .under(TreePath(Array(ids[...index])))
        }
        // A unit with no government above it reaches only itself.
        return .under(path)
    }
}

/// The tree worked out from each unit's parent.
public enum OrganizationTree {
    /// Every unit's path. A unit whose parents loop (which the directory never allows, but stored data may
    /// hold) is put at the top of the tree rather than lost.
    public static func paths(_ parents: [(id: UUID, parent: UUID?)]) -> [UUID: TreePath] {
        let parentOf = Dictionary(parents.map { ($0.id, $0.parent) }, uniquingKeysWith: { first, _ in first })
        var result: [UUID: TreePath] = [:]
        for (id, _) in parents {
            var chain: [UUID] = [id]
            var seen: Set<UUID> = [id]
            var cursor = parentOf[id] ?? nil
            while let next = cursor, parentOf[next] != nil, seen.insert(next).inserted {
                chain.append(next)
                cursor = parentOf[next] ?? nil
            }
            if let next = cursor, seen.contains(next) { chain = [id] }
            result[id] = TreePath(chain.reversed())
        }
        return result
    }
}

/// 统计用区划代码, the statistics bureau's division code: 12 digits, two for the province, two for the
/// city, two for the county, three for the town or 街道, three for the village or community
/// (320611104201). The 6-digit county codes of GB/T 2260 and 9-digit town codes are the same with the
/// rest zero. The code alone tells a unit's tier and the code of the government above it.
public struct DivisionCode: Hashable, Sendable, Comparable {
    /// Twelve digits.
    public let digits: String

    public init?(_ text: String) {
        let t = text.trimmingCharacters(in: .whitespaces)
        guard [6, 9, 12].contains(t.count), t.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        let padded = t + String(repeating: "0", count: 12 - t.count)
        guard !padded.hasPrefix("00") else { return nil }
        digits = padded
    }

    private func zero(from offset: Int) -> Bool { digits.dropFirst(offset).allSatisfy { $0 == "0" } }

    /// 1 province, 2 city, 3 county or district, 4 town or 街道, 5 village or community.
    public var tier: Int {
        if zero(from: 2) { return 1 }
        if zero(from: 4) { return 2 }
        if zero(from: 6) { return 3 }
        if zero(from: 9) { return 4 }
        return 5
    }

    /// The code of the division directly above, nil for a province.
    public var parent: DivisionCode? {
        let keep = [1: 0, 2: 2, 3: 4, 4: 6, 5: 9][tier]!
        guard keep > 0 else { return nil }
        return DivisionCode(String(digits.prefix(keep)) + String(repeating: "0", count: 12 - keep))
    }

    /// The kind a division of this code and name is: the tier, told apart within it by the name's ending
    /// (a county-tier 区 from a 县, a 街道 from a 镇 or 乡, a 社区 from a 村).
    public func kind(named name: String) -> OrganizationKind {
        switch tier {
        case 1: return .province
        case 2: return .city
        case 3: return name.hasSuffix("区") ? .district : .county
        case 4: return name.hasSuffix("街道") || name.hasSuffix("街道办事处") ? .subdistrict : .town
        default: return name.contains("社区") || name.hasSuffix("居委会") ? .community : .village
        }
    }

    public static func < (a: DivisionCode, b: DivisionCode) -> Bool { a.digits < b.digits }
}
