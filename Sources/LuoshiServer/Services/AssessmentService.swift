import Fluent
import Foundation
import LuoshiCore

/// The facts a 考核 scores, gathered from the stored plan as they stood at the end of a day (the period's
/// end, or earlier): nothing filed, accepted or issued after it counts, so a score at a date is the same
/// whenever it is computed. The scoring itself is `Assessment.score`.
enum AssessmentService {
    struct Result: Sendable {
        var planTitle: String
        var at: CivilDay
        var scheme: AssessmentScheme
        var scores: [Assessment.UnitScore]
    }

    static func score(plan: Plan, at day: CivilDay, scheme: AssessmentScheme = .standard, on db: any Database)
        async throws -> Result
    {
        if let problem = scheme.problem { throw LuoshiError.invalid(field: "考核方案", reason: problem) }
        let facts = try await facts(plan: plan, at: day, on: db)
        return Result(
            planTitle: plan.title, at: day, scheme: scheme, scores: Assessment.score(scheme, facts, at: day))
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
        let reports = try await PlanRows.reports(plan: planID, unit: nil, acceptedOnly: false, on: db).filter {
            $0.submittedAt < end
        }
        // A report accepted after the day did not count on it.
        let accepted = reports.filter { $0.state == .accepted && ($0.reviewedAt ?? $0.submittedAt) < end }
            .sorted { $0.submittedAt < $1.submittedAt }
        let milestones = try await Milestone.query(on: db).filter(\.$item.$id ~~ items.compactMap(\.id))
            .sort(\.$plannedDate).all()
        let snapshot = PlanSnapshot.compute(
            plan: plan, items: items, assignments: assignments, accepted: accepted, milestones: milestones,
            now: end.addingTimeInterval(-1))
        let rules = try await Notices.rules(for: planID, on: db)
        let notices = try await SupervisionNotice.query(on: db).filter(\.$plan.$id == planID)
            .filter(\.$issuedAt < end).sort(\.$serial).all()
        let units = try await Organization.query(on: db).all()

        // The day each item was done: its first accepted report that says so.
        var finished: [UUID: CivilDay] = [:]
        var sources: [UUID: [String]] = [:]
        for r in accepted {
            let id = r.$item.id
            sources[id, default: []].append(r.period)
            guard finished[id] == nil, let item = byID[id] else { continue }
            let done =
                (r.percentComplete ?? 0) >= 100 || r.milestone == "完成"
                || (item.targetSpec.flatMap { spec in r.actualValue.map { StatusRules.targetProgress(spec, actual: $0) }
                }
                    ?? 0) >= 1
            if done { finished[id] = CivilDay(r.submittedAt, calendar: calendar) }
        }
        // When each unit first filed for each period of each item (returned reports must be filed again).
        var firstFiled: [String: [String: CivilDay]] = [:]
        for r in reports where !r.wasReturned {
            let key = "\(r.$item.id)|\(r.$unit.id)"
            let d = CivilDay(r.submittedAt, calendar: calendar)
            firstFiled[key, default: [:]][r.period] = min(firstFiled[key]?[r.period] ?? d, d)
        }

        var facts: [UUID: Assessment.UnitFacts] = [:]
        func unit(_ id: UUID) -> Assessment.UnitFacts? {
            if let f = facts[id] { return f }
            guard let u = units.first(where: { $0.id == id }) else { return nil }
            return Assessment.UnitFacts(
                unit: id, name: u.name, group: u.kind.chinese, items: [], records: [], entries: [], survey: nil)
        }
        for a in assignments {
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
                    periods, firstFiled: firstFiled["\(item.id!)|\(lead)"] ?? [:], today: day)
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
        for r in reports where r.wasReturned {
            guard var f = facts[r.$unit.id], let item = byID[r.$item.id] else { continue }
            f.records.append(.init(kind: .returnedReport, source: "\(item.code) \(r.period)"))
            facts[r.$unit.id] = f
        }
        for n in notices {
            guard var f = facts[n.$unit.id] else { continue }
            switch n.level {
            case .yellow: f.records.append(.init(kind: .yellowNotice, source: n.number))
            case .red: f.records.append(.init(kind: .redNotice, source: n.number))
            case .blue: break
            }
            if n.escalation > 0 { f.records.append(.init(kind: .escalation, source: n.number)) }
            facts[n.$unit.id] = f
        }
        return facts.values.sorted { ($0.group, $0.name) < ($1.group, $1.name) }
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
