import Foundation

/// 考核: each unit's score from what Luoshi already knows (the plan's items, the supervision record) and
/// what only people know (加分, 扣分, 一票否决, the 满意度测评), every point with its origin. Pure: the
/// server gathers the facts, pages, the CLI and exports show the same lines.

/// How a plan's units are scored; a score always names the scheme's version.
public struct AssessmentScheme: Codable, Sendable, Equatable {
    public var version: Int
    /// The categories' points: 重点工作 (the plan's items), 共性目标 (抓落实: the supervision record), 满意度测评.
    public var workPoints: Double
    public var commonPoints: Double
    public var surveyPoints: Double
    /// Of an item's points, the share for being done on time; the rest is for how much is done.
    public var timelinessShare: Double
    /// The timeliness an item loses a day late (done late, or still open past its due date).
    public var latenessPerDay: Double
    /// How much is done: in proportion to the completion rate (capped at 100%), or all or nothing.
    public var completion: CompletionRule
    /// The lead unit's share of an item with cooperating units; they share the rest equally.
    public var leadShare: Double
    /// Points taken from 共性目标 for each record, counted, never typed.
    public var deductions: Deductions
    /// 加分 by type, each with its cap; and a cap on all of them together.
    public var bonusCaps: [String: Double]
    public var bonusCap: Double
    /// Grades by total, with the rule offices use for 优秀: at least `excellent` and within the best
    /// `excellentShare` of the unit's group.
    public var grades: GradeRules
    /// Blocks folded together, as some schemes score 个性指标 and 共性指标 each out of their own points and then
    /// take 70% and 30% of them. Empty: the categories' points are the total's parts as they stand.
    public var blocks: [Block] = []
    /// Categories a group does not have (村 with no 满意度测评): its units are scored on what is left, normalised
    /// to 100 so groups with different maxima compare.
    public var groupExclusions: [String: [Assessment.Category]] = [:]

    public struct Block: Codable, Sendable, Equatable {
        public var name: String
        /// Of `work`, `common` and `survey`; each is in one block.
        public var categories: [Assessment.Category]
        /// The block's part of the total, 0–1; the blocks' parts add up to 1.
        public var share: Double

        /// The block in English: its categories' names (its own name is Chinese words from the form).
        public var englishName: String { categories.map(\.english).joined(separator: " + ") }

        public init(name: String, categories: [Assessment.Category], share: Double) {
            self.name = name
            self.categories = categories
            self.share = share
        }
    }

    /// The categories the folding and the normalising are about: the scored ones.
    public static let scoredCategories: [Assessment.Category] = [.work, .common, .survey]

    public func points(_ c: Assessment.Category) -> Double {
        switch c {
        case .work: return workPoints
        case .common: return commonPoints
        case .survey: return surveyPoints
        default: return 0
        }
    }

    /// The blocks as scored: the stated ones, or all three categories as one block worth the whole.
    var effectiveBlocks: [Block] {
        blocks.isEmpty ? [Block(name: "", categories: Self.scoredCategories, share: 1)] : blocks
    }

    public enum CompletionRule: String, Codable, Sendable, Equatable {
        case proportional, doneOrNot
    }

    public struct Deductions: Codable, Sendable, Equatable {
        public var lateReport: Double
        public var missingReport: Double
        public var returnedReport: Double
        public var yellowNotice: Double
        public var redNotice: Double
        public var escalation: Double

        public init(
            lateReport: Double, missingReport: Double, returnedReport: Double, yellowNotice: Double, redNotice: Double,
            escalation: Double
        ) {
            self.lateReport = lateReport
            self.missingReport = missingReport
            self.returnedReport = returnedReport
            self.yellowNotice = yellowNotice
            self.redNotice = redNotice
            self.escalation = escalation
        }

        public func points(_ kind: Assessment.RecordKind) -> Double {
            switch kind {
            case .lateReport: return lateReport
            case .missingReport: return missingReport
            case .returnedReport: return returnedReport
            case .yellowNotice: return yellowNotice
            case .redNotice: return redNotice
            case .escalation: return escalation
            }
        }
    }

