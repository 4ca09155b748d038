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

    /// The changes that bring the tree to the sheet, worked out against `existing`. A row whose code or name
    /// matches a unit already there updates it; others are added. A parent is the row's `parent` (a code or a
    /// name, in the sheet or already there), else the nearest code above the row's own that exists. Every
    /// unit must sit where its kind may (`OrganizationKind.maySit`) and, when `root` is given, under it.
    /// All problems are reported together; with any, nothing should be written.
    public static func changes(
        _ lines: [Line], existing: [Existing], root: UUID? = nil, newID: () -> UUID = UUID.init
    ) -> (changes: [Change], problems: [Problem]) {
        var problems: [Problem] = []
        var byCode: [String: UUID] = [:]
        var byName: [String: UUID] = [:]
        var kindOf: [UUID: OrganizationKind] = [:]
        var parentOf: [UUID: UUID?] = [:]
        for e in existing {
            if let c = e.code { byCode[c] = e.id }
            byName[e.name] = byName[e.name] ?? e.id
            kindOf[e.id] = e.kind
            parentOf[e.id] = e.parent
        }
        let existingIDs = Set(existing.map(\.id))
        // Ids first, so rows may name parents that come later in the sheet.
        var ids: [Int: UUID] = [:]
        for line in lines {
            let id = line.code.flatMap { byCode[$0.digits] } ?? byName[line.name] ?? newID()
            ids[line.row] = id
            if let c = line.code { byCode[c.digits] = id }
            byName[line.name] = id
            if let k = line.kind { kindOf[id] = k }
        }
        var changes: [Change] = []
        for line in lines {
            let id = ids[line.row]!
            var parent: UUID?
            if let p = line.parent {
                parent = DivisionCode(p).flatMap { byCode[$0.digits] } ?? byName[p]
                if parent == nil {
                    problems.append(.init(row: line.row, reason: "找不到上级「\(p)」 (parent not found)"))
                    continue
                }
            } else if let code = line.code {
                var above = code.parent
                while let a = above, byCode[a.digits] == nil { above = a.parent }
                parent = above.flatMap { byCode[$0.digits] }
            } else if existingIDs.contains(id) {
                parent = parentOf[id] ?? nil
            }
            guard let kind = kindOf[id] else {
                problems.append(.init(row: line.row, reason: "请填写类型 (give the kind)"))
                continue
            }
            if !kind.maySit(under: parent.flatMap { kindOf[$0] }) {
                problems.append(
                    .init(
                        row: line.row,
                        reason:
                            "\(kind.chinese)「\(line.name)」不能属于\(parent.flatMap { p in lines.first { ids[$0.row] == p }?.name ?? existing.first { $0.id == p }?.name }.map { "「\($0)」" } ?? "树顶") (a \(kind.english.lowercased()) cannot sit there)"
                    ))
                continue
            }
            if parent == id {
                problems.append(.init(row: line.row, reason: "不能属于自己 (not under itself)"))
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
