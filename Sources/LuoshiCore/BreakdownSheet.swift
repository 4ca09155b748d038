import Foundation

/// An edited 任务分解表 read back: each task row's assignment as the sheet states it, and every cell that
/// cannot be read, named by row and column as a clerk finds it ("第12行 完成时限：“下旬”不是日期").
/// Pure: matching rows to a plan's items and applying them is the server's.
public enum BreakdownSheet {
    public struct Line: Equatable, Sendable {
        /// The row's number in the sheet, 1-based, as Excel shows it.
        public var row: Int
        public var code: String?
        public var number: String?
        /// The area or part the row stands under: its own column, else the last group row above it.
        public var area: String?
        public var content: String
        public var target: String?
        public var leader: String?
        public var leadUnit: String?
        public var cooperatingUnits: [String]
        public var responsible: String?
        public var due: DueDateText.Reading?
        public var cycle: ReportingCycle?
        public var weight: Double?

        public init(
            row: Int, code: String?, number: String?, area: String?, content: String, target: String?, leader: String?,
            leadUnit: String?, cooperatingUnits: [String], responsible: String?, due: DueDateText.Reading?,
            cycle: ReportingCycle?, weight: Double?
        ) {
            self.row = row
            self.code = code
            self.number = number
            self.area = area
            self.content = content
            self.target = target
            self.leader = leader
            self.leadUnit = leadUnit
            self.cooperatingUnits = cooperatingUnits
            self.responsible = responsible
            self.due = due
            self.cycle = cycle
            self.weight = weight
        }
    }

    public struct CellError: Equatable, Sendable, CustomStringConvertible {
        public var row: Int
        public var column: String
        public var value: String
        public var problem: String

        public init(row: Int, column: String, value: String, problem: String) {
            self.row = row
            self.column = column
            self.value = value
            self.problem = problem
        }

        public var description: String { "第\(row)行 \(column)：“\(value)”\(problem)" }
    }

    public struct Reading: Equatable, Sendable {
        public var lines: [Line]
        public var errors: [CellError]
        /// The header row (1-based) and the columns recognised.
        public var headerRow: Int
        public var fields: [BreakdownField]
    }

    public enum Failure: Error, Equatable, Sendable {
        /// No row among the first ten names the task's content and one more column.
        case noHeader
    }