    public struct GradeRules: Codable, Sendable, Equatable {
        public var excellent: Double
        public var good: Double
        public var pass: Double
        /// 优秀 goes to at most this share of a group's units (rounded up), best first.
        public var excellentShare: Double
        /// And, when set, to at most this many of a group's units (前 N 名).
        public var excellentTop: Int? = nil
        /// The best grade a decided 一票否决 leaves (不合格 in most schemes; 合格 in some, which bar only 优秀 and 良好).
        public var vetoCap: AssessmentGrade = .fail

        public init(
            excellent: Double, good: Double, pass: Double, excellentShare: Double, excellentTop: Int? = nil,
            vetoCap: AssessmentGrade = .fail
        ) {
            self.excellent = excellent
            self.good = good
            self.pass = pass
            self.excellentShare = excellentShare
            self.excellentTop = excellentTop
            self.vetoCap = vetoCap
        }

        enum CodingKeys: String, CodingKey { case excellent, good, pass, excellentShare, excellentTop, vetoCap }

        /// Schemes stored before `excellentTop` and `vetoCap` existed read as they scored then.
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            excellent = try c.decode(Double.self, forKey: .excellent)
            good = try c.decode(Double.self, forKey: .good)
            pass = try c.decode(Double.self, forKey: .pass)
            excellentShare = try c.decode(Double.self, forKey: .excellentShare)
            excellentTop = try c.decodeIfPresent(Int.self, forKey: .excellentTop)
            vetoCap = try c.decodeIfPresent(AssessmentGrade.self, forKey: .vetoCap) ?? .fail
        }

