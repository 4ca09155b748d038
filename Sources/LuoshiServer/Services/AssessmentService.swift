import Fluent
import Foundation
import LuoshiCore
import OfficeOpenXML
import SQLKit
import Vapor

/// The facts a 考核 scores, gathered from the stored plan as they stood at the end of a day (the period's
/// end, or earlier): nothing filed, accepted or issued after it counts, so a score at a date is the same
/// whenever it is computed. The scoring itself is `Assessment.score`.
enum AssessmentService {
    struct Result: Sendable, Codable {
        var planTitle: String
        var at: CivilDay
        var scheme: AssessmentScheme
        var scores: [Assessment.UnitScore]
    }

    /// Scores the plan's units for `period` as of `day`, by the plan's latest scheme unless one is given.
    static func score(
        plan: Plan, period: String, at day: CivilDay, scheme given: AssessmentScheme? = nil,
        reviews: [UUID: [String: Assessment.Review]] = [:], on db: any Database
    ) async throws -> Result {
        let scheme: AssessmentScheme
        if let given { scheme = given } else { scheme = try await Self.scheme(for: plan.requireID(), on: db) }
        if let problem = scheme.problem { throw LuoshiError.invalid(field: "考核方案", reason: problem) }
        var facts = try await facts(plan: plan, at: day, on: db)
        try await addEntries(to: &facts, plan: plan.requireID(), period: period, on: db)
        return Result(
            planTitle: plan.title, at: day, scheme: scheme,
            scores: Assessment.score(scheme, facts, at: day, reviews: reviews))
    }

