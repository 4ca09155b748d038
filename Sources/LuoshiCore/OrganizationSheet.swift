import Foundation

/// A sheet of the organisation tree, as statistics bureaus and 民政 departments keep one: a row a unit,
/// its name, its 统计用区划代码 and (where the code cannot tell it) its parent by code or name, and
/// optionally its kind. Reading it gives what to add and what to move, worked out against the units
/// already there; nothing is written unless every row is clear.
public enum OrganizationSheet {
    public struct Line: Equatable, Sendable {
        /// The row's number in the sheet, from 1, for messages.
        public var row: Int
        public var name: String
        public var code: DivisionCode?
        public var parent: String?
        public var kind: OrganizationKind?
    }

    /// A unit already in the deployment, as the import sees it.
    public struct Existing: Sendable {
        public var id: UUID
        public var name: String
        public var code: String?
        public var kind: OrganizationKind
        public var parent: UUID?

        public init(id: UUID, name: String, code: String?, kind: OrganizationKind, parent: UUID?) {
            self.id = id
            self.name = name
            self.code = code
            self.kind = kind
            self.parent = parent
        }
    }

    /// One change: a unit to add (with the id it will have) or an existing one to rename, re-code or move.
    public struct Change: Equatable, Sendable {
        public var id: UUID
        public var isNew: Bool
        public var name: String
        public var code: String?
        public var kind: OrganizationKind
        public var parent: UUID?
    }

    public struct Problem: Equatable, Sendable, Error {
        public var row: Int
        public var reason: String
    }

    /// The header's words for each column.
    static let nameWords = ["名称", "单位名称", "区划名称", "name"]
    static let codeWords = ["统计用区划代码", "区划代码", "代码", "code"]
    static let parentWords = ["上级", "上级代码", "上级名称", "上级区划代码", "parent"]
    static let kindWords = ["类型", "类别", "层级", "kind"]

    /// The lines of a sheet: the header is the first of its first ten rows that names a name column and a
    /// code or parent column.
    public static func read(_ rows: [[String]]) throws -> [Line] {
        func column(_ header: [String], _ words: [String]) -> Int? {
            header.firstIndex { cell in words.contains(cell.trimmingCharacters(in: .whitespaces).lowercased()) }
        }
        guard
            let h = rows.prefix(10).firstIndex(where: {
                column($0, nameWords) != nil && (column($0, codeWords) != nil || column($0, parentWords) != nil)
            })
        else {
            throw Problem(
                row: 0, reason: "前十行中找不到表头：应有“名称”和“区划代码”或“上级”列 (no header: a name column and a code or parent column)")
        }
        let header = rows[h]
        let name = column(header, nameWords)!
        let code = column(header, codeWords)
        let parent = column(header, parentWords)
        let kind = column(header, kindWords)
        var lines: [Line] = []
        for (offset, row) in rows.enumerated().dropFirst(h + 1) {
            func cell(_ i: Int?) -> String {
                guard let i, i < row.count else { return "" }
                return row[i].trimmingCharacters(in: .whitespacesAndNewlines)
            }
            let n = cell(name)
            guard !n.isEmpty else { continue }
            let codeText = cell(code)
            let kindText = cell(kind)
            var line = Line(
                row: offset + 1, name: n, code: DivisionCode(codeText),
                parent: cell(parent).isEmpty ? nil : cell(parent),
                kind: OrganizationKind.allCases.first { $0.chinese == kindText || $0.rawValue == kindText.lowercased() }
            )
            if !codeText.isEmpty && line.code == nil {
                throw Problem(row: offset + 1, reason: "区划代码「\(codeText)」应为 6、9 或 12 位数字 (6, 9 or 12 digits)")
            }
            if !kindText.isEmpty && line.kind == nil {
                throw Problem(row: offset + 1, reason: "类型「\(kindText)」无法识别 (unknown kind)")
            }
            if line.kind == nil, let c = line.code { line.kind = c.kind(named: n) }
            lines.append(line)
        }
        return lines
    }