        /// How many of a group of `size` may be 优秀: the share, rounded up, and no more than the top N.
        public func excellentQuota(_ size: Int) -> Int {
            let byShare = Int((excellentShare * Double(size)).rounded(.up))
            return excellentTop.map { min($0, byShare) } ?? byShare
        }
    }

    public init(
        version: Int, workPoints: Double, commonPoints: Double, surveyPoints: Double, timelinessShare: Double,
        latenessPerDay: Double, completion: CompletionRule, leadShare: Double, deductions: Deductions,
        bonusCaps: [String: Double], bonusCap: Double, grades: GradeRules
    ) {
        self.version = version
        self.workPoints = workPoints
        self.commonPoints = commonPoints
        self.surveyPoints = surveyPoints
        self.timelinessShare = timelinessShare
        self.latenessPerDay = latenessPerDay
        self.completion = completion
        self.leadShare = leadShare
        self.deductions = deductions
        self.bonusCaps = bonusCaps
        self.bonusCap = bonusCap
        self.grades = grades
    }

    enum CodingKeys: String, CodingKey {
        case version, workPoints, commonPoints, surveyPoints, timelinessShare, latenessPerDay, completion, leadShare
        case deductions, bonusCaps, bonusCap, grades, blocks, groupExclusions
    }

    /// Schemes stored before blocks and group exclusions existed read as they scored then.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        version = try c.decode(Int.self, forKey: .version)
        workPoints = try c.decode(Double.self, forKey: .workPoints)
        commonPoints = try c.decode(Double.self, forKey: .commonPoints)
        surveyPoints = try c.decode(Double.self, forKey: .surveyPoints)
        timelinessShare = try c.decode(Double.self, forKey: .timelinessShare)
        latenessPerDay = try c.decode(Double.self, forKey: .latenessPerDay)
        completion = try c.decode(CompletionRule.self, forKey: .completion)
        leadShare = try c.decode(Double.self, forKey: .leadShare)
        deductions = try c.decode(Deductions.self, forKey: .deductions)
        bonusCaps = try c.decode([String: Double].self, forKey: .bonusCaps)
        bonusCap = try c.decode(Double.self, forKey: .bonusCap)
        grades = try c.decode(GradeRules.self, forKey: .grades)
        blocks = try c.decodeIfPresent([Block].self, forKey: .blocks) ?? []
        groupExclusions = try c.decodeIfPresent([String: [Assessment.Category]].self, forKey: .groupExclusions) ?? [:]
    }

    /// 重点工作 60, 共性目标 20, 满意度 20, as many 目标管理绩效考核 schemes split them.
    public static let standard = AssessmentScheme(
        version: 1, workPoints: 60, commonPoints: 20, surveyPoints: 20, timelinessShare: 0.2, latenessPerDay: 0.02,
        completion: .proportional, leadShare: 0.7,
        deductions: Deductions(
            lateReport: 0.5, missingReport: 1, returnedReport: 0.5, yellowNotice: 1, redNotice: 2, escalation: 1),
        bonusCaps: ["上级表彰": 3, "创新工作": 2, "经验推广": 2], bonusCap: 5,
        grades: GradeRules(excellent: 90, good: 80, pass: 60, excellentShare: 0.3))

    /// The scheme in a sentence, for the ranking's head: the categories' points, any folding, any group's
    /// categories left out.
    public var summary: (chinese: String, english: String) {
        let n = Assessment.number
        var zh = "重点工作 \(n(workPoints)) 分、共性目标 \(n(commonPoints)) 分、满意度测评 \(n(surveyPoints)) 分"
        var en = "key work \(n(workPoints)), common goals \(n(commonPoints)), survey \(n(surveyPoints)) points"
        if !blocks.isEmpty {
            zh +=
                "，按板块折算（"
                + blocks.map { b in
                    "\(b.name) \(Assessment.pct(b.share))"
                }.joined(separator: "、") + "）"
            // In English a block is named by its categories: its name is the form's Chinese words.
            en +=
                ", folded by block ("
                + blocks.map { $0.englishName + " \(Assessment.pct($0.share))" }.joined(separator: ", ") + ")"
        }
        for (group, away) in groupExclusions.sorted(by: { $0.key < $1.key }) where !away.isEmpty {
            zh += "；\(group)不计" + away.map(\.chinese).joined(separator: "、") + "，折算为百分制"
            let groupEnglish = OrganizationKind.allCases.first { $0.chinese == group }?.english ?? "a group"
            en += "; \(groupEnglish) without " + away.map(\.english).joined(separator: ", ") + ", brought to 100"
        }
        return (zh + "。另计加分、扣分。", en + ". Bonuses and deductions on top.")
    }

    /// What is wrong with a scheme, or nil: staff edit schemes, and a score from a broken one is no score.
    public var problem: String? {
        let numbers = [
            workPoints, commonPoints, surveyPoints, timelinessShare, latenessPerDay, leadShare, bonusCap,
            deductions.lateReport, deductions.missingReport, deductions.returnedReport, deductions.yellowNotice,
            deductions.redNotice, deductions.escalation, grades.excellent, grades.good, grades.pass,
            grades.excellentShare,
        ]
        if numbers.contains(where: { !$0.isFinite || $0 < 0 || $0 > 1000 })
            || bonusCaps.values.contains(where: {
                !$0.isFinite || $0 < 0 || $0 > 1000
            })
        {
            return "分值应为 0 到 1000 的数 (points from 0 to 1000)"
        }
        if blocks.isEmpty {
            if abs(workPoints + commonPoints + surveyPoints - 100) > 0.001 {
                return "三类分值之和应为 100 (the categories add up to 100)"
            }
        } else {
            let listed = blocks.flatMap(\.categories)
            if listed.sorted(by: { $0.rawValue < $1.rawValue })
                != Self.scoredCategories.sorted(by: { $0.rawValue < $1.rawValue })
            {
                return "重点工作、共性目标、满意度测评各归一个板块 (each category in one block)"
            }
            if blocks.contains(where: { !$0.share.isFinite || $0.share <= 0 })
                || abs(blocks.reduce(0) { $0 + $1.share } - 1) > 0.001
            {
                return "各板块折算比例之和应为 100% (the blocks' shares add up to 100%)"
            }
            if blocks.contains(where: { b in b.categories.reduce(0) { $0 + points($1) } <= 0 }) {
                return "每个板块的满分应大于 0 (each block has points)"
            }
        }
        if groupExclusions.values.contains(where: { cs in
            cs.contains { !Self.scoredCategories.contains($0) } || Set(cs).isSuperset(of: Self.scoredCategories)
        }) {
            return "一组至多不计两类，且只能是重点工作、共性目标、满意度测评 (a group leaves out at most two scored categories)"
        }
        if let top = grades.excellentTop, top < 0 || top > 100_000 {
            return "优秀名额应为 0 到 100000 (the excellent places from 0)"
        }
        if timelinessShare > 1 || leadShare > 1 || grades.excellentShare > 1 || latenessPerDay > 1 {
            return "比例应在 0 到 1 之间 (shares from 0 to 1)"
        }
        if !(grades.excellent >= grades.good && grades.good >= grades.pass) {
            return "等次分数线应为 优秀 ≥ 良好 ≥ 合格 (thresholds must descend)"
        }
        return nil
    }
}

