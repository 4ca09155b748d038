import Foundation
import LuoshiCore

extension PlanReader {
    /// A plan made from a 任务分解表 alone, for an office with no document to import: the sheet's areas (its
    /// 领域 column, or its group rows 一、二、) become the areas, each task row a task under its area in the
    /// sheet's order, and the quantities in a row's words or its 量化目标 column become the task's targets,
    /// read as the reader reads any report. The source text is the sheet written out, one line a row, so
    /// the review page can show each item's words in place.
    public static func read(
        breakdown reading: BreakdownSheet.Reading, title: String, year: Int?, name: String, sha256: String
    ) -> (plan: PlanDocument, text: String) {
        var text = title + "\n"
        var length = text.unicodeScalars.count
        func append(_ line: String) -> Span {
            let start = length
            text += line + "\n"
            let n = line.unicodeScalars.count
            length += n + 1
            return Span(start: start, end: start + n)
        }
        var sections: [PlanSection] = []
        // Each task row's line: its words, and its 量化目标 when the words do not already hold it.
        var rows: [(span: Span, section: Int, line: BreakdownSheet.Line)] = []
        let groups = Dictionary(grouping: reading.lines, by: { $0.area ?? "" })
        let order = reading.lines.reduce(into: [String]()) { seen, line in
            if !seen.contains(line.area ?? "") { seen.append(line.area ?? "") }
        }
        for area in order {
            let index = sections.count
            let heading = area.isEmpty ? (order.count == 1 ? "重点任务" : "其他任务") : area
            let number = Self.chineseNumber(index + 1)
            let span = append("\(number)、\(heading)")
            sections.append(
                PlanSection(
                    id: "\(index + 1)", number: number, title: heading, level: 1,
                    span: Span(start: span.start + number.unicodeScalars.count + 1, end: span.end)))
            for line in groups[area] ?? [] {
                var words = line.content
                if let target = line.target,
                    !BreakdownSheet.normalized(words).contains(BreakdownSheet.normalized(target))
                {
                    words += "（\(target)）"
                }
                rows.append((append(words), index, line))
            }
        }
        // The targets and projects the reader finds in the same text, each under the area of its row.
        var targets: [PlanTarget] = []
        var projects: [PlanProject] = []
        var wholeRowTargets: Set<Int> = []
        let found = try? Self.read(text: text, name: name)
        func row(of span: Span) -> Int? {
            rows.firstIndex { $0.span.start <= span.start && span.end <= $0.span.end }
        }
        for var t in found?.targets ?? [] {
            guard let r = row(of: t.span) else { continue }
            t.id = "t\(targets.count + 1)"
            t.section = "\(rows[r].section + 1)"
            t.headline = false
            targets.append(t)
            // A row that is nothing but its target (新增停车位300个) is that target, not a task beside it.
            if BreakdownSheet.normalized(t.text) == BreakdownSheet.normalized(rows[r].line.content) {
                wholeRowTargets.insert(r)
            }
        }
        for var p in found?.projects ?? [] {
            guard let r = row(of: p.span) else { continue }
            p.id = "p\(projects.count + 1)"
            p.section = "\(rows[r].section + 1)"
            projects.append(p)
        }
        for (r, row) in rows.enumerated() where !wholeRowTargets.contains(r) {
            let k = sections[row.section].tasks.count + 1
            sections[row.section].tasks.append(
                PlanTask(id: "\(row.section + 1).t\(k)", text: row.line.content, span: row.span))
        }
        let plan = PlanDocument(
            title: title, year: year,
            source: PlanSource(name: name, sha256: sha256, encoding: "UTF-8", characters: length),
            sections: sections, targets: targets, projects: projects)
        return (plan, text)
    }

    /// 1 → 一, 12 → 十二, 23 → 二十三: a 分解表 seldom has more than twenty areas.
    static func chineseNumber(_ n: Int) -> String {
        let digits = Array("零一二三四五六七八九")
        guard n > 0 && n < 100 else { return "\(n)" }
        if n < 10 { return String(digits[n]) }
        let tens = n / 10
        let ones = n % 10
        return (tens == 1 ? "" : String(digits[tens])) + "十" + (ones == 0 ? "" : String(digits[ones]))
    }
}
