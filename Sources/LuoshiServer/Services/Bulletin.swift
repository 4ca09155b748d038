import Fluent
import Foundation
import LuoshiCore
import OfficeOpenXML
import Vapor

/// The monthly bulletin (月通报): per unit, reports due and filed on time, late, missing; open notices by
/// level; items that changed colour over the month; the five most overdue items.
struct Bulletin: Sendable {
    struct UnitRow: Sendable, Codable {
        var unit: String
        var due: Int
        var onTime: Int
        var late: Int
        var missing: Int
        var blue: Int
        var yellow: Int
        var red: Int
    }

    struct Change: Sendable, Codable {
        var item: UUID
        var title: String
        var from: StatusColour
        var to: StatusColour
    }

    struct Overdue: Sendable, Codable {
        var item: UUID
        var title: String
        var unit: String
        var due: Date
        var days: Int
    }

    var planTitle: String
    var issuer: String
    var year: Int
    var month: Int
    /// The moment the bulletin speaks for: the month's end, or now while the month runs.
    var asOf: Date
    var units: [UnitRow]
    var open: PerLevel<Int>
    var changes: [Change]
    var mostOverdue: [Overdue]

    var totals: UnitRow {
        units.reduce(UnitRow(unit: "合计", due: 0, onTime: 0, late: 0, missing: 0, blue: 0, yellow: 0, red: 0)) {
            UnitRow(
                unit: $0.unit, due: $0.due + $1.due, onTime: $0.onTime + $1.onTime, late: $0.late + $1.late,
                missing: $0.missing + $1.missing, blue: $0.blue + $1.blue, yellow: $0.yellow + $1.yellow,
                red: $0.red + $1.red)
        }
    }

    /// The bulletin's opening paragraph and its closing request, the same on the page and in Word.
    var summary: String {
        let t = totals
        return
            "本月应报送进展\(t.due)件，按时报送\(t.onTime)件，逾期报送\(t.late)件，未报送\(t.missing)件；在办督办单红色\(open.red)件、黄色\(open.yellow)件、蓝色\(open.blue)件。现将有关情况通报如下。"
    }
    static let closing = "请未报送、逾期报送的单位抓紧补报，督办单位按期反馈办理情况。"

    /// The opening paragraph for an English reader of the page (the Word file is the Chinese 公文).
    var englishSummary: String {
        let t = totals
        return
            "This month \(t.due) progress reports were due: \(t.onTime) came on time, \(t.late) late and \(t.missing) not at all. Open notices: \(open.red) red, \(open.yellow) yellow, \(open.blue) blue. The details follow."
    }
    static let englishClosing =
        "Units that have not reported, or reported late, are asked to report without delay, and units with notices to answer them in time."

    /// "2015-06" → (2015, 6).
    static func month(_ text: String?, default now: Date) throws -> (year: Int, month: Int) {
        guard let text, !text.isEmpty else {
            let today = CivilDay(now, calendar: .beijing)
            return (today.year, today.month)
        }
        let parts = text.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 2, (1900...2200).contains(parts[0]), (1...12).contains(parts[1]) else {
            throw LuoshiError.invalid(field: "月份", reason: "应为 2015-06 的形式")
        }
        return (parts[0], parts[1])
    }