public enum AssessmentGrade: String, Codable, Sendable, CaseIterable, Comparable, Named {
    case excellent, good, pass, fail

    public var chinese: String {
        switch self {
        case .excellent: return "优秀"
        case .good: return "良好"
        case .pass: return "合格"
        case .fail: return "不合格"
        }
    }

    public var english: String {
        switch self {
        case .excellent: return "Excellent"
        case .good: return "Good"
        case .pass: return "Pass"
        case .fail: return "Fail"
        }
    }

    var rank: Int { AssessmentGrade.allCases.firstIndex(of: self)! }
    public static func < (a: AssessmentGrade, b: AssessmentGrade) -> Bool { a.rank > b.rank }
}

public enum Assessment {
    /// A unit's part in one item.
    public struct ItemFact: Sendable, Equatable {
        public var code: String
        public var title: String
        public var weight: Double
        /// Lead, or one of `cooperating` cooperating units.
        public var lead: Bool
        public var cooperating: Int
        /// How much is done, 0–1 (a target's rate from its baseline, a task's percent complete), and how much
        /// should be by the day scored (1 at the year's end): a quarter's assessment asks for its share only.
        public var completion: Double
        public var expected: Double
        /// The day it was done (the accepted report that said so), if it was.
        public var finished: CivilDay?
        public var due: CivilDay?
        /// The reports the completion comes from (their periods), for the working.
        public var sources: [String]

        public init(
            code: String, title: String, weight: Double, lead: Bool, cooperating: Int, completion: Double,
            expected: Double = 1, finished: CivilDay?, due: CivilDay?, sources: [String]
        ) {
            self.expected = expected
            self.code = code
            self.title = title
            self.weight = weight
            self.lead = lead
            self.cooperating = cooperating
            self.completion = completion
            self.finished = finished
            self.due = due
            self.sources = sources
        }
    }

    public enum RecordKind: String, Codable, Sendable, CaseIterable {
        case lateReport, missingReport, returnedReport, yellowNotice, redNotice, escalation

        public var chinese: String {
            switch self {
            case .lateReport: return "逾期报送"
            case .missingReport: return "未报送"
            case .returnedReport: return "报送被退回"
            case .yellowNotice: return "黄牌督办"
            case .redNotice: return "红牌督办"
            case .escalation: return "督办升级"
            }
        }

        public var english: String {
            switch self {
            case .lateReport: return "late report"
            case .missingReport: return "missing report"
            case .returnedReport: return "returned report"
            case .yellowNotice: return "yellow notice"
            case .redNotice: return "red notice"
            case .escalation: return "escalated notice"
            }
        }
    }

    /// One record of the supervision record that costs points: which, and where it is (a report's period
    /// and item, a notice's number).
    public struct Record: Sendable, Equatable {
        public var kind: RecordKind
        public var source: String

        public init(kind: RecordKind, source: String) {
            self.kind = kind
            self.source = source
        }
    }

    /// What people enter, with reason and evidence.
    public struct Entry: Sendable, Equatable {
        public enum Kind: Sendable, Equatable {
            /// 加分 of a type the scheme caps.
            case bonus(type: String)
            case deduction
            /// 一票否决: applies only once a decision is recorded (who decided, the document).
            case veto(decidedBy: String?, document: String?)
        }

        public var kind: Kind
        public var points: Double
        public var reason: String

        public init(kind: Kind, points: Double, reason: String) {
            self.kind = kind
            self.points = points
            self.reason = reason
        }
    }

    public struct UnitFacts: Sendable, Equatable {
        public var unit: UUID
        public var name: String
        /// Units are ranked within their group (部门, 村, 社区).
        public var group: String
        public var items: [ItemFact]
        public var records: [Record]
        public var entries: [Entry]
        /// The 满意度测评 score, 0–100, when one was imported.
        public var survey: Double?

        public init(
            unit: UUID, name: String, group: String, items: [ItemFact], records: [Record], entries: [Entry],
            survey: Double?
        ) {
            self.unit = unit
            self.name = name
            self.group = group
            self.items = items
            self.records = records
            self.entries = entries
            self.survey = survey
        }
    }

    public enum Category: String, Codable, Sendable, CaseIterable {
        case work, common, survey, fold, bonus, deduction, veto

