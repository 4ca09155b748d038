import Fluent
import Foundation
import LuoshiCore
import OfficeOpenXML
import Vapor

/// Reports to the people's congress on the plan's execution: drafted from the data as it stood at the
/// period's end, edited by staff, issued once and then kept as issued.
enum CongressReports {
    /// "2015-H1" (the first half) or "2015" (the year) of the plan's year.
    static func end(_ period: String, year: Int) throws -> CivilDay {
        switch period {
        case "\(year)-H1": return CivilDay(year: year, month: 6, day: 30)
        case "\(year)": return CivilDay(year: year, month: 12, day: 31)
        default:
            throw LuoshiError.invalid(field: "period", reason: "应为 \(year)-H1（上半年）或 \(year)（全年）")
        }
    }

    static func periodWords(_ period: String) -> String {
        period.hasSuffix("-H1") ? "\(period.prefix(4))年上半年" : "\(period)年"
    }

    /// The draft, from the stored plan as it stood at the period's end (or now, if that is sooner).
    static func compose(plan: Plan, period: String, on db: any Database, now: Date) async throws
        -> CongressReportContent
    {
        let planID = try plan.requireID()
        let last = try end(period, year: plan.year)
        let asOf = min(now, last.adding(days: 1).start(in: .beijing).addingTimeInterval(-1))
        let day = CivilDay(asOf, calendar: .beijing)
        let items = try await PlanRows.liveItems(plan: planID, on: db)
        let assignments = try await PlanRows.assignments(plan: planID, on: db)
        let accepted = try await PlanRows.reportFacts(plan: planID, on: db).filter {
            $0.state == .accepted && ($0.reviewedAt ?? $0.submittedAt) <= asOf
        }
        // Each item's latest accepted report, for its figure and its words below.
        var latest: [UUID: ReportFact] = [:]
        for r in accepted { latest[r.item] = r }
        let milestones = try await Milestone.query(on: db).filter(\.$item.$id ~~ items.compactMap(\.id)).all()
        let s = PlanSnapshot.compute(
            plan: plan, items: items, assignments: assignments, acceptedFacts: accepted, milestones: milestones,
            now: asOf)
        let leaves = items.filter(PlanSnapshot.isLeaf)
        func counts(_ of: [PlanItem]) -> String {
            let by = Dictionary(grouping: of) { s.status(of: $0).status }.mapValues(\.count)
            let parts = [ItemStatus.done, .onTrack, .notStarted, .atRisk, .behind, .overdue].compactMap { st in
                by[st].map { "\(st.chinese) \($0) 项" }
            }
            return "共 \(of.count) 项" + (parts.isEmpty ? "" : "，其中" + parts.joined(separator: "、"))
        }
        let pct = { (v: Double?) in v.map { "\(Int(($0 * 100).rounded()))%" } ?? "—" }
        let title = "关于\(plan.title)\(periodWords(period))执行情况的报告"
        let resolutions =
            "现将\(plan.title)\(periodWords(period))执行情况报告如下。截至\(day.chinese)，计划确定的任务、目标和项目\(counts(leaves))，"
            + "总体进度 \(pct(s.overall.progress))（按时间应达 \(pct(s.overall.expected))）。主要目标完成情况见下表。"
        // The main targets: the headline ones, else every target (at most 30).
        let headline = items.filter { $0.kind == .target && $0.headline }
        let targets = (headline.isEmpty ? items.filter { $0.kind == .target } : headline).prefix(30).map {
            t -> CongressReportContent.TargetRow in
            let report = latest[t.id!]
            let progress = s.status(of: t).progress
            return .init(
                target: t.subject ?? t.title, plan: plan.words(of: t).filter { !$0.isNewline },
                actual: report?.actualValue.map { Format.number($0) + (t.unit.map { " " + $0 } ?? "") } ?? "—",
                rate: report == nil ? "—" : pct(progress))
        }
        let numerals = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"]
        var work: [String] = []
        for (i, area) in items.filter({ $0.$parent.id == nil && $0.kind == .area }).enumerated() {
            func under(_ id: UUID) -> [PlanItem] {
                items.filter { $0.$parent.id == id }.flatMap { PlanSnapshot.isLeaf($0) ? [$0] : under($0.id!) }
            }
            let mine = under(area.id!)
            let done = mine.filter { s.status(of: $0).status == .done }.prefix(8).map(\.title)
            work.append(
                "（\(numerals[min(i, 9)])）\(area.title)：\(counts(mine))。"
                    + (done.isEmpty ? "" : "已完成的有：" + done.joined(separator: "；") + "。"))
        }
        // The problems and next steps the units reported on work that is behind.
        let behind = leaves.filter { [.behind, .overdue, .atRisk].contains(s.status(of: $0).status) }.prefix(20)
        let reportIDs = behind.compactMap { latest[$0.id!]?.id }
        let words = Dictionary(
            try await ProgressReport.query(on: db).filter(\.$id ~~ reportIDs).all().map { ($0.$item.id, $0) },
            uniquingKeysWith: { a, _ in a })
        let problems =
            behind.isEmpty
            ? "各项工作总体按计划推进。"
            : "以下事项进度滞后或存在风险：\n"
                + behind.map { i in
                    let r = words[i.id!]
                    return "\(i.code) \(i.title)（\(s.status(of: i).status.chinese)）：\(r?.problems ?? "尚未报送存在问题")；"
                        + "下一步：\(r?.nextSteps ?? "责任单位加快推进")。"
                }.joined(separator: "\n")
        return CongressReportContent(
            title: title, asOf: Breakdown.iso(day), resolutions: resolutions, targets: Array(targets),
            work: work.joined(separator: "\n"), problems: problems, other: "")
    }

