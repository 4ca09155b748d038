import Fluent
import Foundation
import LuoshiCore
import OfficeOpenXML
import Vapor

/// The 任务分解表 of a plan as offices keep it in Excel — one row a task, target or project, grouped by
/// area and theme — and the 台账 of its reports and notices. Built from the same snapshot the pages
/// use, so the sheet and the overview never disagree.
struct Breakdown: Sendable {
    /// Which rows: one unit's (lead or cooperating), one leader's, overdue only; with progress columns.
    struct Filter: Sendable, Equatable {
        var unit: UUID?
        var leader: UUID?
        var overdueOnly = false
        var progress = false
    }

    struct Line: Sendable, Equatable {
        /// 0 an area, 1 a theme, 2 a task, target or project (1 when it stands right under an area).
        var level: Int
        var group: Bool
        var number: String
        var area: String
        var content: String
        var target: String
        var leader: String
        var leadUnit: String
        var cooperating: String
        var responsible: String
        var due: CivilDay?
        var cycle: String
        var weight: Double?
        var progress: String
        var problems: String
        var nextSteps: String
        var latestValue: Double?
        var completion: Double?
        var status: String
        var notices: String
        var code: String

        /// A row that heads a group: an area, a theme, or the loose items' own group.
        static func heading(_ title: String, level: Int, number: String, area: String, code: String) -> Line {
            Line(
                level: level, group: true, number: number, area: area, content: title, target: "", leader: "",
                leadUnit: "", cooperating: "", responsible: "", due: nil, cycle: "", weight: nil, progress: "",
                problems: "", nextSteps: "", latestValue: nil, completion: nil, status: "", notices: "", code: code)
        }
    }

    var title: String
    var lines: [Line]
    var filter: Filter

    /// The columns of the sheet, in the order offices use; progress columns only on a progress export.
    var headers: [String] {
        var h = ["序号", "领域/部分", "任务内容", "量化目标", "牵头领导", "牵头单位", "配合单位", "责任人", "完成时限", "报送周期", "权重"]
        if filter.progress { h += ["进展情况", "存在问题", "下一步措施", "最新数值", "完成率", "状态", "督办"] }
        return h + ["编码"]
    }

    static func build(
        plan: Plan, filter: Filter, for user: User, on db: any Database, now: Date
    ) async throws -> Breakdown {
        let snapshot = try await PlanSnapshot.load(plan, on: db, now: now)
        let reach = try await Jurisdiction.serving(plan, on: db)
        let units = try await reach.units(on: db).all()
        let leaders = try await reach.people([.leader, .admin], on: db).all()
        let open = try await SupervisionNotice.query(on: db).filter(\.$plan.$id == plan.requireID())
            .filter(\.$state != .closed).sort(\.$serial).all()
        var notices: [UUID: [SupervisionNotice]] = [:]
        // The notices the reader may see (a unit its own), as the item page shows them.
        for n in open where Visibility.mayRead(n, user) { notices[n.$item.id, default: []].append(n) }
        return Breakdown(
            title: plan.title,
            lines: lines(
                snapshot, units: UnitNames(units).labels,
                leaders: Dictionary(uniqueKeysWithValues: leaders.map { ($0.id!, $0.displayName) }), notices: notices,
                filter: filter),
            filter: filter)
    }