        public var chinese: String {
            switch self {
            case .work: return "重点工作"
            case .common: return "共性目标"
            case .survey: return "满意度测评"
            case .fold: return "折算"
            case .bonus: return "加分"
            case .deduction: return "扣分"
            case .veto: return "一票否决"
            }
        }

        public var english: String {
            switch self {
            case .work: return "Key work"
            case .common: return "Common goals"
            case .survey: return "Satisfaction survey"
            case .fold: return "Brought to 100"
            case .bonus: return "Bonus"
            case .deduction: return "Deduction"
            case .veto: return "Veto"
            }
        }
    }

    /// One line of a unit's score: what, by which rule, from which records, how many points.
    public struct Line: Sendable, Equatable, Codable {
        public var category: Category
        public var subject: String
        public var rule: String
        public var ruleEnglish: String
        public var sources: [String]
        public var points: Double
        /// What staff's 复核 changed, when it did: the points computed, and why they were changed.
        public var computed: Double? = nil
        public var review: String? = nil

        /// The line's name among the unit's lines: its category and subject, and which of the same it is.
        public func key(_ occurrence: Int) -> String { "\(category.rawValue)|\(subject)|\(occurrence)" }
    }

    /// Staff's 复核 of a line: the points it should have, and why.
    public struct Review: Sendable, Equatable {
        public var points: Double
        public var reason: String

        public init(points: Double, reason: String) {
            self.points = points
            self.reason = reason
        }
    }

    /// The lines' keys, in order (`Line.key` with each line's occurrence counted).
    public static func keys(_ lines: [Line]) -> [String] {
        var seen: [String: Int] = [:]
        return lines.map { l in
            let base = "\(l.category.rawValue)|\(l.subject)"
            let n = seen[base, default: 0]
            seen[base] = n + 1
            return l.key(n)
        }
    }

    public struct UnitScore: Sendable, Equatable, Codable {
        public var unit: UUID
        public var name: String
        public var group: String
        public var schemeVersion: Int
        public var lines: [Line]
        public var total: Double
        /// 1 the best of its group; units with the same total share a place.
        public var rank: Int
        public var groupSize: Int
        public var grade: AssessmentGrade
        public var vetoed: Bool

        public func points(_ c: Category) -> Double { lines.filter { $0.category == c }.reduce(0) { $0 + $1.points } }
    }

    /// The points of an item for a unit, out of 1, and the words of the rule that gave them.
    static func itemScore(_ f: ItemFact, _ s: AssessmentScheme, at day: CivilDay) -> (
        score: Double, completion: Double, timeliness: Double, late: Int
    ) {
        // Done against what should be done by the day: nothing expected yet is nothing owed.
        let rate = f.expected <= 0 ? 1 : min(max(f.completion, 0) / f.expected, 1)
        let completion = s.completion == .doneOrNot ? (f.finished != nil || rate >= 1 ? 1 : 0) : rate
        var late = 0
        if let due = f.due {
            if let done = f.finished {
                late = max(0, due.days(until: done))
            } else if day > due {
                late = due.days(until: day)
            }
        }
        let timeliness = max(0, 1 - s.latenessPerDay * Double(late))
        return ((1 - s.timelinessShare) * completion + s.timelinessShare * timeliness, completion, timeliness, late)
    }

    /// The unit's share of an item: the lead's when it has cooperating units, else all of it.
    static func share(_ f: ItemFact, _ s: AssessmentScheme) -> Double {
        guard f.cooperating > 0 else { return f.lead ? 1 : 0 }
        return f.lead ? s.leadShare : (1 - s.leadShare) / Double(f.cooperating)
    }