    public static func read(_ rows: [[String]], planYear: Int) throws -> Reading {
        guard let header = BreakdownField.headerRow(rows) else { throw Failure.noHeader }
        let names = rows[header.row]
        var lines: [Line] = []
        var errors: [CellError] = []
        var area: String?
        for r in (header.row + 1)..<rows.count {
            let cells = rows[r]
            func cell(_ f: BreakdownField) -> (String, String)? {
                guard let c = header.columns.first(where: { $0.value == f })?.key, c < cells.count else { return nil }
                let v = cells[c].trimmingCharacters(in: .whitespacesAndNewlines)
                return v.isEmpty ? nil : (v, names[c].trimmingCharacters(in: .whitespacesAndNewlines))
            }
            // A row with one text across it (a merged cell, or the first cell alone) heads a group: 一、城乡建设.
            let texts = Set(
                cells.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty })
            if texts.count == 1, let only = texts.first,
                cell(.content) == nil
                    || cells.filter({ !$0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty }).count > 1
                    || groupTitle(only) != only
            {
                area = groupTitle(only)
                continue
            }
            guard let content = cell(.content)?.0 else { continue }
            let assignment: [BreakdownField] = [.leader, .leadUnit, .cooperatingUnits, .responsible, .due, .weight]
            // A row that heads a group (一、做强工业经济) sets the area of the rows below it.
            if let n = cell(.number)?.0, isGroupNumber(n), !assignment.contains(where: { cell($0) != nil }) {
                area = content
                continue
            }
            var line = Line(
                row: r + 1, code: cell(.code)?.0, number: cell(.number)?.0, area: cell(.area)?.0 ?? area,
                content: content, target: cell(.target)?.0, leader: cell(.leader)?.0, leadUnit: cell(.leadUnit)?.0,
                cooperatingUnits: cell(.cooperatingUnits).map { units($0.0) } ?? [], responsible: cell(.responsible)?.0,
                due: nil, cycle: nil, weight: nil)
            if let (v, name) = cell(.due) {
                if let d = DueDateText.read(v, planYear: planYear) {
                    line.due = d
                } else {
                    errors.append(CellError(row: r + 1, column: name, value: v, problem: "不是日期 (not a date)"))
                }
            }
            if let (v, name) = cell(.cycle) {
                if let c = cycle(v) {
                    line.cycle = c
                } else {
                    errors.append(
                        CellError(
                            row: r + 1, column: name, value: v, problem: "不是报送周期：每周、每月、每季度或到期报送 (not a reporting cycle)"
                        ))
                }
            }
            if let (v, name) = cell(.weight) {
                let digits = v.hasSuffix("分") ? String(v.dropLast()) : v
                if let w = Double(digits), w >= 0, w <= 1000 {
                    line.weight = w
                } else {
                    errors.append(
                        CellError(
                            row: r + 1, column: name, value: v, problem: "不是 0–1000 的数 (not a number from 0 to 1000)"))
                }
            }
            lines.append(line)
        }
        return Reading(
            lines: lines, errors: errors, headerRow: header.row + 1,
            fields: header.columns.sorted { $0.key < $1.key }.map(\.value))
    }

    /// A group's title without its numbering: 一、城乡建设 → 城乡建设, （二）社会事业 → 社会事业.
    static func groupTitle(_ s: String) -> String {
        var rest = Substring(s)
        let numerals = "一二三四五六七八九十"
        if rest.first == "第", let end = rest.firstIndex(where: { "部分章".contains($0) }),
            rest[rest.index(after: rest.startIndex)..<end].allSatisfy({ numerals.contains($0) })
        {
            rest = rest[end...].drop(while: { "部分章".contains($0) })
        } else {
            let opened = rest.first == "（" || rest.first == "("
            let digits = rest.dropFirst(opened ? 1 : 0).prefix { numerals.contains($0) }
            if !digits.isEmpty {
                let after = rest.dropFirst((opened ? 1 : 0) + digits.count)
                if let mark = after.first, "、.．）)".contains(mark) { rest = after.dropFirst() }
            }
        }
        let title = rest.trimmingCharacters(in: .whitespaces)
        return title.isEmpty ? s : title
    }

    /// 一, 一、, （一）, 第一部分: a group's numbering, not a task's (1, 1.1, (1)).
    static func isGroupNumber(_ s: String) -> Bool {
        let bare = s.filter { !"、.．（）()第部分章".contains($0) }
        return !bare.isEmpty && bare.allSatisfy { "一二三四五六七八九十".contains($0) }
    }

    /// 财政所、派出所 / 财政所，派出所 / 财政所 派出所.
    static func units(_ s: String) -> [String] {
        s.split(whereSeparator: { "、，,;；/ \n".contains($0) }).map(String.init).filter { !$0.isEmpty }
    }

    static func cycle(_ s: String) -> ReportingCycle? {
        if s.contains("周") { return .weekly }
        if s.contains("季") { return .quarterly }
        if s.contains("月") { return .monthly }
        if s.contains("到期") || s.contains("完成时") || s.contains("办结") { return .dueDateOnly }
        return nil
    }
}

extension BreakdownSheet {
    /// An item a row may stand for: its code, its words, and its 序号 in the exported sheet.
    public struct Candidate: Sendable, Equatable {
        public var code: String
        public var title: String
        public var serial: String?

        public init(code: String, title: String, serial: String? = nil) {
            self.code = code
            self.title = title
            self.serial = serial
        }
    }

    public enum Match: Sendable, Equatable {
        /// The candidate at this index, and how it was found.
        case item(Int, by: MatchRule)
        /// The item an earlier row already stands for: one item, one row.
        case duplicate(ofRow: Int)
        case none
    }

    public enum MatchRule: String, Sendable, Equatable {
        /// The hidden 编码 column the exported sheet carries.
        case code
        /// The same words (spaces and punctuation aside).
        case words
        /// Nearly the same words (a clerk's edit, a typo), with the 序号 to choose between close ones.
        case nearWords
    }