    /// The rows, areas and themes heading the leaves they hold; a filtered export keeps a group only when
    /// some leaf under it is kept.
    static func lines(
        _ s: PlanSnapshot, units: [UUID: String], leaders: [UUID: String], notices: [UUID: [SupervisionNotice]],
        filter: Filter
    ) -> [Line] {
        var out: [Line] = []
        var serial = 0
        func keep(_ item: PlanItem) -> Bool {
            let a = s.assignments[item.id!]
            if let unit = filter.unit, a?.$leadUnit.id != unit, !(a?.cooperating.contains(unit) ?? false) {
                return false
            }
            if let leader = filter.leader, a?.$leadLeader.id != leader { return false }
            if filter.overdueOnly, s.results[item.id!]?.status != .overdue { return false }
            return true
        }
        func leaf(_ item: PlanItem, level: Int, area: String) -> Line {
            serial += 1
            let id = item.id!
            let a = s.assignments[id]
            let result = s.results[id]
            let report = s.latest[id]
            return Line(
                level: level, group: false, number: String(serial), area: area, content: item.title,
                target: targetText(item), leader: a?.$leadLeader.id.flatMap { leaders[$0] } ?? "",
                leadUnit: a?.$leadUnit.id.flatMap { units[$0] } ?? "",
                cooperating: (a?.cooperating ?? []).compactMap { units[$0] }.joined(separator: "、"),
                responsible: a?.responsiblePerson ?? "", due: a?.dueDate.map { CivilDay($0, calendar: .beijing) },
                cycle: a.map { $0.cycle.chinese } ?? "", weight: a?.weight, progress: report?.narrative ?? "",
                problems: report?.problems ?? "", nextSteps: report?.nextSteps ?? "",
                latestValue: report?.actualValue, completion: result?.progress, status: result?.status.chinese ?? "",
                notices: (notices[id] ?? []).map { "\($0.number)（\($0.level.chinese)，\($0.state.chinese)）" }
                    .joined(separator: "；"),
                code: item.code)
        }
        func group(_ item: PlanItem, level: Int, area: String) -> Line {
            .heading(item.title, level: level, number: item.number ?? "", area: area, code: item.code)
        }
        // Leaves in the document's order under their area and theme (a task's own targets and projects
        // follow it); headline targets and leaves outside any area under a group of their own.
        func walk(_ item: PlanItem, depth: Int, area: String) -> [Line] {
            if PlanSnapshot.isLeaf(item) {
                var block = keep(item) ? [leaf(item, level: min(depth, 2), area: area)] : []
                for child in s.children[item.id!] ?? [] { block += walk(child, depth: depth, area: area) }
                return block
            }
            let inner = (s.children[item.id!] ?? []).flatMap { walk($0, depth: depth + 1, area: area) }
            guard !inner.isEmpty else { return [] }
            return [group(item, level: min(depth, 2), area: area)] + inner
        }
        let roots = s.items.filter { $0.$parent.id == nil }
        var loose: [PlanItem] = []
        for root in roots {
            guard root.kind == .area || root.kind == .theme else {
                if PlanSnapshot.isLeaf(root) { loose.append(root) }
                continue
            }
            out += walk(root, depth: 0, area: root.title)
        }
        // Computed once: numbering a leaf counts it.
        let kept = loose.filter(keep)
        let name = !kept.isEmpty && kept.allSatisfy(\.headline) ? "主要预期目标" : "其他"
        let looseLines = loose.flatMap { walk($0, depth: 1, area: name) }
        if !looseLines.isEmpty {
            out.append(.heading(name, level: 0, number: "", area: name, code: ""))
            // A task's own targets and projects follow it here too.
            out += looseLines
        }
        return out
    }

    /// A target as a 分解表 writes it: ≥300个, 7%左右 as 约7%, 2—3支.
    static func targetText(_ item: PlanItem) -> String {
        guard item.kind == .target else { return "" }
        let unit = item.unit ?? ""
        let subject = item.subject.map { $0 + " " } ?? ""
        if item.comparator == .range, let lo = item.valueMin, let hi = item.valueMax {
            return subject + Format.number(lo) + "—" + Format.number(hi) + unit
        }
        guard let v = item.value else { return "" }
        return subject + Format.comparator(item.comparator) + Format.number(v) + unit
    }

    // MARK: Excel and CSV

    func row(_ l: Line) -> [Cell] {
        let style: Cell.Style = l.group ? .group : .wrapped
        var cells: [Cell] = [
            .text(l.number, style), .text(l.area, style), .text(l.content, style), .text(l.target, style),
            .text(l.leader, style), .text(l.leadUnit, style), .text(l.cooperating, style), .text(l.responsible, style),
            l.due.map { Cell(.date(daysSince1970: $0.ordinal), .date) } ?? Cell(.empty, style),
            .text(l.cycle, style), .number(l.weight, l.group ? .group : .number),
        ]
        if filter.progress {
            cells += [
                .text(l.progress, style), .text(l.problems, style), .text(l.nextSteps, style),
                .number(l.latestValue, l.group ? .group : .number), .number(l.completion, l.group ? .group : .percent),
                .text(l.status, style), .text(l.notices, style),
            ]
        }
        return cells + [.text(l.code, style)]
    }

    var widths: [Double] {
        var w: [Double] = [6, 16, 48, 16, 10, 16, 18, 10, 11, 9, 6]
        if filter.progress { w += [36, 20, 20, 10, 8, 9, 22] }
        return w + [14]
    }

    func workbook() -> Workbook {
        let columns = widths.enumerated().map { i, w in Column(width: w, hidden: i == widths.count - 1) }
        let last = SpreadsheetWriter.columnName(columns.count - 1)
        var rows = [Row([Cell(.text(title + "任务分解表"), .title)])]
        rows.append(Row(headers.map { Cell(.text($0), .header) }))
        rows += lines.map { Row(row($0), outlineLevel: $0.level) }
        return Workbook(sheets: [
            Sheet(name: "任务分解表", columns: columns, rows: rows, headerRows: 2, merges: ["A1:\(last)1"])
        ])
    }