    /// Scores every unit at `day` (the period's end): lines, total, place in its group, grade. `reviews`
    /// (by unit, then by line key) are staff's 复核: a reviewed line has the reviewed points, and keeps what
    /// was computed beside them.
    public static func score(
        _ scheme: AssessmentScheme, _ units: [UnitFacts], at day: CivilDay, reviews: [UUID: [String: Review]] = [:]
    ) -> [UnitScore] {
        var scores = units.map { score(scheme, $0, at: day) }
        for i in scores.indices {
            guard let mine = reviews[scores[i].unit], !mine.isEmpty else { continue }
            let keys = keys(scores[i].lines)
            for (j, key) in keys.enumerated() {
                guard let r = mine[key], r.points.isFinite else { continue }
                scores[i].lines[j].computed = scores[i].lines[j].points
                scores[i].lines[j].points = r.points
                scores[i].lines[j].review = r.reason
            }
            scores[i].total = max(0, scores[i].lines.reduce(0) { $0 + $1.points })
        }
        // Places within each group; ties share a place (1, 2, 2, 4).
        for group in Set(scores.map(\.group)) {
            let members = scores.indices.filter { scores[$0].group == group }
            let quota = scheme.grades.excellentQuota(members.count)
            for i in members {
                let better = members.filter { round2(scores[$0].total) > round2(scores[i].total) }.count
                scores[i].rank = better + 1
                scores[i].groupSize = members.count
                let t = round2(scores[i].total)
                var grade: AssessmentGrade =
                    t >= scheme.grades.excellent && scores[i].rank <= quota
                    ? .excellent
                    : t >= scheme.grades.good ? .good : t >= scheme.grades.pass ? .pass : .fail
                // 优秀 by points but beyond the quota is 良好.
                if grade == .excellent && scores[i].rank > quota { grade = .good }
                if scores[i].vetoed { grade = min(grade, scheme.grades.vetoCap) }
                scores[i].grade = grade
            }
        }
        return scores.sorted { ($0.group, $0.rank, $0.name) < ($1.group, $1.rank, $1.name) }
    }

    static func score(_ s: AssessmentScheme, _ u: UnitFacts, at day: CivilDay) -> UnitScore {
        let excluded = Set(s.groupExclusions[u.group] ?? [])
        var lines = scored(s, u, at: day).filter { !excluded.contains($0.category) }
        if let fold = fold(s, lines: lines, excluded: excluded) { lines.append(fold) }
        lines += entered(s, u)
        let vetoed = u.entries.contains { e in
            guard case .veto(let by, let document) = e.kind else { return false }
            return !(by ?? "").isEmpty && !(document ?? "").isEmpty
        }
        let total = max(0, lines.reduce(0) { $0 + $1.points })
        return UnitScore(
            unit: u.unit, name: u.name, group: u.group, schemeVersion: s.version, lines: lines, total: total, rank: 0,
            groupSize: 0, grade: .fail, vetoed: vetoed)
    }

    /// The line that folds the blocks into their shares of 100 and brings a group with fewer categories to 100,
    /// when that changes anything: the difference between the folded total and the lines' sum, with its working.
    static func fold(_ s: AssessmentScheme, lines: [Line], excluded: Set<Category>) -> Line? {
        let blocks = s.effectiveBlocks.map { b -> (block: AssessmentScheme.Block, raw: Double, max: Double) in
            let kept = b.categories.filter { !excluded.contains($0) }
            return (
                b, lines.filter { kept.contains($0.category) }.reduce(0) { $0 + $1.points },
                kept.reduce(0) { $0 + s.points($1) }
            )
        }
        let active = blocks.filter { $0.max > 0 }
        let shares = active.reduce(0) { $0 + $1.block.share }
        guard shares > 0 else { return nil }
        let raw = blocks.reduce(0) { $0 + $1.raw }
        let folded = active.reduce(0) { $0 + $1.block.share / shares * 100 * $1.raw / $1.max }
        guard abs(folded - raw) >= 0.005 else { return nil }
        func part(_ b: (block: AssessmentScheme.Block, raw: Double, max: Double), english: Bool) -> String {
            let name =
                b.block.name.isEmpty
                ? (english ? "scored" : "计分项") : english ? b.block.englishName : b.block.name
            return "\(name) \(number(b.raw))/\(number(b.max)) × \(pct(b.block.share / shares))"
        }
        let away = AssessmentScheme.scoredCategories.filter { excluded.contains($0) }
        let why = away.isEmpty ? "" : "本组不计" + away.map(\.chinese).joined(separator: "、") + "，"
        let whyEn = away.isEmpty ? "" : "this group has no " + away.map(\.english).joined(separator: ", ") + "; "
        return Line(
            category: .fold, subject: "折算",
            rule: why + "折算为百分制：" + active.map { part($0, english: false) }.joined(separator: " + ")
                + " × 100 = \(number(folded))",
            ruleEnglish: whyEn + "brought to 100: " + active.map { part($0, english: true) }.joined(separator: " + ")
                + " × 100 = \(number(folded))",
            sources: [], points: folded - raw)
    }