    /// Every unit that answers for an item of the plan (lead or cooperating), with its items, its
    /// supervision record and what people entered.
    static func facts(plan: Plan, at day: CivilDay, on db: any Database) async throws -> [Assessment.UnitFacts] {
        let calendar = Calendar.beijing
        let end = day.adding(days: 1).start(in: calendar)
        let planID = try plan.requireID()
        let items = try await PlanRows.liveItems(plan: planID, on: db)
        let byID = Dictionary(uniqueKeysWithValues: items.map { ($0.id!, $0) })
        let assignments = try await PlanRows.assignments(plan: planID, on: db)
        // In filing order.
        let reports = try await PlanRows.reportFacts(plan: planID, on: db).filter { $0.submittedAt < end }
        // A report accepted after the day did not count on it.
        let accepted = reports.filter { $0.state == .accepted && ($0.reviewedAt ?? $0.submittedAt) < end }
        let milestones = try await Milestone.query(on: db).filter(\.$item.$id ~~ items.compactMap(\.id))
            .sort(\.$plannedDate).all()
        let snapshot = PlanSnapshot.compute(
            plan: plan, items: items, assignments: assignments, acceptedFacts: accepted, milestones: milestones,
            now: end.addingTimeInterval(-1))
        let rules = try await Notices.rules(for: planID, on: db)
        // Only what the score counts of each notice: a plan's year of notices decoded whole by Fluent was a
        // third of the time.
        let notices = try await (db as! any SQLDatabase).select()
            .columns("unit_id", "level", "escalation", "respond_by", "year", "serial").from(SupervisionNotice.schema)
            .where("plan_id", .equal, planID).where("issued_at", .lessThan, end).orderBy("serial").all()
            .map { row in
                (
                    unit: try row.decode(column: "unit_id", as: UUID.self),
                    level: try row.decode(column: "level", as: NoticeLevel.self),
                    // Escalated the day after its response was due: one due on or after the day had not been yet.
                    escalated: try row.decode(column: "escalation", as: Int.self) > 0
                        && CivilDay(try row.decode(column: "respond_by", as: Date.self), calendar: calendar) < day,
                    number: NoticeNumber.format(
                        year: try row.decode(column: "year", as: Int.self),
                        serial: try row.decode(column: "serial", as: Int.self))
                )
            }
        let answering = Set(assignments.flatMap { a in [a.$leadUnit.id].compactMap { $0 } + a.cooperating })
        let units = Dictionary(
            uniqueKeysWithValues: try await Organization.query(on: db).filter(\.$id ~~ answering).all().map {
                ($0.id!, $0)
            })

        // The day each item was done: its first accepted report that says so.
        var finished: [UUID: CivilDay] = [:]
        var sources: [UUID: [String]] = [:]
        for r in accepted {
            let id = r.item
            sources[id, default: []].append(r.period)
            guard finished[id] == nil, let item = byID[id] else { continue }
            let done =
                (r.percentComplete ?? 0) >= 100 || r.milestone == "完成"
                || (item.targetSpec.flatMap { spec in r.actualValue.map { StatusRules.targetProgress(spec, actual: $0) }
                }
                    ?? 0) >= 1
            if done { finished[id] = CivilDay(r.submittedAt, calendar: calendar) }
        }
        let firstFiled = FirstFilings(
            reports.lazy.filter { !$0.returned(before: end) }.map { ($0.item, $0.unit, $0.period, $0.submittedAt) },
            calendar: calendar)

        var facts: [UUID: Assessment.UnitFacts] = [:]
        func unit(_ id: UUID) -> Assessment.UnitFacts? {
            if let f = facts[id] { return f }
            guard let u = units[id] else { return nil }
            return Assessment.UnitFacts(
                unit: id, name: u.name, group: u.kind.chinese, items: [], records: [], entries: [], survey: nil)
        }
        // In the plan's order: the database returns assignments in no set order (PostgreSQL's changes as rows
        // are rewritten), and a line's key names its place among lines of the same subject.
        let ordered = assignments.sorted { a, b in
            let x = byID[a.$item.id], y = byID[b.$item.id]
            return (x?.position ?? .max, x?.code ?? "") < (y?.position ?? .max, y?.code ?? "")
        }
        for a in ordered {
            guard let item = byID[a.$item.id], PlanSnapshot.isLeaf(item) else { continue }
            let cooperating = a.cooperating
            let words = item.kind == .target ? (item.subject ?? item.title) : item.title
            func fact(lead: Bool) -> Assessment.ItemFact {
                Assessment.ItemFact(
                    code: item.code, title: words, weight: a.weight ?? 1, lead: lead, cooperating: cooperating.count,
                    completion: snapshot.results[item.id!]?.progress ?? 0,
                    expected: snapshot.results[item.id!]?.expected ?? 1, finished: finished[item.id!],
                    due: a.dueDate.map { CivilDay($0, calendar: calendar) }, sources: sources[item.id!] ?? [])
            }
            if let lead = a.$leadUnit.id, var f = unit(lead) {
                f.items.append(fact(lead: true))
                // The lead unit reports: its periods due by the day, on time, late or not at all.
                let periods = a.duePeriods(year: plan.year, rules: rules, calendar: calendar)
                for (p, outcome) in ReportTimeliness.outcomes(
                    periods, firstFiled: firstFiled[item: item.id!, unit: lead], today: day)
                {
                    switch outcome {
                    case .onTime: break
                    case .late(let days):
                        f.records.append(.init(kind: .lateReport, source: "\(item.code) \(p.key)（晚 \(days) 天）"))
                    case .missing: f.records.append(.init(kind: .missingReport, source: "\(item.code) \(p.key)"))
                    }
                }
                facts[lead] = f
            }
            for c in cooperating {
                guard var f = unit(c) else { continue }
                f.items.append(fact(lead: false))
                facts[c] = f
            }
        }
        for r in reports where r.returned(before: end) {
            guard var f = facts[r.unit], let item = byID[r.item] else { continue }
            f.records.append(.init(kind: .returnedReport, source: "\(item.code) \(r.period)"))
            facts[r.unit] = f
        }
        for n in notices {
            guard var f = facts[n.unit] else { continue }
            switch n.level {
            case .yellow: f.records.append(.init(kind: .yellowNotice, source: n.number))
            case .red: f.records.append(.init(kind: .redNotice, source: n.number))
            case .blue: break
            }
            if n.escalated { f.records.append(.init(kind: .escalation, source: n.number)) }
            facts[n.unit] = f
        }
        return facts.values.sorted { ($0.group, $0.name) < ($1.group, $1.name) }
    }
}