    static func find(plan: UUID, period: String, on db: any Database) async throws -> CongressReport? {
        try await CongressReport.query(on: db).filter(\.$plan.$id == plan).filter(\.$period == period).first()
    }

    /// Drafts the report from the data, or drafts it again (staff's edits are replaced) while not issued.
    @discardableResult
    static func draft(_ plan: Plan, period: String, actor: User, on store: Store, now: Date) async throws
        -> CongressReport
    {
        guard actor.role == .admin else { throw LuoshiError.forbidden(reason: "只有督查办可以起草报告 (staff only)") }
        let content = try await compose(plan: plan, period: period, on: store.db, now: now)
        let planID = try plan.requireID()
        return try await store.write(.plan(planID), actor: actor.username, at: now) { tx in
            let report: CongressReport
            if let existing = try await find(plan: planID, period: period, on: tx.db) {
                guard !existing.issued else { throw LuoshiError.conflict(reason: "报告已印发 (already issued)") }
                existing.contentJSON = String(decoding: try JSONEncoder().encode(content), as: UTF8.self)
                existing.draftedBy = actor.username
                existing.draftedAt = now
                try await existing.save(on: tx.db)
                report = existing
            } else {
                report = try CongressReport(plan: planID, period: period, content: content, by: actor.username, at: now)
                try await report.create(on: tx.db)
            }
            tx.record(.congressDraft, .plan, planID, after: ["period": period, "drafted": "data"])
            return report
        }
    }

    struct Edit: Content {
        var title: String
        var resolutions: String
        var work: String
        var problems: String
        var other: String
    }