    /// Each line's item: by its code, else by its words, else by nearly its words; a row whose words are as
    /// near to two items is matched to neither unless its 序号 says which.
    public static func match(_ lines: [Line], to candidates: [Candidate], near threshold: Double = 0.75)
        -> [Match]
    {
        var byCode: [String: Int] = [:]
        // Items with the same words (a task and the target that is all of it) are taken in the sheet's order.
        var byWords: [String: [Int]] = [:]
        var grams: [[Int]] = []
        var index: [Int: [Int]] = [:]
        for (i, c) in candidates.enumerated() {
            if byCode[c.code] == nil { byCode[c.code] = i }
            let key = normalized(c.title)
            byWords[key, default: []].append(i)
            let g = bigrams(key)
            grams.append(g)
            for b in g { index[b, default: []].append(i) }
        }
        // In passes: every code first, then the same words, then near words, so that a row the clerk added
        // (no code, words near an existing task) never takes an item a later row names by its code.
        var taken: [Int: Int] = [:]
        var out = [Match?](repeating: nil, count: lines.count)
        func take(_ n: Int, _ i: Int, _ rule: MatchRule) {
            if let row = taken[i] {
                out[n] = .duplicate(ofRow: row)
            } else {
                taken[i] = lines[n].row
                out[n] = .item(i, by: rule)
            }
        }
        for (n, line) in lines.enumerated() {
            if let code = line.code, let i = byCode[code] { take(n, i, .code) }
        }
        for (n, line) in lines.enumerated() where out[n] == nil {
            let same = byWords[normalized(line.content)] ?? []
            if let i = same.first(where: { taken[$0] == nil }) ?? same.first { take(n, i, .words) }
        }
        for (n, line) in lines.enumerated() where out[n] == nil {
            if let i = nearest(
                normalized(line.content), grams: grams, index: index, candidates: candidates, line: line,
                threshold: threshold)
            {
                take(n, i, .nearWords)
            }
        }
        return out.map { $0 ?? Match.none }
    }

    static func nearest(
        _ key: String, grams: [[Int]], index: [Int: [Int]], candidates: [Candidate], line: Line, threshold: Double
    ) -> Int? {
        let mine = bigrams(key)
        guard !mine.isEmpty else { return nil }
        var shared: [Int: Int] = [:]
        for b in mine { for i in index[b] ?? [] { shared[i, default: 0] += 1 } }
        var scored: [(Int, Double)] = []
        for (i, n) in shared {
            let dice = 2 * Double(n) / Double(mine.count + grams[i].count)
            if dice >= threshold { scored.append((i, dice)) }
        }
        scored.sort { a, b in a.1 != b.1 ? a.1 > b.1 : a.0 < b.0 }
        guard let best = scored.first else { return nil }
        let close = scored.prefix { best.1 - $0.1 < 0.05 }
        if close.count == 1 { return best.0 }
        // Two items as near: the 序号 decides, or nothing does.
        guard let number = line.number else { return nil }
        let bySerial = close.filter { candidates[$0.0].serial == number }
        return bySerial.count == 1 ? bySerial[0].0 : nil
    }

    /// The words without spaces, punctuation or symbols: a line break or a full stop is no different task.
    public static func normalized(_ s: String) -> String {
        String(
            String.UnicodeScalarView(
                s.unicodeScalars.filter { $0.properties.isAlphabetic || $0.properties.numericType != nil }))
    }

    /// The distinct pairs of neighbouring characters, as numbers.
    static func bigrams(_ s: String) -> [Int] {
        let v = s.unicodeScalars.map { Int($0.value) }
        guard v.count > 1 else { return v.isEmpty ? [] : [v[0] << 21] }
        return Array(Set((1..<v.count).map { v[$0 - 1] << 21 | v[$0] }))
    }
}

extension BreakdownSheet {
    /// The sheet's title: the first words above its header (a merged title row repeats them in each cell).
    public static func title(_ rows: [[String]]) -> String? {
        guard let header = BreakdownField.headerRow(rows) else { return nil }
        for row in rows.prefix(header.row) {
            if let first = row.lazy.map({ $0.trimmingCharacters(in: .whitespacesAndNewlines) }).first(where: {
                !$0.isEmpty
            }) {
                return first
            }
        }
        return nil
    }

    /// The year a title or file name names (2015年…任务分解表), when it names one.
    public static func year(in text: String) -> Int? {
        let scalars = Array(text.unicodeScalars)
        func digit(_ i: Int) -> Int? {
            guard i >= 0, i < scalars.count else { return nil }
            let v = Int(scalars[i].value) - 48
            return (0...9).contains(v) ? v : nil
        }
        var i = 0
        while i + 4 <= scalars.count {
            if digit(i - 1) == nil, digit(i + 4) == nil, let a = digit(i), let b = digit(i + 1), let c = digit(i + 2),
                let d = digit(i + 3)
            {
                let y = a * 1000 + b * 100 + c * 10 + d
                if (1990...2100).contains(y) { return y }
            }
            i += 1
        }
        return nil
    }
}