    func csv() -> Data {
        var rows = [headers]
        for l in lines {
            var r = [
                l.number, l.area, l.content, l.target, l.leader, l.leadUnit, l.cooperating, l.responsible,
                l.due.map(Self.iso) ?? "", l.cycle, l.weight.map(Format.number(plain:)) ?? "",
            ]
            if filter.progress {
                r += [
                    l.progress, l.problems, l.nextSteps, l.latestValue.map(Format.number(plain:)) ?? "",
                    l.completion.map { Format.percent($0) } ?? "", l.status, l.notices,
                ]
            }
            rows.append(r + [l.code])
        }
        return CSVWriter.csv(rows)
    }

    static func iso(_ d: CivilDay) -> String { String(format: "%04d-%02d-%02d", d.year, d.month, d.day) }
}

/// The 台账 a unit or office sends upward: the progress reports by period and the notices, as the sheets
/// of one workbook.
struct Ledger: Sendable {
    var title: String
    var reports: [[Cell]]
    var notices: [[Cell]]

    static let reportHeaders = [
        "单位", "编码", "事项", "报告期", "数值", "完成率", "进展情况", "存在问题", "下一步措施", "状态", "报送日期", "审核日期",
    ]
    static let noticeHeaders = [
        "编号", "级别", "单位", "事项", "事由", "签发日期", "签收日期", "反馈", "反馈日期", "办结日期", "状态",
    ]

    /// What `user` may see: staff every report; a unit its own in every state; leaders and deputies accepted
    /// reports only. Notices: a unit its own.
    static func build(plan: Plan, for user: User, unit: UUID?, on db: any Database) async throws -> Ledger {
        let planID = try plan.requireID()
        let items = try await PlanItem.query(on: db).filter(\.$plan.$id == planID).all()
        let byID = Dictionary(uniqueKeysWithValues: items.map { ($0.id!, $0) })
        let units = Dictionary(
            uniqueKeysWithValues: try await Organization.query(on: db).all().map { ($0.id!, $0.name) })
        // A reporter with no unit has no unit's records to see.
        if user.role == .reporter && user.$organization.id == nil {
            return Ledger(title: plan.title, reports: [], notices: [])
        }
        let onlyUnit = user.role == .reporter ? user.$organization.id : unit
        let reports = try await PlanRows.reports(
            plan: planID, unit: onlyUnit, acceptedOnly: user.role == .leader || user.role == .deputy, on: db)
        var noticeQuery = SupervisionNotice.query(on: db).filter(\.$plan.$id == planID)
        if let onlyUnit { noticeQuery = noticeQuery.filter(\.$unit.$id == onlyUnit) }
        let notices = try await noticeQuery.sort(\.$year).sort(\.$serial).all()
        func day(_ d: Date?) -> Cell {
            guard let d else { return Cell(.empty, .date) }
            let c = CivilDay(d, calendar: .beijing)
            return Cell(.date(daysSince1970: c.ordinal), .date)
        }
        return Ledger(
            title: plan.title,
            reports: reports.map { r in
                let item = byID[r.$item.id]
                return [
                    .text(units[r.$unit.id]), .text(item?.code), .text(item?.title), .text(r.period),
                    .number(r.actualValue), .number(r.percentComplete.map { $0 / 100 }, .percent), .text(r.narrative),
                    .text(r.problems), .text(r.nextSteps), .text(r.state.chinese), day(r.submittedAt),
                    day(r.reviewedAt),
                ]
            },
            notices: notices.map { n in
                [
                    .text(n.number), .text(n.level.chinese), .text(units[n.$unit.id]), .text(byID[n.$item.id]?.title),
                    .text(n.reason), day(n.issuedAt), day(n.signedAt), .text(n.response), day(n.respondedAt),
                    day(n.closedAt), .text(n.state.chinese),
                ]
            })
    }

    func workbook() -> Workbook {
        func sheet(_ name: String, _ headers: [String], _ widths: [Double], _ body: [[Cell]]) -> Sheet {
            Sheet(
                name: name, columns: widths.map { Column(width: $0) },
                rows: [Row(headers.map { Cell(.text($0), .header) })] + body.map { Row($0) }, headerRows: 1)
        }
        return Workbook(sheets: [
            sheet("进展报告", Self.reportHeaders, [16, 14, 40, 10, 10, 8, 48, 30, 30, 8, 11, 11], reports),
            sheet("督办单", Self.noticeHeaders, [14, 6, 16, 36, 36, 11, 11, 36, 11, 11, 8], notices),
        ])
    }
}