    /// 重点工作, 共性目标 and 满意度测评: the lines computed from the record.
    static func scored(_ s: AssessmentScheme, _ u: UnitFacts, at day: CivilDay) -> [Line] {
        var lines: [Line] = []
        // 重点工作: the unit's items, each by its weight and the unit's share, scaled to the category's points.
        let shares = u.items.map { max($0.weight, 0) * share($0, s) }
        let whole = shares.reduce(0, +)
        for (f, w) in zip(u.items, shares) where w > 0 {
            let (v, completion, timeliness, late) = itemScore(f, s, at: day)
            let against = f.expected < 1 ? "（完成 \(pct(f.completion))，应完成 \(pct(f.expected))）" : ""
            let againstEn = f.expected < 1 ? " (done \(pct(f.completion)) of \(pct(f.expected)) expected)" : ""
            let role = f.lead ? (f.cooperating > 0 ? "牵头，份额 \(pct(s.leadShare))" : "牵头") : "配合，份额 \(pct(share(f, s)))"
            let roleEn =
                f.lead
                ? (f.cooperating > 0 ? "lead, share \(pct(s.leadShare))" : "lead")
                : "cooperating, share \(pct(share(f, s)))"
            let lateWords = late > 0 ? "逾期 \(late) 天" : "按时"
            let lateEn = late > 0 ? "\(late) days late" : "on time"
            lines.append(
                Line(
                    category: .work, subject: f.code + " " + f.title,
                    rule:
                        "完成 \(pct(completion))\(against) × \(pct(1 - s.timelinessShare)) + 时效 \(pct(timeliness))（\(lateWords)）× \(pct(s.timelinessShare))；权重 \(number(f.weight))，\(role)",
                    ruleEnglish:
                        "done \(pct(completion))\(againstEn) × \(pct(1 - s.timelinessShare)) + timeliness \(pct(timeliness)) (\(lateEn)) × \(pct(s.timelinessShare)); weight \(number(f.weight)), \(roleEn)",
                    sources: f.sources, points: s.workPoints * w / whole * v))
        }
        if whole <= 0 {
            lines.append(
                Line(
                    category: .work, subject: "—", rule: "没有承担份额的事项，按满分计",
                    ruleEnglish: "no share in any item: full points",
                    sources: [], points: s.workPoints))
        }
        // 共性目标: full, less each record; never below nothing.
        lines.append(
            Line(
                category: .common, subject: "共性目标基础分", rule: "满分 \(number(s.commonPoints))",
                ruleEnglish: "full \(number(s.commonPoints))", sources: [], points: s.commonPoints))
        var taken = 0.0
        for kind in RecordKind.allCases {
            let records = u.records.filter { $0.kind == kind }
            let each = s.deductions.points(kind)
            guard !records.isEmpty, each > 0 else { continue }
            let points = min(each * Double(records.count), s.commonPoints - taken)
            taken += points
            lines.append(
                Line(
                    category: .common, subject: kind.chinese,
                    rule: "\(records.count) 次 × \(number(each)) 分"
                        + (points < each * Double(records.count) ? "，扣至 0 为止" : ""),
                    ruleEnglish: "\(records.count) × \(number(each))"
                        + (points < each * Double(records.count) ? ", down to 0 at most" : ""),
                    sources: records.map(\.source), points: -points))
        }
        // 满意度测评.
        if let survey = u.survey {
            let v = min(max(survey, 0), 100)
            lines.append(
                Line(
                    category: .survey, subject: "满意度测评", rule: "测评得分 \(number(v)) ÷ 100 × \(number(s.surveyPoints))",
                    ruleEnglish: "survey \(number(v)) ÷ 100 × \(number(s.surveyPoints))", sources: [],
                    points: s.surveyPoints * v / 100))
        } else {
            lines.append(
                Line(
                    category: .survey, subject: "满意度测评", rule: "尚未录入测评结果，暂计 0 分",
                    ruleEnglish: "no survey result yet: 0 for now", sources: [], points: 0))
        }
        return lines
    }