    /// The changes that bring the tree to the sheet, worked out against `existing`. A row is the unit already
    /// there with its code, else the one of its name under its parent; others are added. Names repeat across
    /// a province (each town has its 党政办, two towns may each have a 新建村), so a name alone identifies a
    /// unit only where one unit carries it. A parent is the row's `parent` (a code, or a name that only one
    /// unit carries), else the nearest code above the row's own that exists, else, for a row matching a unit
    /// already there by a name only it carries, that unit's parent. Every unit must sit where its kind may
    /// (`OrganizationKind.maySit`) and, when `root` is given, under it. All problems are reported together;
    /// with any, nothing should be written.
    public static func changes(
        _ lines: [Line], existing: [Existing], root: UUID? = nil, newID: () -> UUID = UUID.init
    ) -> (changes: [Change], problems: [Problem]) {
        var problems: [Problem] = []
        var byCode: [String: UUID] = [:]
        var namedAs: [String: [UUID]] = [:]
        var childNamed: [String: UUID] = [:]
        var kindOf: [UUID: OrganizationKind] = [:]
        var codeOf: [UUID: String] = [:]
        var parentOf: [UUID: UUID?] = [:]
        func key(_ parent: UUID?, _ name: String) -> String { "\(parent?.uuidString ?? "")/\(name)" }
        for e in existing {
            if let c = e.code {
                byCode[c] = e.id
                codeOf[e.id] = c
            }
            childNamed[key(e.parent, e.name)] = e.id
            kindOf[e.id] = e.kind
            parentOf[e.id] = e.parent
        }
        // Names are read within the importer's reach: another county's 新建村 is no reason to doubt one's own.
        func underRoot(_ id: UUID) -> Bool {
            guard let root else { return true }
            var seen: Set<UUID> = []
            var cursor: UUID? = id
            while let c = cursor, seen.insert(c).inserted {
                if c == root { return true }
                cursor = parentOf[c] ?? nil
            }
            return false
        }
        let reachable = existing.filter { underRoot($0.id) }
        for e in reachable { namedAs[e.name, default: []].append(e.id) }
        let names = UnitNames(reachable.map { .init(id: $0.id, name: $0.name, parent: $0.parent) })
        let existingIDs = Set(existing.map(\.id))
        var rowWithCode: [String: Int] = [:]
        var rowsNamed: [String: [Int]] = [:]
        for (i, line) in lines.enumerated() {
            if let c = line.code { rowWithCode[c.digits] = rowWithCode[c.digits] ?? i }
            rowsNamed[line.name, default: []].append(i)
        }

        // Each row's unit and parent, worked out on demand: a row's parent may be a later row.
        var ids: [Int: UUID] = [:]
        var parents: [Int: UUID?] = [:]
        var failed: Set<Int> = []
        var busy: Set<Int> = []
        func fail(_ i: Int, _ reason: String) {
            if failed.insert(i).inserted { problems.append(.init(row: lines[i].row, reason: reason)) }
        }
        func unit(coded digits: String) -> UUID? {
            byCode[digits] ?? rowWithCode[digits].flatMap { id(of: $0) }
        }
        func id(of i: Int) -> UUID? {
            if let known = ids[i] { return known }
            if failed.contains(i) { return nil }
            let line = lines[i]
            if let c = line.code, let found = byCode[c.digits] {
                ids[i] = found
                return found
            }
            // A code given twice is one unit: the later row is reported as the same as the first.
            if let c = line.code, let first = rowWithCode[c.digits], first != i {
                let found = id(of: first)
                ids[i] = found
                return found
            }
            guard busy.insert(i).inserted else {
                fail(i, "「\(line.name)」的上级形成循环 (its parents loop)")
                return nil
            }
            defer { busy.remove(i) }
            guard case .some(let parent) = parent(of: i) else { return nil }
            var found = childNamed[key(parent, line.name)]
            // A government set up by hand at the top before the tree was (the town itself, without its code)
            // takes the code of the one row that names it, wherever the row places it. Nothing further down is
            // taken over: another town's uncoded 东港村 stays that town's.
            if found == nil, line.code != nil,
                let same = namedAs[line.name]?.filter({ codeOf[$0] == nil && (parentOf[$0] ?? nil) == nil }),
                same.count == 1
            {
                found = same[0]
            }
            let id = found ?? newID()
            ids[i] = id
            return id
        }
        /// `.none` when the parent cannot be told (a problem is recorded); `.some(nil)` for the top.
        func parent(of i: Int) -> UUID?? {
            if let known = parents[i] { return known }
            let line = lines[i]
            var found: UUID?
            if let p = line.parent {
                if let c = DivisionCode(p), let u = unit(coded: c.digits) {
                    found = u
                } else {
                    // By name as the sheets write it (三厂镇·党政办 where names repeat; the importer's own first).
                    var candidates = Set((rowsNamed[p] ?? []).filter { $0 != i }.compactMap { id(of: $0) })
                    switch names.reading(p) {
                    case .unit(let u): candidates.insert(u)
                    case .ambiguous(let labels) where candidates.isEmpty:
                        fail(
                            i,
                            "有 \(labels.count) 个单位名为「\(p)」，请写作\(labels.prefix(3).map { "「\($0)」" }.joined(separator: "或"))或用区划代码 (several units have that name: write it with its town's, or give its code)"
                        )
                        return .none
                    case .ambiguous, .unknown: break
                    }
                    guard candidates.count == 1 else {
                        fail(
                            i,
                            candidates.isEmpty
                                ? "找不到上级「\(p)」 (parent not found)"
                                : "有 \(candidates.count) 个单位名为「\(p)」，请用上级的区划代码 (several units have that name: give its code)"
                        )
                        return .none
                    }
                    found = candidates.first
                }
            } else if let code = line.code {
                var above = code.parent
                while let a = above, unit(coded: a.digits) == nil { above = a.parent }
                found = above.flatMap { unit(coded: $0.digits) }
            } else if let same = namedAs[line.name] {
                guard same.count == 1 else {
                    fail(
                        i,
                        "有 \(same.count) 个单位名为「\(line.name)」，请填上级 (several units have that name: give the parent)")
                    return .none
                }
                found = parentOf[same[0]] ?? nil
            }
            parents[i] = .some(found)
            return .some(found)
        }

        var changes: [Change] = []
        var rowOf: [UUID: Int] = [:]
        for (i, line) in lines.enumerated() {
            guard let id = id(of: i), parent(of: i) != nil else { continue }
            if let k = line.kind { kindOf[id] = k }
            if let earlier = rowOf[id] {
                fail(i, "与第 \(lines[earlier].row) 行是同一单位 (the same unit as an earlier row)")
                continue
            }
            rowOf[id] = i
        }
        var placed: Set<String> = []
        for (i, line) in lines.enumerated() where !failed.contains(i) {
            guard let id = ids[i], case .some(let parent) = parents[i] else { continue }
            guard let kind = kindOf[id] else {
                fail(i, "请填写类型 (give the kind)")
                continue
            }
            if !kind.maySit(under: parent.flatMap { kindOf[$0] }) {
                let parentName = parent.flatMap { p in
                    lines.indices.first { ids[$0] == p }.map { lines[$0].name } ?? existing.first { $0.id == p }?.name
                }
                fail(
                    i,
                    "\(kind.chinese)「\(line.name)」不能属于\(parentName.map { "「\($0)」" } ?? "树顶") (a \(kind.english.lowercased()) cannot sit there)"
                )
                continue
            }
            if parent == id {
                fail(i, "不能属于自己 (not under itself)")
                continue
            }
            // Two rows, or a row and a unit already there, may not give one parent two units of one name.
            if let there = childNamed[key(parent, line.name)], there != id {
                fail(i, "「\(line.name)」在同一上级下已有同名单位 (a unit of that name is already there)")
                continue
            }
            guard placed.insert(key(parent, line.name)).inserted else {
                fail(i, "「\(line.name)」在同一上级下重复 (named twice under one parent)")
                continue
            }
            changes.append(
                .init(
                    id: id, isNew: !existingIDs.contains(id), name: line.name, code: line.code?.digits, kind: kind,
                    parent: parent))
            parentOf[id] = parent
        }
        // Nothing may end up under itself, and with a root everything must be under it.
        for change in changes {
            var seen: Set<UUID> = [change.id]
            var cursor = parentOf[change.id] ?? nil
            var underRoot = root == nil || change.id == root
            while let c = cursor {
                if c == root { underRoot = true }
                guard seen.insert(c).inserted else {
                    problems.append(.init(row: 0, reason: "「\(change.name)」的上级形成循环 (its parents loop)"))
                    break
                }
                cursor = parentOf[c] ?? nil
            }
            if !underRoot {
                problems.append(.init(row: 0, reason: "「\(change.name)」不在本级辖区之下 (outside your jurisdiction)"))
            }
        }
        // By row, as found; problems of the whole tree (row 0) last.
        problems.sort { ($0.row == 0 ? Int.max : $0.row) < ($1.row == 0 ? Int.max : $1.row) }
        // Parents before children: by depth.
        func depth(_ id: UUID) -> Int {
            var d = 0
            var seen: Set<UUID> = []
            var cursor = parentOf[id] ?? nil
            while let c = cursor, seen.insert(c).inserted {
                d += 1
                cursor = parentOf[c] ?? nil
            }
            return d
        }
        let ordered = changes.sorted { depth($0.id) < depth($1.id) }
        return (ordered, problems)
    }
}
