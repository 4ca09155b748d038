import Foundation
import LuoshiCore
import Testing

/// Dates of the demo year, in Beijing time; "now" is always passed in.
func day(_ y: Int, _ m: Int, _ d: Int) -> Date {
    var c = DateComponents()
    c.year = y
    c.month = m
    c.day = d
    c.hour = 12
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = TimeZone(identifier: "Asia/Shanghai")!
    return calendar.date(from: c)!
}

@Suite("状态规则 (status rules)")
struct StatusRulesTests {
    let start = day(2015, 1, 1)
    let due = day(2015, 12, 31)

    @Test("预期进度按时间线性推进 (expected progress is linear in time)")
    func linear() {
        #expect(StatusRules.expectedProgress(start: start, due: due, now: day(2014, 12, 1)) == 0)
        let mid = StatusRules.expectedProgress(start: start, due: due, now: day(2015, 7, 2))
        #expect(abs(mid - 0.5) < 0.01)
        #expect(StatusRules.expectedProgress(start: start, due: due, now: day(2016, 1, 5)) == 1)
        #expect(StatusRules.expectedProgress(start: nil, due: nil, now: day(2015, 6, 30)) == 0)
    }

    @Test("里程碑改变预期曲线 (milestones shape the expectation)")
    func milestones() {
        // Design finished by March (40%), construction by the end of the year.
        let m = [(date: day(2015, 3, 31), share: 0.4)]
        let atMarch = StatusRules.expectedProgress(start: start, due: due, now: day(2015, 3, 31), milestones: m)
        #expect(abs(atMarch - 0.4) < 0.001)
        let july = StatusRules.expectedProgress(start: start, due: due, now: day(2015, 8, 15), milestones: m)
        // 137 of the 275 days from the milestone to the due date: 0.4 + 0.6 × 0.498.
        #expect(abs(july - 0.699) < 0.005)
    }

    @Test("目标进度：至少、区间、基数 (target progress: floor, range, baseline)")
    func targetProgress() {
        #expect(StatusRules.targetProgress(TargetSpec(comparator: .atLeast, value: 300), actual: 150) == 0.5)
        #expect(StatusRules.targetProgress(TargetSpec(comparator: .equal, value: 300), actual: 450) == 1)
        #expect(
            StatusRules.targetProgress(TargetSpec(comparator: .range, value: nil, valueMin: 2, valueMax: 3), actual: 1)
                == 0.5)
        // 从77%提高到80%: 78.5 is half way.
        #expect(
            StatusRules.targetProgress(TargetSpec(comparator: .equal, value: 80, baseline: 77), actual: 78.5) == 0.5)
    }

    @Test("上限目标：保持在其下即为达标 (a ceiling is met by staying under it)")
    func ceiling() {
        let unemployment = TargetSpec(comparator: .atMost, value: 4)
        let under = StatusRules.evaluate(
            start: start, due: due, target: unemployment,
            latest: ProgressObservation(actualValue: 3.6, reportedAt: day(2015, 6, 1)), now: day(2015, 6, 30))
        #expect(under.status == .onTrack)
        #expect(under.colour == .green)
        let over = StatusRules.evaluate(
            start: start, due: due, target: unemployment,
            latest: ProgressObservation(actualValue: 4.3, reportedAt: day(2015, 6, 1)), now: day(2015, 6, 30))
        #expect(over.status == .behind)
        #expect(over.colour == .red)
        let yearEnd = StatusRules.evaluate(
            start: start, due: due, target: unemployment,
            latest: ProgressObservation(actualValue: 3.9, reportedAt: day(2015, 12, 31)), now: day(2016, 1, 2))
        #expect(yearEnd.status == .done)
    }

    @Test(
        "未启动、正常、风险、滞后、逾期、完成 (every status)",
        arguments: [
            (0.0, nil as Double?, false, ItemStatus.notStarted),
            (0.5, 50.0, false, .onTrack),
            (0.5, 45.0, false, .onTrack),
            (0.5, 35.0, false, .atRisk),
            (0.5, 20.0, false, .behind),
            (0.5, nil, false, .behind),
            (1.2, 80.0, false, .overdue),
            (0.5, 100.0, false, .done),
            (0.5, 10.0, true, .done),
        ])
    func statuses(_ yearsIn: Double, _ percent: Double?, _ completed: Bool, _ expected: ItemStatus) {
        let now = start.addingTimeInterval(yearsIn * due.timeIntervalSince(start))
        let latest = percent.map { ProgressObservation(percentComplete: $0, reportedAt: now) }
        let r = StatusRules.evaluate(
            start: start, due: due, target: nil, latest: latest, completed: completed, now: now)
        #expect(r.status == expected)
    }

    @Test("颜色 (colours)")
    func colours() {
        #expect(ItemStatus.allCases.map(\.colour) == [.green, .green, .green, .yellow, .red, .red])
        #expect(ItemStatus.overdue > ItemStatus.behind)
    }

    @Test("汇总：有权重按权重，否则平均 (roll-up: weighted when weighted, else the average)")
    func rollUp() {
        let a = RollUp.Child(weight: 3, expected: 0.5, progress: 0.5, status: .onTrack)
        let b = RollUp.Child(weight: 1, expected: 0.5, progress: 0.1, status: .behind)
        let weighted = RollUp.combine([a, b])
        #expect(abs(weighted.progress - 0.4) < 1e-9)
        #expect(weighted.status == .onTrack)
        #expect(weighted.counts == [.onTrack: 1, .behind: 1])
        let plain = RollUp.combine([RollUp.Child(weight: nil, expected: 0.5, progress: 0.5, status: .onTrack), b])
        #expect(abs(plain.progress - 0.3) < 1e-9)
        #expect(plain.status == .atRisk)
        #expect(RollUp.combine([]).status == .notStarted)
    }
}

@Suite("审计链 (audit chain)")
struct AuditChainTests {
    func chain(_ n: Int) -> [AuditRecord] {
        var out: [AuditRecord] = []
        for i in 0..<n {
            out.append(
                AuditChain.append(
                    after: out.last, at: day(2015, 6, i + 1), actor: "admin", action: "report.accept", entity: "report",
                    entityID: "\(i)", before: "{\"state\":\"submitted\"}", after: "{\"state\":\"accepted\"}"))
        }
        return out
    }

    @Test("完整的链通过校验 (a whole chain verifies)")
    func whole() {
        let c = chain(5)
        #expect(AuditChain.verify(c) == nil)
        #expect(c[0].previousHash == AuditChain.genesis)
        #expect(c[3].previousHash == c[2].hash)
    }

    @Test("篡改、删除、插入都能发现 (edits, deletions and insertions show)")
    func tampering() {
        var edited = chain(5)
        edited[2].after = "{\"state\":\"returned\"}"
        #expect(AuditChain.verify(edited) == .altered(sequence: 3))
        var removed = chain(5)
        removed.remove(at: 2)
        #expect(AuditChain.verify(removed) == .gap(expected: 3, found: 4))
        var relinked = chain(5)
        relinked[3].previousHash = AuditChain.genesis
        #expect(AuditChain.verify(relinked) == .unlinked(sequence: 4))
    }
}