    /// 加分, 扣分 and 一票否决: the lines people entered, counted after the folding.
    static func entered(_ s: AssessmentScheme, _ u: UnitFacts) -> [Line] {
        var lines: [Line] = []
        // 加分: each type to its cap, all to the total cap.
        var bonusTotal = 0.0
        var byType: [String: Double] = [:]
        for e in u.entries {
            guard case .bonus(let type) = e.kind else { continue }
            let cap = s.bonusCaps[type] ?? 0
            let room = min(cap - byType[type, default: 0], s.bonusCap - bonusTotal)
            let points = max(0, min(e.points, room))
            byType[type, default: 0] += points
            bonusTotal += points
            let cut = points < e.points
            lines.append(
                Line(
                    category: .bonus, subject: type,
                    rule: "申报 \(number(e.points)) 分"
                        + (cut ? "，超出上限（本类 \(number(cap))，合计 \(number(s.bonusCap))），计 \(number(points))" : ""),
                    ruleEnglish: "claimed \(number(e.points))"
                        + (cut
                            ? ", over the cap (\(number(cap)) of its kind, \(number(s.bonusCap)) in all): \(number(points))"
                            : ""),
                    sources: [e.reason], points: points))
        }
        for e in u.entries {
            guard case .deduction = e.kind else { continue }
            lines.append(
                Line(
                    category: .deduction, subject: "扣分", rule: "扣 \(number(e.points)) 分",
                    ruleEnglish: "minus \(number(e.points))",
                    sources: [e.reason], points: -max(0, e.points)))
        }
        let cap = s.grades.vetoCap
        for e in u.entries {
            guard case .veto(let by, let document) = e.kind else { continue }
            let decided = !(by ?? "").isEmpty && !(document ?? "").isEmpty
            lines.append(
                Line(
                    category: .veto, subject: "一票否决",
                    rule: decided
                        ? "已决定（\(by!)，\(document!)）：等次" + (cap == .fail ? "为不合格" : "至多为\(cap.chinese)")
                        : "尚无决定，暂不生效",
                    ruleEnglish: decided
                        ? "decided (\(by!), \(document!)): graded "
                            + (cap == .fail ? "Fail" : "\(cap.english) at best") : "not decided: no effect yet",
                    sources: [e.reason], points: 0))
        }
        return lines
    }

    static func round2(_ v: Double) -> Double { (v * 100).rounded() / 100 }
    /// Points as shown and exported: to the hundredth.
    public static func rounded(_ v: Double) -> Double { round2(v) }
    static func pct(_ v: Double) -> String { number(v * 100) + "%" }
    /// A figure as the rules' words write it: 3, 0.5, 12.25.
    public static func number(_ v: Double) -> String {
        let r = round2(v)
        return r == r.rounded() ? String(Int(r)) : String(format: "%g", r)
    }
}

/// Where a 考核 round stands: open (the data frozen at its day, the draft visible to each unit), in 公示
/// (units may object until its last day), final (the result stored and locked).
public enum AssessmentStage: String, Codable, Sendable, CaseIterable, Named {
    case open, publicity, final

    public var chinese: String {
        switch self {
        case .open: return "考核中"
        case .publicity: return "公示中"
        case .final: return "已定稿"
        }
    }

    public var english: String {
        switch self {
        case .open: return "Open"
        case .publicity: return "Under public notice"
        case .final: return "Final"
        }
    }

    /// Publishing starts the 公示; it must last at least a day.
    public func publish(today: CivilDay, until: CivilDay) -> Result<AssessmentStage, LuoshiError> {
        guard self == .open else { return .failure(.conflict(reason: "只能公示考核中的结果 (only an open round is published)")) }
        guard until > today else {
            return .failure(.invalid(field: "公示截止", reason: "应晚于今天 (after today)"))
        }
        return .success(.publicity)
    }

    /// Final once the 公示 has ended and every 异议 has its answer.
    public func finalize(today: CivilDay, publicityUntil: CivilDay?, unanswered: Int) -> Result<
        AssessmentStage, LuoshiError
    > {
        guard self == .publicity, let until = publicityUntil else {
            return .failure(.conflict(reason: "公示之后才能定稿 (only after the public notice)"))
        }
        guard today > until else {
            return .failure(.conflict(reason: "公示至 \(until.chinese)，期满后才能定稿 (the notice runs until then)"))
        }
        guard unanswered == 0 else {
            return .failure(.conflict(reason: "还有 \(unanswered) 件异议未答复 (objections await an answer)"))
        }
        return .success(.final)
    }

    /// A unit objects during the 公示 only.
    public func mayObject(today: CivilDay, publicityUntil: CivilDay?) -> Bool {
        self == .publicity && publicityUntil.map { today <= $0 } ?? false
    }
}
