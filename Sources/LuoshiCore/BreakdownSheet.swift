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
    }

    public struct CellError: Equatable, Sendable, CustomStringConvertible {
        public var row: Int
        public var column: String
        public var value: String
        public var problem: String

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