extension AssessmentService {
    /// The plan's scheme: its latest version, else the standard one.
    static func scheme(for planID: UUID, on db: any Database) async throws -> AssessmentScheme {
        let latest = try await AssessmentSchemeVersion.query(on: db).filter(\.$plan.$id == planID)
            .sort(\.$version, .descending).first()
        return latest?.scheme ?? .standard
    }

    /// A version of the plan's scheme (version 1 is the standard one unless stored).
    static func scheme(for planID: UUID, version: Int, on db: any Database) async throws -> AssessmentScheme {
        let stored = try await AssessmentSchemeVersion.query(on: db).filter(\.$plan.$id == planID)
            .filter(\.$version == version).first()
        return stored?.scheme ?? .standard
    }

    /// Stores an edited scheme as the plan's next version; returns it.
    static func saveScheme(_ edited: AssessmentScheme, plan planID: UUID, actor: User, on store: Store, now: Date)
        async throws -> Int
    {
        guard actor.role == .admin else { throw LuoshiError.forbidden(reason: "只有督查办可以修改考核方案 (staff only)") }
        if let problem = edited.problem { throw LuoshiError.invalid(field: "考核方案", reason: problem) }
        return try await store.write(.plan(planID), actor: actor.username, at: now) { tx in
            let before = try await scheme(for: planID, on: tx.db)
            let latest =
                try await AssessmentSchemeVersion.query(on: tx.db).filter(\.$plan.$id == planID)
                .sort(\.$version, .descending).first()?.version ?? 0
            var next = edited
            // Version 1 is the standard scheme, stored or not: the first edit is version 2.
            next.version = max(latest, before.version) + 1
            guard next != before || latest == 0 else { return before.version }
            try await AssessmentSchemeVersion(planID: planID, scheme: next, by: actor.username, at: now).create(
                on: tx.db)
            tx.record(.assessmentScheme, .plan, planID, before: before, after: next)
            return next.version
        }
    }

    /// A 加分, 扣分, 一票否决 or 满意度 score as staff type it into the unit's page.
    struct EntryInput: Content, SchemaConstraints {
        static let constraints: [String: [(String, JSONValue)]] = [
            "reason": text(max: 2000), "decidedBy": text(max: 200), "document": text(max: 200),
        ]
        var period: String
        var kind: AssessmentEntry.Kind
        var bonusType: String?
        var points: String?
        var reason: String
        var decidedBy: String?
        var document: String?
    }

    struct EntryRecord: Encodable {
        var period: String
        var kind: AssessmentEntry.Kind
        var bonusType: String?
        var points: Double
        var reason: String
        var decidedBy: String?
        var document: String?
    }

