import Foundation
import LuoshiCore
import Testing

/// The one evaluation that pages, API and the supervision pass share (issue "Foundation": the pages
/// ended the year at 23:59, the pass at 23:59:59, and the two disagreed for that last minute).
@Suite("事项进度的唯一评估 (the one item evaluation)")
struct ItemProgressTests {
    let beijing: Calendar = {
        var c = Calendar(identifier: .gregorian)
        c.timeZone = TimeZone(identifier: "Asia/Shanghai")!
        return c
    }()

    func at(_ y: Int, _ m: Int, _ d: Int, _ h: Int, _ min: Int, _ s: Int) -> Date {
        beijing.date(from: DateComponents(year: y, month: m, day: d, hour: h, minute: min, second: s))!
    }

    func input(due: Date? = nil, percent: Double? = 60, milestone: String? = nil) -> ItemProgressInput {
        ItemProgressInput(
            planYear: 2015, start: nil, due: due, target: nil,
            latest: percent.map {
                ProgressObservation(actualValue: nil, percentComplete: $0, reportedAt: at(2015, 6, 1, 9, 0, 0))
            },
            latestMilestone: milestone, milestones: [])
    }

    @Test("截止日当天的最后一分钟仍未逾期 (work is not overdue until its due day is over)")
    func dueDayCountsToItsEnd() {
        let lastMinute = at(2015, 12, 31, 23, 59, 30)
        let nextDay = at(2016, 1, 1, 0, 0, 1)
        // An item without dates runs over the plan year.
        #expect(input().evaluate(now: lastMinute, calendar: beijing).status != .overdue)
        #expect(input().evaluate(now: nextDay, calendar: beijing).status == .overdue)
        // A due date counts to the end of its day, whatever time of day it was stored with.
        let due = at(2015, 6, 30, 0, 0, 0)
        #expect(input(due: due).evaluate(now: at(2015, 6, 30, 23, 59, 59), calendar: beijing).status != .overdue)
        #expect(input(due: due).evaluate(now: at(2015, 7, 1, 0, 0, 0), calendar: beijing).status == .overdue)
        #expect(input().periodEnd(calendar: beijing) == at(2015, 12, 31, 23, 59, 59))
        #expect(input().periodStart(calendar: beijing) == at(2015, 1, 1, 0, 0, 0))
    }

    @Test("报送“完成”或节点全部达成即完成 (done by a report that says so, or by every milestone reached)")
    func done() {
        #expect(input(milestone: " 完成 ").evaluate(now: at(2015, 7, 1, 9, 0, 0), calendar: beijing).status == .done)
        var marks = input()
        marks.milestones = [
            .init(date: at(2015, 3, 31, 0, 0, 0), share: 0.5, reached: true),
            .init(date: at(2015, 9, 30, 0, 0, 0), share: 1, reached: true),
        ]
        #expect(marks.evaluate(now: at(2015, 7, 1, 9, 0, 0), calendar: beijing).status == .done)
        marks.milestones[1].reached = false
        #expect(marks.evaluate(now: at(2015, 7, 1, 9, 0, 0), calendar: beijing).status != .done)
    }

    @Test("进度从基数算起：从77%提高到80%，报77.5%是六分之一 (progress counts from the baseline)")
    func baseline() {
        let target = TargetSpec(comparator: .atLeast, value: 80, valueMin: nil, valueMax: nil, baseline: 77)
        #expect(abs(StatusRules.targetProgress(target, actual: 77.5) - 1.0 / 6) < 1e-9)
        // A falling target: 由12%降至10%, 11% is half way.
        let down = TargetSpec(comparator: .equal, value: 10, valueMin: nil, valueMax: nil, baseline: 12)
        #expect(abs(StatusRules.targetProgress(down, actual: 11) - 0.5) < 1e-9)
    }
}
