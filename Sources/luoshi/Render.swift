import Foundation
import LuoshiCore
import PlanReader

/// How a plan is shown in a terminal and printed as JSON.
enum Render {
    static func json(_ plan: PlanDocument) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(plan), as: UTF8.self)
    }

    static func counts(_ plan: PlanDocument) -> String {
        let all = plan.allSections()
        let areas = all.filter { $0.level == 1 }.count
        let themes = all.filter { $0.level == 2 }.count
        let tasks = all.reduce(0) { $0 + $1.section.tasks.count }
        let headline = plan.targets.filter(\.headline).count
        return
            "领域 \(areas) · 主题 \(themes) · 任务 \(tasks) · 目标 \(plan.targets.count)（主要预期目标 \(headline)）· 项目 \(plan.projects.count) · 机制 \(plan.mechanisms.count)"
    }

    /// A readable outline: sections, under each its targets and projects; counts at the end.
    static func outline(_ plan: PlanDocument) -> String {
        var lines: [String] = []
        lines.append("《\(plan.title ?? plan.source.name)》")
        var meta: [String] = []
        if let issuer = plan.issuer { meta.append("发布机关 \(issuer)") }
        if let year = plan.year { meta.append("年度 \(year)") }
        if let published = plan.published { meta.append("发布 \(published)") }
        meta.append("编码 \(plan.source.encoding)")
        meta.append("\(plan.source.characters) 字")
        lines.append(meta.joined(separator: " · "))
        if let part = plan.planSection { lines.append("计划部分：\(part.heading)") }
        let headline = plan.targets.filter(\.headline)
        if !headline.isEmpty {
            lines.append("")
            lines.append("主要预期目标")
            for t in headline { lines.append("  ◎ " + target(t)) }
        }
        let bySection = Dictionary(grouping: plan.targets.filter { !$0.headline }, by: { $0.section ?? "" })
        let projects = Dictionary(grouping: plan.projects, by: { $0.section ?? "" })
        for (level, s) in plan.allSections() {
            let indent = String(repeating: "  ", count: level - 1)
            if level == 1 { lines.append("") }
            let numbering = s.number.map { level == 1 ? "\($0)、" : "（\($0)）" } ?? "·"
            lines.append("\(indent)\(numbering)\(s.title)")
            for t in bySection[s.id] ?? [] { lines.append("\(indent)    ◎ " + target(t)) }
            for p in projects[s.id] ?? [] {
                let attrs = p.attributes.map {
                    "\(attributeName($0.name)) \(cmp($0.comparator))\(number($0.value))\($0.unit ?? "")"
                }
                lines.append(
                    "\(indent)    ▣ \(p.name)" + (attrs.isEmpty ? "" : "（" + attrs.joined(separator: "，") + "）"))
            }
        }
        // Targets outside any area: a work report's own conduct, a document without headings.
        let loose = plan.targets.filter { !$0.headline && $0.section == nil }
        if !loose.isEmpty {
            lines.append("")
            lines.append("其他目标（不属于任何领域）")
            for t in loose { lines.append("  ◎ " + target(t)) }
        }
        lines.append("")
        lines.append(counts(plan))
        return lines.joined(separator: "\n")
    }

    static func target(_ t: PlanTarget) -> String {
        let value: String
        if t.comparator == .range {
            value = "\(number(t.valueMin))–\(number(t.valueMax))"
        } else {
            value = cmp(t.comparator) + number(t.value)
        }
        var s = "\(t.subject ?? "（未识别主体）")：\(t.action.map { $0 + " " } ?? "")\(value) \(t.unit ?? "")"
        if let per = t.per { s += " / 每\(per)" }
        if let scope = t.scope { s += "（范围：\(scope)）" }
        if let b = t.baseline {
            s += "（基数：\(b.year.map { "\($0)年 " } ?? "")\(number(b.value))\(b.unit.map { " " + $0 } ?? "")）"
        }
        return s
    }

    static func cmp(_ c: TargetComparator) -> String {
        switch c {
        case .atLeast: return "≥"
        case .atMost: return "≤"
        case .equal: return ""
        case .approximately: return "约"
        case .range: return ""
        }
    }

    /// Figures as officials write them: 40000000 → 4000万, 500000000 → 5亿.
    static func number(_ v: Double?) -> String {
        guard let v else { return "?" }
        func plain(_ x: Double) -> String {
            x == x.rounded() && abs(x) < 1e15 ? String(Int64(x)) : String(format: "%g", x)
        }
        if abs(v) >= 1e8 && (v / 1e8 * 100).rounded() == v / 1e8 * 100 { return plain(v / 1e8) + "亿" }
        if abs(v) >= 1e4 && (v / 1e4 * 100).rounded() == v / 1e4 * 100 { return plain(v / 1e4) + "万" }
        return plain(v)
    }

    static func attributeName(_ name: String) -> String {
        switch name {
        case "investment": return "总投资"
        case "length": return "长度"
        case "siteArea": return "占地面积"
        case "floorArea": return "建筑面积"
        case "width": return "宽度"
        case "capacity": return "规模"
        default: return name
        }
    }

    /// Why the reader read the document so: `all`, `plan` (the plan section and the parts), a section id
    /// ("1.2": its heading and its targets) or a target id ("t12"). Nil when the item is not in the plan.
    static func explain(_ plan: PlanDocument, _ why: ReadingExplanation, item: String) -> String? {
        var lines: [String] = []
        func planPart() {
            if let section = why.planSection {
                lines.append("计划部分「\(section.heading)」：\(section.reason)")
            } else {
                lines.append("没有单独的计划部分：整个文档都是计划 (no plan section set apart: the document is all plan)")
            }
            if !why.parts.isEmpty {
                lines.append("各部分 (parts):")
                for part in why.parts { lines.append("  「\(part.title)」→ \(part.zone)：\(part.reason)") }
            }
        }
        func targetLines(_ t: PlanTarget) {
            lines.append("\(t.id) \(target(t))")
            guard let w = why.targets[t.id] else { return }
            lines.append("    找到 (found): \(w.found)")
            lines.append("    主语「\(t.subject ?? "")」(subject): \(w.subject)")
            lines.append("    比较 \(cmp(t.comparator).isEmpty ? "=" : cmp(t.comparator)) (comparator): \(w.comparator)")
            if let headline = w.headline { lines.append("    主要预期目标 (headline): \(headline)") }
            if let baseline = w.baseline { lines.append("    基数 (baseline): \(baseline)") }
        }
        func sectionLines(_ s: PlanSection, targets: Bool) {
            lines.append("\(s.id) \(s.number.map { "\($0) " } ?? "")\(s.title)")
            lines.append("    标题 (heading): \(why.headings[s.id] ?? "")")
            if targets { for t in plan.targets where t.section == s.id { targetLines(t) } }
        }
        let sections = plan.allSections().map(\.section)
        switch item {
        case "all":
            planPart()
            lines.append("")
            lines.append("标题 (headings):")
            for s in sections { sectionLines(s, targets: false) }
            lines.append("")
            lines.append("目标 (targets):")
            for t in plan.targets { targetLines(t) }
        case "plan":
            planPart()
        default:
            if let t = plan.targets.first(where: { $0.id == item }) {
                targetLines(t)
            } else if let s = sections.first(where: { $0.id == item }) {
                sectionLines(s, targets: true)
            } else {
                return nil
            }
        }
        return lines.joined(separator: "\n")
    }
}