    static func addEntry(
        _ input: EntryInput, plan planID: UUID, unit unitID: UUID, actor: User, on store: Store, now: Date
    ) async throws {
        guard actor.role == .admin else { throw LuoshiError.forbidden(reason: "只有督查办可以录入 (staff only)") }
        _ = try AssessmentPeriod.end(of: input.period)
        let reason = input.reason.storable.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !reason.isEmpty, reason.count <= 2000 else {
            throw LuoshiError.invalid(field: "理由", reason: "须写明理由，不超过 2000 字 (a reason, up to 2,000 characters)")
        }
        func clean(_ s: String?) -> String? {
            let t = s?.storable.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
            return t.isEmpty ? nil : String(t.prefix(200))
        }
        var points = try formNumber(input.points ?? "", field: "分值") ?? 0
        guard points.isFinite, (0...100).contains(points) else {
            throw LuoshiError.invalid(field: "分值", reason: "应为 0 到 100 的数 (from 0 to 100)")
        }
        let scheme = try await scheme(for: planID, on: store.db)
        var bonusType: String?
        switch input.kind {
        case .bonus:
            guard let t = clean(input.bonusType), scheme.bonusCaps[t] != nil else {
                throw LuoshiError.invalid(
                    field: "加分类型",
                    reason: "应为方案中的一类：\(scheme.bonusCaps.keys.sorted().joined(separator: "、")) (a type of the scheme)")
            }
            bonusType = t
        case .veto: points = 0
        case .deduction, .survey: break
        }
        let entry = AssessmentEntry(
            planID: planID, unitID: unitID, period: input.period, kind: input.kind, bonusType: bonusType,
            points: points,
            reason: reason, decidedBy: input.kind == .veto ? clean(input.decidedBy) : nil,
            document: input.kind == .veto ? clean(input.document) : nil, by: actor.username, at: now)
        try await store.write(.plan(planID), actor: actor.username, at: now) { tx in
            try await AssessmentRounds.requireNotFinal(plan: planID, period: input.period, on: tx.db)
            guard try await Organization.find(unitID, on: tx.db) != nil else {
                throw LuoshiError.notFound(entity: "单位", id: unitID.uuidString)
            }
            try await entry.create(on: tx.db)
            tx.record(
                .assessmentEntry, .unit, unitID,
                after: EntryRecord(
                    period: entry.period, kind: entry.kind, bonusType: entry.bonusType, points: entry.points,
                    reason: entry.reason, decidedBy: entry.decidedBy, document: entry.document))
        }
    }

    /// A 满意度测评 sheet (a column of unit names and one of scores): every row read, all written or none.
    static func importSurvey(
        rows: [[String]], plan planID: UUID, period: String, name: String, actor: User, on store: Store, now: Date
    ) async throws -> Int {
        guard actor.role == .admin else { throw LuoshiError.forbidden(reason: "只有督查办可以导入 (staff only)") }
        _ = try AssessmentPeriod.end(of: period)
        // The header: the first row with a 单位 column and a separate score column (a title row above it, 2015年各
        // 单位满意度测评结果, names both in one cell).
        func scoreWord(_ c: String) -> Bool { ["得分", "分数", "满意度", "测评"].contains { c.contains($0) } }
        func columns(_ r: [String]) -> (name: Int, score: Int)? {
            guard let n = r.firstIndex(where: { $0.contains("单位") && !scoreWord($0) }),
                let s = r.indices.first(where: { $0 != n && scoreWord(r[$0]) })
            else { return nil }
            return (n, s)
        }
        guard let h = rows.prefix(10).firstIndex(where: { columns($0) != nil }),
            let (nameColumn, scoreColumn) = columns(rows[h])
        else {
            throw LuoshiError.invalid(
                field: "测评表", reason: "前十行中找不到“单位”和“得分”两列 (no header with 单位 and 得分 in the first ten rows)")
        }
        // Units are the plan's government's, named as its sheets name them (张芝山镇·党政办 where names repeat).
        let plan = try await PlanStore.find(planID.uuidString, on: store.db)
        let names = UnitNames(try await Jurisdiction.serving(plan, on: store.db).units(on: store.db).all())
        var scores: [(UUID, Double)] = []
        var errors: [String] = []
        for (i, r) in rows.enumerated().dropFirst(h + 1) {
            let unit = r.indices.contains(nameColumn) ? r[nameColumn].trimmingCharacters(in: .whitespaces) : ""
            let text = r.indices.contains(scoreColumn) ? r[scoreColumn].trimmingCharacters(in: .whitespaces) : ""
            if unit.isEmpty && text.isEmpty { continue }
            let id: UUID
            switch names.reading(unit) {
            case .unit(let found): id = found
            case .unknown:
                errors.append("第\(i + 1)行 单位：“\(unit.prefix(30))”不是已有单位 (no such unit)")
                continue
            case .ambiguous(let labels):
                errors.append(
                    "第\(i + 1)行 单位：“\(unit.prefix(30))”有 \(labels.count) 个同名单位，请写作\(labels.prefix(3).map { "“\($0)”" }.joined(separator: "或")) (several units have this name)"
                )
                continue
            }
            if scores.contains(where: { $0.0 == id }) {
                errors.append("第\(i + 1)行 单位：“\(unit.prefix(30))”重复出现 (the unit appears twice)")
                continue
            }
            guard let v = Double(text), v.isFinite, (0...100).contains(v) else {
                errors.append("第\(i + 1)行 得分：“\(text.prefix(30))”不是 0–100 的数 (not a score from 0 to 100)")
                continue
            }
            scores.append((id, v))
        }
        guard errors.isEmpty else {
            throw LuoshiError.invalid(
                field: "测评表", reason: errors.prefix(20).joined(separator: "；") + "。未导入任何一行 (nothing imported)")
        }
        guard !scores.isEmpty else { throw LuoshiError.invalid(field: "测评表", reason: "表中没有得分 (no scores)") }
        let read = scores
        try await store.write(.plan(planID), actor: actor.username, at: now) { tx in
            try await AssessmentRounds.requireNotFinal(plan: planID, period: period, on: tx.db)
            for (unit, v) in read {
                let entry = AssessmentEntry(
                    planID: planID, unitID: unit, period: period, kind: .survey, bonusType: nil, points: v,
                    reason: "满意度测评表 \(name)", decidedBy: nil, document: nil, by: actor.username, at: now)
                try await entry.create(on: tx.db)
                tx.record(
                    .assessmentEntry, .unit, unit,
                    after: EntryRecord(
                        period: period, kind: .survey, bonusType: nil, points: v, reason: entry.reason, decidedBy: nil,
                        document: nil))
            }
        }
        return scores.count
    }