    static func build(plan: Plan, year: Int, month: Int, on db: any Database, now: Date) async throws -> Bulletin {
        let calendar = Calendar.beijing
        let first = CivilDay(year: year, month: month, day: 1)
        let last = CivilDay(year: year, month: month, day: CivilDay.daysIn(year: year, month: month))
        let monthStart = first.start(in: calendar)
        let asOf = min(now, last.adding(days: 1).start(in: calendar).addingTimeInterval(-1))
        let planID = try plan.requireID()
        let rules = try await Notices.rules(for: planID, on: db)
        let items = try await PlanItem.live(plan: planID, on: db).sort(\.$position).all()
        let ids = items.compactMap(\.id)
        let assignments = try await Assignment.query(on: db).filter(\.$item.$id ~~ ids).all()
        let reports = try await ProgressReport.query(on: db).filter(\.$item.$id ~~ ids).all()
        let milestones = try await Milestone.query(on: db).filter(\.$item.$id ~~ ids).sort(\.$plannedDate).all()
        let notices = try await SupervisionNotice.query(on: db).filter(\.$plan.$id == planID).all()
        let units = Dictionary(
            try await Organization.query(on: db).all().map { ($0.id!, $0.name) }, uniquingKeysWith: { a, _ in a })
        let today = CivilDay(asOf, calendar: calendar)

        let firstFiled = FirstFilings(
            reports.lazy.filter { !$0.wasReturned && $0.submittedAt <= asOf }.map {
                ($0.$item.id, $0.$unit.id, $0.period, $0.submittedAt)
            }, calendar: calendar)
        var rows: [UUID: UnitRow] = [:]
        func row(_ unit: UUID) -> UnitRow {
            rows[unit]
                ?? UnitRow(unit: units[unit] ?? "", due: 0, onTime: 0, late: 0, missing: 0, blue: 0, yellow: 0, red: 0)
        }
        for a in assignments {
            guard let unit = a.$leadUnit.id else { continue }
            let periods = a.duePeriods(year: plan.year, rules: rules, calendar: calendar).filter {
                $0.due >= first && $0.due <= last
            }
            for (_, outcome) in ReportTimeliness.outcomes(
                periods, firstFiled: firstFiled[item: a.$item.id, unit: unit], today: today)
            {
                var r = row(unit)
                r.due += 1
                switch outcome {
                case .onTime: r.onTime += 1
                case .late: r.late += 1
                case .missing: r.missing += 1
                }
                rows[unit] = r
            }
        }
        var open = PerLevel(blue: 0, yellow: 0, red: 0)
        for n in notices where n.issuedAt <= asOf && (n.closedAt.map { $0 > asOf } ?? true) {
            open[n.level] += 1
            var r = row(n.$unit.id)
            switch n.level {
            case .blue: r.blue += 1
            case .yellow: r.yellow += 1
            case .red: r.red += 1
            }
            rows[n.$unit.id] = r
        }

        // Colours at the month's start and at its end, from the reports accepted by then.
        let accepted = reports.filter { $0.state == .accepted }.sorted { $0.submittedAt < $1.submittedAt }
        let before = PlanSnapshot.compute(
            plan: plan, items: items, assignments: assignments,
            accepted: accepted.filter { $0.submittedAt < monthStart },
            milestones: milestones, now: monthStart)
        let after = PlanSnapshot.compute(
            plan: plan, items: items, assignments: assignments, accepted: accepted.filter { $0.submittedAt <= asOf },
            milestones: milestones, now: asOf)
        var changes: [Change] = []
        for item in items where PlanSnapshot.isLeaf(item) {
            guard let a = before.results[item.id!], let b = after.results[item.id!], a.colour != b.colour else {
                continue
            }
            changes.append(Change(item: item.id!, title: item.subject ?? item.title, from: a.colour, to: b.colour))
        }
        let byItem = Dictionary(assignments.map { ($0.$item.id, $0) }, uniquingKeysWith: { a, _ in a })
        let overdue = items.compactMap { item -> Overdue? in
            guard after.results[item.id!]?.status == .overdue, let a = byItem[item.id!], let due = a.dueDate else {
                return nil
            }
            return Overdue(
                item: item.id!, title: item.subject ?? item.title, unit: a.$leadUnit.id.flatMap { units[$0] } ?? "",
                due: due, days: CivilDay(due, calendar: calendar).days(until: today))
        }.sorted { $0.days > $1.days }
        return Bulletin(
            planTitle: plan.title, issuer: plan.issuer ?? "", year: year, month: month, asOf: asOf,
            units: rows.values.sorted { ($0.missing, $0.late, $0.unit) > ($1.missing, $1.late, $1.unit) }, open: open,
            changes: changes, mostOverdue: Array(overdue.prefix(5)))
    }

    /// The bulletin as the office circulates it.
    func docx() throws -> Data {
        typealias D = FormattedDocument
        let t = totals
        var blocks: [D.Block] = [
            .paragraph([D.Run("督查督办月通报", bold: true, size: 30, colour: "C00000", font: "方正小标宋简体")], align: .center),
            .paragraph([D.Run("\(year)年第\(month)期", size: 16)], align: .center, spaceAfter: 120),
            .paragraph(
                [D.Run("\(issuer.isEmpty ? "" : issuer)督查办", size: 14), D.Run("    \(Format.date(asOf))", size: 14)],
                align: .center),
            .rule(colour: "C00000"),
            .paragraph(
                [D.Run("\(planTitle)落实情况（\(year)年\(month)月）", bold: true, size: 20, font: "黑体")], align: .center,
                spaceAfter: 240),
            .paragraph(
                [D.Run(summary)],
                firstLineIndent: true, spaceAfter: 120),
            .paragraph([D.Run("一、各单位报送情况", bold: true, font: "黑体")]),
            .table(
                rows: [["单位", "应报", "按时", "逾期", "未报", "红色督办", "黄色督办", "蓝色督办"]]
                    + (units + [t]).map {
                        [
                            $0.unit, "\($0.due)", "\($0.onTime)", "\($0.late)", "\($0.missing)", "\($0.red)",
                            "\($0.yellow)", "\($0.blue)",
                        ]
                    },
                widths: [2200, 900, 900, 900, 900, 1100, 1100, 1100], size: 11),
            .paragraph([D.Run("二、状态变化的事项", bold: true, font: "黑体")]),
        ]
        if changes.isEmpty {
            blocks.append(.paragraph([D.Run("本月无事项状态变化。")], firstLineIndent: true))
        } else {
            blocks.append(
                .table(
                    rows: [["事项", "月初", "月末"]] + changes.map { [$0.title, $0.from.chinese, $0.to.chinese] },
                    widths: [6000, 1500, 1500], size: 11))
        }
        blocks.append(.paragraph([D.Run("三、逾期时间最长的事项", bold: true, font: "黑体")]))
        if mostOverdue.isEmpty {
            blocks.append(.paragraph([D.Run("本月无逾期事项。")], firstLineIndent: true))
        } else {
            blocks.append(
                .table(
                    rows: [["事项", "牵头单位", "完成时限", "逾期天数"]]
                        + mostOverdue.map { [$0.title, $0.unit, Format.date($0.due), "\($0.days)"] },
                    widths: [4200, 1900, 1900, 1000], size: 11))
        }
        blocks.append(
            .paragraph([D.Run(Self.closing)], firstLineIndent: true, spaceAfter: 240))
        return try FormattedDocument.docx(blocks)
    }
}