    /// Staff's words for the draft; the table of targets stays as drafted from the data.
    static func save(_ id: UUID, _ e: Edit, actor: User, on store: Store, now: Date) async throws {
        guard actor.role == .admin else { throw LuoshiError.forbidden(reason: "只有督查办可以修改报告 (staff only)") }
        func clean(_ s: String, _ field: String, max: Int) throws -> String {
            let t = s.storable.trimmingCharacters(in: .whitespacesAndNewlines)
            guard t.count <= max else { throw LuoshiError.invalid(field: field, reason: "最多 \(max) 字") }
            return t
        }
        // One line, whatever the text box held.
        let title = try clean(String(e.title.filter { !$0.isNewline }), "标题", max: 200)
        guard !title.isEmpty else { throw LuoshiError.invalid(field: "标题", reason: "不能为空 (required)") }
        let parts = (
            try clean(e.resolutions, "第一部分", max: 20_000), try clean(e.work, "第二部分", max: 50_000),
            try clean(e.problems, "第三部分", max: 20_000), try clean(e.other, "第四部分", max: 20_000)
        )
        guard let found = try await CongressReport.find(id, on: store.db) else {
            throw LuoshiError.notFound(entity: "报告", id: id.uuidString)
        }
        try await store.write(.plan(found.$plan.id), actor: actor.username, at: now) { tx in
            guard let r = try await CongressReport.find(id, on: tx.db), var content = r.content else {
                throw LuoshiError.notFound(entity: "报告", id: id.uuidString)
            }
            guard !r.issued else { throw LuoshiError.conflict(reason: "报告已印发，不能修改 (issued: no more changes)") }
            content.title = title
            (content.resolutions, content.work, content.problems, content.other) = parts
            r.contentJSON = String(decoding: try JSONEncoder().encode(content), as: UTF8.self)
            try await r.save(on: tx.db)
            tx.record(.congressDraft, .plan, r.$plan.id, after: ["period": r.period, "drafted": "edited"])
        }
    }

    static func issue(_ id: UUID, actor: User, on store: Store, now: Date) async throws {
        guard actor.role == .admin else { throw LuoshiError.forbidden(reason: "只有督查办可以印发报告 (staff only)") }
        guard let found = try await CongressReport.find(id, on: store.db) else {
            throw LuoshiError.notFound(entity: "报告", id: id.uuidString)
        }
        try await store.write(.plan(found.$plan.id), actor: actor.username, at: now) { tx in
            guard let r = try await CongressReport.find(id, on: tx.db) else {
                throw LuoshiError.notFound(entity: "报告", id: id.uuidString)
            }
            guard !r.issued else { throw LuoshiError.conflict(reason: "报告已印发 (already issued)") }
            r.issued = true
            r.issuedBy = actor.username
            r.issuedAt = now
            try await r.save(on: tx.db)
            tx.record(
                .congressIssue, .plan, r.$plan.id,
                after: ["period": r.period, "sha256": Fingerprint.sha256Hex(Array(r.contentJSON.utf8))])
        }
    }

    /// The report as Word, in the 公文 style of the 月通报.
    static func docx(_ c: CongressReportContent, issuer: String, issued: Date?) throws -> Data {
        typealias D = FormattedDocument
        func paragraphs(_ text: String) -> [D.Block] {
            text.split(whereSeparator: \.isNewline).map { .paragraph([D.Run(String($0))], firstLineIndent: true) }
        }
        var blocks: [D.Block] = [
            .paragraph([D.Run(c.title, bold: true, size: 22, font: "方正小标宋简体")], align: .center, spaceAfter: 240),
            .paragraph(
                [
                    D.Run(
                        "\(issuer)人民政府" + (issued.map { "    " + CivilDay($0, calendar: .beijing).chinese } ?? "（草稿）"),
                        size: 14)
                ],
                align: .center, spaceAfter: 240),
            .paragraph([D.Run("一、执行人大决议和主要目标的情况", bold: true, font: "黑体")]),
        ]
        blocks += paragraphs(c.resolutions)
        if !c.targets.isEmpty {
            blocks.append(
                .table(
                    rows: [["指标", "计划目标", "实际完成", "完成率"]] + c.targets.map { [$0.target, $0.plan, $0.actual, $0.rate] },
                    widths: [3000, 2600, 2000, 1400], size: 11))
        }
        blocks.append(.paragraph([D.Run("二、各领域工作进展", bold: true, font: "黑体")]))
        blocks += paragraphs(c.work)
        blocks.append(.paragraph([D.Run("三、存在的问题和下一步打算", bold: true, font: "黑体")]))
        blocks += paragraphs(c.problems)
        blocks.append(.paragraph([D.Run("四、其他事项", bold: true, font: "黑体")]))
        blocks += paragraphs(c.other.isEmpty ? "无。" : c.other)
        return try FormattedDocument.docx(blocks)
    }
}