    /// What people entered for the period, onto each unit's facts: every 加分 and 扣分; the latest 一票否决
    /// and the latest 满意度 score of each unit (a later entry says more).
    static func addEntries(
        to facts: inout [Assessment.UnitFacts], plan planID: UUID, period: String, on db: any Database
    )
        async throws
    {
        let entries = try await AssessmentEntry.query(on: db).filter(\.$plan.$id == planID).filter(\.$period == period)
            .sort(\.$enteredAt).all()
        for i in facts.indices {
            let mine = entries.filter { $0.$unit.id == facts[i].unit }
            for e in mine {
                switch e.kind {
                case .bonus:
                    facts[i].entries.append(
                        .init(kind: .bonus(type: e.bonusType ?? ""), points: e.points, reason: e.reason))
                case .deduction: facts[i].entries.append(.init(kind: .deduction, points: e.points, reason: e.reason))
                case .veto, .survey: break
                }
            }
            if let veto = mine.last(where: { $0.kind == .veto }) {
                facts[i].entries.append(
                    .init(
                        kind: .veto(decidedBy: veto.decidedBy, document: veto.document), points: 0, reason: veto.reason)
                )
            }
            facts[i].survey = mine.last(where: { $0.kind == .survey })?.points
        }
    }
}

/// A 考核 period as staff name it: a year (2015) or a quarter (2015-Q2), scored as of its last day.
enum AssessmentPeriod {
    static func end(of period: String) throws -> CivilDay {
        let parts = period.split(separator: "-")
        if parts.count == 1, let year = Int(parts[0]), (1990...2100).contains(year) {
            return CivilDay(year: year, month: 12, day: 31)
        }
        if parts.count == 2, let year = Int(parts[0]), (1990...2100).contains(year), parts[1].count == 2,
            parts[1].first == "Q", let q = Int(parts[1].dropFirst()), (1...4).contains(q)
        {
            let month = q * 3
            return CivilDay(year: year, month: month, day: CivilDay.daysIn(year: year, month: month))
        }
        throw LuoshiError.invalid(field: "考核期", reason: "应为 2015 或 2015-Q2 的形式 (a year or a quarter)")
    }

    /// The score as JSON: the same lines the pages show, for a spreadsheet or another program.
    struct Document: Encodable {
        struct Unit: Encodable {
            struct Line: Encodable {
                var category: String
                var subject: String
                var rule: String
                var ruleEnglish: String
                var sources: [String]
                var points: Double
            }
            var unit: UUID
            var name: String
            var group: String
            var total: Double
            var rank: Int
            var groupSize: Int
            var grade: AssessmentGrade
            var vetoed: Bool
            var lines: [Line]
        }
        var plan: String
        var period: String
        var at: String
        var scheme: AssessmentScheme
        var units: [Unit]
    }

    static func json(_ r: AssessmentService.Result, period: String) throws -> String {
        let doc = Document(
            plan: r.planTitle, period: period, at: Breakdown.iso(r.at), scheme: r.scheme,
            units: r.scores.map { s in
                .init(
                    unit: s.unit, name: s.name, group: s.group, total: Assessment.rounded(s.total), rank: s.rank,
                    groupSize: s.groupSize, grade: s.grade, vetoed: s.vetoed,
                    lines: s.lines.map {
                        .init(
                            category: $0.category.rawValue, subject: $0.subject, rule: $0.rule,
                            ruleEnglish: $0.ruleEnglish, sources: $0.sources, points: Assessment.rounded($0.points))
                    })
            })
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(doc), as: UTF8.self)
    }
}

/// The 考核 as a workbook: the ranking (a row a unit, by group and place) and the working (a row a line of
/// each unit's score), so the office's own spreadsheet can sum and check it.
enum AssessmentSheet {
    /// The ranking's columns; 折算 only when the scheme folds blocks or brings a group to 100.
    static func rankingHeaders(folded: Bool) -> [String] {
        ["组别", "名次", "单位", "重点工作", "共性目标", "满意度测评"] + (folded ? ["折算"] : []) + ["加分", "扣分", "合计", "等次"]
    }
    static let lineHeaders = ["单位", "类别", "事项", "计分规则", "依据", "分值"]

    static func workbook(_ r: AssessmentService.Result, period: String) -> Workbook {
        let title = "\(r.planTitle) \(period) 考核结果（截至 \(Breakdown.iso(r.at))，方案第 \(r.scheme.version) 版）"
        func points(_ v: Double) -> Cell { .number(Assessment.rounded(v)) }
        let folded = r.scores.contains { $0.points(.fold) != 0 }
        let rankingHeaders = rankingHeaders(folded: folded)
        let ranking = r.scores.map { s in
            Row(
                [
                    .text(s.group), .number(Double(s.rank)), .text(s.name), points(s.points(.work)),
                    points(s.points(.common)), points(s.points(.survey)),
                ] + (folded ? [points(s.points(.fold))] : []) + [
                    points(s.points(.bonus)), points(s.points(.deduction)), points(s.total),
                    .text(s.grade.chinese + (s.vetoed ? "（一票否决）" : "")),
                ])
        }
        let lines = r.scores.flatMap { s in
            s.lines.map { l in
                Row([
                    .text(s.name), .text(l.category.chinese), .text(l.subject), .text(l.rule),
                    .text(l.sources.joined(separator: "、")), points(l.points),
                ])
            }
        }
        let last = SpreadsheetWriter.columnName(rankingHeaders.count - 1)
        return Workbook(sheets: [
            Sheet(
                name: "考核结果",
                columns: ([8, 6, 18, 10, 10, 10] + (folded ? [8] : []) + [8, 8, 10, 14]).map { Column(width: $0) },
                rows: [Row([Cell(.text(title), .title)]), Row(rankingHeaders.map { Cell(.text($0), .header) })]
                    + ranking,
                headerRows: 2, merges: ["A1:\(last)1"]),
            Sheet(
                name: "得分明细", columns: [18, 10, 40, 50, 30, 8].map { Column(width: $0) },
                rows: [Row(lineHeaders.map { Cell(.text($0), .header) })] + lines, headerRows: 1),
        ])
    }
}

extension AssessmentSheet {
    /// The 考核结果通报 as the office circulates it, in the style of the 月通报: masthead, the counts by grade,
    /// each group's ranking, the vetoes, and where each unit finds its working.
    static func bulletin(_ r: AssessmentService.Result, period: String, issuer: String) throws -> Data {
        typealias D = FormattedDocument
        let grades = AssessmentGrade.allCases.map { g in "\(g.chinese)\(r.scores.filter { $0.grade == g }.count)个" }
        var blocks: [D.Block] = [
            .paragraph([D.Run("考核结果通报", bold: true, size: 30, colour: "C00000", font: "方正小标宋简体")], align: .center),
            .paragraph([D.Run("考核期 \(period)", size: 16)], align: .center, spaceAfter: 120),
            .paragraph(
                [D.Run("\(issuer)督查办", size: 14), D.Run("    \(r.at.chinese)", size: 14)], align: .center),
            .rule(colour: "C00000"),
            .paragraph(
                [D.Run("\(r.planTitle)考核结果", bold: true, size: 20, font: "黑体")], align: .center, spaceAfter: 240),
            .paragraph(
                [
                    D.Run(
                        "按照考核方案（第\(r.scheme.version)版），以截至\(r.at.chinese)的报送、督办记录和录入的加分、扣分、满意度测评结果，"
                            + "对\(r.scores.count)个单位进行了考核：\(grades.joined(separator: "、"))。现将结果通报如下。")
                ], firstLineIndent: true, spaceAfter: 120),
        ]
        let numerals = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"]
        func p(_ v: Double) -> String { String(format: "%.2f", Assessment.rounded(v)) }
        let folded = r.scores.contains { $0.points(.fold) != 0 }
        for (i, group) in Set(r.scores.map(\.group)).sorted().enumerated() {
            blocks.append(.paragraph([D.Run("\(numerals[min(i, 9)])、\(group)", bold: true, font: "黑体")]))
            blocks.append(
                .table(
                    rows: [["名次", "单位", "重点工作", "共性目标", "满意度"] + (folded ? ["折算"] : []) + ["加分", "扣分", "合计", "等次"]]
                        + r.scores.filter { $0.group == group }.map { s in
                            ["\(s.rank)", s.name, p(s.points(.work)), p(s.points(.common)), p(s.points(.survey))]
                                + (folded ? [p(s.points(.fold))] : []) + [
                                    p(s.points(.bonus)), p(s.points(.deduction)), p(s.total),
                                    s.grade.chinese + (s.vetoed ? "（否决）" : ""),
                                ]
                        },
                    widths: folded
                        ? [600, 1800, 900, 900, 800, 800, 700, 700, 800, 1000]
                        : [700, 2000, 1000, 1000, 900, 800, 800, 900, 1100], size: 11))
        }
        let vetoed = r.scores.filter(\.vetoed)
        if !vetoed.isEmpty {
            blocks.append(
                .paragraph(
                    [
                        D.Run(
                            "实行一票否决的单位："
                                + vetoed.map { s in
                                    let rule =
                                        s.lines.first { $0.category == .veto && $0.rule.hasPrefix("已决定") }?.rule ?? ""
                                    return s.name + (rule.isEmpty ? "" : "（\(rule.dropFirst(3).prefix { $0 != "）" })）")
                                }.joined(separator: "；") + "。")
                    ], firstLineIndent: true))
        }
        blocks.append(
            .paragraph(
                [D.Run("各单位可在落实系统本单位的考核页面查看每一分的来源。对结果有异议的，请在公示期内向督查办提出。")],
                firstLineIndent: true, spaceAfter: 240))
        return try FormattedDocument.docx(blocks)
    }
}
