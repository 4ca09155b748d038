import Foundation
import LuoshiCore
import Testing

private func d(_ y: Int, _ m: Int, _ dd: Int) -> CivilDay { CivilDay(year: y, month: m, day: dd) }

@Suite("督查督办规则 (supervision rules)")
struct SupervisionTests {
    let rules = SupervisionRules.standard

    @Test("日期：序数、星期、ISO 周 (civil days)")
    func civilDays() {
        #expect(d(1970, 1, 1).ordinal == 0)
        #expect(d(2015, 6, 26).ordinal == 16612)
        for n in [-800, 0, 16612, 20000, 73000] { #expect(CivilDay(ordinal: n).ordinal == n) }
        #expect(d(2015, 6, 26).isoWeekday == 5)  // a Friday
        #expect(d(2015, 6, 28).isoWeekday == 7)
        #expect(d(2015, 2, 28).adding(days: 1) == d(2015, 3, 1))
        #expect(d(2016, 2, 28).adding(days: 1) == d(2016, 2, 29))
        #expect(d(2015, 1, 1).isoWeek == (2015, 1))
        #expect(d(2016, 1, 1).isoWeek == (2015, 53))
        #expect(d(2014, 12, 29).isoWeek == (2015, 1))
        #expect(CivilDay("2015-06-26") == d(2015, 6, 26))
        #expect(CivilDay("2015-02-30") == nil)
        #expect(CivilDay(Date(timeIntervalSince1970: 1_435_334_400), calendar: .beijing) == d(2015, 6, 27))
    }

    @Test("报送期：月、季、周、到期 (reporting periods)")
    func periods() {
        let monthly = ReportingCalendar.periods(cycle: .monthly, year: 2015, start: nil, due: nil, rules: rules)
        #expect(monthly.count == 12)
        #expect(monthly[1] == DuePeriod(key: "2015-02", due: d(2015, 2, 25)))
        #expect(monthly[5].chinese == "2015年6月")
        var late = rules
        late.dueDay = 31
        let capped = ReportingCalendar.periods(cycle: .monthly, year: 2015, start: nil, due: nil, rules: late)
        #expect(capped[1].due == d(2015, 2, 28))
        // Only the periods whose due day lies within the assignment.
        let partial = ReportingCalendar.periods(
            cycle: .monthly, year: 2015, start: d(2015, 3, 1), due: d(2015, 6, 30), rules: rules)
        #expect(partial.map(\.key) == ["2015-03", "2015-04", "2015-05", "2015-06"])
        let quarterly = ReportingCalendar.periods(cycle: .quarterly, year: 2015, start: nil, due: nil, rules: rules)
        #expect(quarterly.map(\.key) == ["2015-Q1", "2015-Q2", "2015-Q3", "2015-Q4"])
        #expect(quarterly[1].due == d(2015, 6, 25))
        #expect(quarterly[1].chinese == "2015年第二季度")
        let weekly = ReportingCalendar.periods(
            cycle: .weekly, year: 2015, start: d(2015, 6, 1), due: d(2015, 6, 30), rules: rules)
        #expect(weekly.map(\.due) == [d(2015, 6, 5), d(2015, 6, 12), d(2015, 6, 19), d(2015, 6, 26)])
        #expect(weekly.last?.key == "2015-W26")
        let once = ReportingCalendar.periods(
            cycle: .dueDateOnly, year: 2015, start: nil, due: d(2015, 9, 30), rules: rules)
        #expect(once == [DuePeriod(key: "2015-final", due: d(2015, 9, 30))])
        #expect(
            ReportingCalendar.periods(
                cycle: .monthly, year: 2015, start: d(2015, 7, 1), due: d(2015, 6, 1), rules: rules
            ).isEmpty)
    }

    @Test("下次应报：最早未报的一期 (what is owed next)")
    func nextDue() {
        let months = ReportingCalendar.periods(cycle: .monthly, year: 2015, start: nil, due: nil, rules: rules)
        let reported: Set<String> = ["2015-01", "2015-02", "2015-04"]
        let owed = ReportingCalendar.nextDue(months, reported: reported, today: d(2015, 4, 30))
        #expect(owed?.period.key == "2015-03" && owed?.overdue == true)
        let upcoming = ReportingCalendar.nextDue(
            months, reported: reported.union(["2015-03"]), today: d(2015, 4, 30))
        #expect(upcoming?.period.key == "2015-05" && upcoming?.overdue == false)
        // A quarter is answered by a report for one of its months.
        let quarters = ReportingCalendar.periods(cycle: .quarterly, year: 2015, start: nil, due: nil, rules: rules)
        #expect(
            ReportingCalendar.nextDue(quarters, reported: ["2015-02"], today: d(2015, 4, 1))?.period.key == "2015-Q2")
        let once = ReportingCalendar.periods(cycle: .dueDateOnly, year: 2015, start: nil, due: nil, rules: rules)
        #expect(ReportingCalendar.nextDue(once, reported: ["2015-07"], today: d(2015, 8, 1)) == nil)
    }

    @Test("催办：到期前、当天、逾期、报领导，窗口外不催 (reminder stages)")
    func reminders() {
        let p = DuePeriod(key: "2015-06", due: d(2015, 6, 25))
        func stage(_ day: Int, filed: Bool = false) -> ReminderStage? {
            SupervisionRulesEngine.reminder(
                for: p, filed: filed, today: d(2015, 6, 1).adding(days: day - 1), rules: rules)
        }
        #expect(stage(21) == nil)
        #expect(stage(22) == .upcoming)
        #expect(stage(24) == .upcoming)
        #expect(stage(25) == .dueToday)
        #expect(stage(26) == .late)
        #expect(stage(27) == .late)
        #expect(stage(28) == .lateToLeader)
        #expect(stage(35) == .lateToLeader)
        #expect(stage(36) == nil)
        #expect(stage(25, filed: true) == nil)
        #expect(ReminderStage.lateToLeader.toLeader && !ReminderStage.late.toLeader)
    }

    @Test("自动督办：漏报一期黄、两期红、逾期红、落后黄 (automatic notices)")
    func automaticNotices() {
        let may = DuePeriod(key: "2015-05", due: d(2015, 5, 25))
        let june = DuePeriod(key: "2015-06", due: d(2015, 6, 25))
        #expect(!SupervisionRulesEngine.missed(june, filed: false, today: d(2015, 6, 30), rules: rules))
        #expect(SupervisionRulesEngine.missed(june, filed: false, today: d(2015, 7, 1), rules: rules))
        #expect(!SupervisionRulesEngine.missed(june, filed: true, today: d(2015, 7, 1), rules: rules))
        let today = d(2015, 7, 1)
        let one = SupervisionRulesEngine.automaticNotice(
            missedPeriods: [may], overdue: false, behindBy: nil, today: today, rules: rules)
        #expect(one?.level == .yellow)
        #expect(one?.key == "missed:2015-05")
        let two = SupervisionRulesEngine.automaticNotice(
            missedPeriods: [june, may], overdue: false, behindBy: nil, today: today, rules: rules)
        #expect(two?.level == .red)
        #expect(two?.key == "missed:2015-06")
        #expect(two?.reason.contains("2期") == true)
        let overdue = SupervisionRulesEngine.automaticNotice(
            missedPeriods: [], overdue: true, behindBy: nil, today: today, rules: rules)
        #expect(overdue?.level == .red && overdue?.key == "overdue")
        let behind = SupervisionRulesEngine.automaticNotice(
            missedPeriods: [], overdue: false, behindBy: 0.31, today: today, rules: rules)
        #expect(behind?.level == .yellow && behind?.key == "behind:2015-07")
        #expect(behind?.reason.contains("31个百分点") == true)
        #expect(
            SupervisionRulesEngine.automaticNotice(
                missedPeriods: [], overdue: false, behindBy: 0.15, today: today, rules: rules) == nil)
        var off = rules
        off.automaticNotices = false
        #expect(
            SupervisionRulesEngine.automaticNotice(
                missedPeriods: [may], overdue: true, behindBy: nil, today: today, rules: off) == nil)
    }

    @Test("督办单：期限、升级、状态流转、文号 (notices)")
    func notices() {
        let issued = d(2015, 6, 1)
        let respondBy = SupervisionRulesEngine.respondBy(issued: issued, level: .red, rules: rules)
        #expect(respondBy == d(2015, 6, 4))
        func esc(_ today: CivilDay, _ state: NoticeState = .issued) -> Int {
            SupervisionRulesEngine.escalation(
                state: state, level: .red, respondBy: respondBy, today: today, rules: rules)
        }
        #expect(esc(d(2015, 6, 4)) == 0)
        #expect(esc(d(2015, 6, 5)) == 1)
        #expect(esc(d(2015, 6, 6), .signed) == 1)
        #expect(esc(d(2015, 6, 7)) == 2)
        #expect(esc(d(2015, 6, 7), .responded) == 0)
        #expect(NoticeAction.sign.apply(to: .issued) == .success(.signed))
        #expect(NoticeAction.respond.apply(to: .issued) == .success(.responded))
        #expect(NoticeAction.sendBack.apply(to: .responded) == .success(.signed))
        #expect(NoticeAction.close.apply(to: .responded) == .success(.closed))
        guard case .failure(.conflict) = NoticeAction.sign.apply(to: .closed) else {
            Issue.record("a closed notice cannot be signed for")
            return
        }
        #expect(NoticeNumber.format(year: 2015, serial: 12) == "督〔2015〕12号")
        #expect(NoticeLevel.red > NoticeLevel.yellow)
    }

    @Test("规则校验 (rules validation)")
    func validation() {
        #expect(rules.problems.isEmpty)
        var bad = rules
        bad.dueDay = 0
        bad.leaderAfterDaysLate = 20
        bad.responseDays.red = 0
        #expect(bad.problems.count == 3)
        // A window of 0 or less is a problem to report, not a range to build (it trapped the server).
        for window in [0, -5, Int.min] {
            var odd = rules
            odd.reminderWindowDays = window
            #expect(odd.problems.contains("催办期限应在 1 到 60 天之间"))
            #expect(odd.problems.contains("报领导天数应在 1 到催办期限之间"))
        }
        let json = try! JSONEncoder().encode(rules)
        #expect(try! JSONDecoder().decode(SupervisionRules.self, from: json) == rules)
    }

    @Test("HMAC-SHA256：RFC 4231 测试向量 (HMAC test vectors)")
    func hmac() {
        #expect(
            MessageAuthentication.hmacSHA256Hex(Array("Hi There".utf8), key: [UInt8](repeating: 0x0b, count: 20))
                == "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7")
        #expect(
            MessageAuthentication.hmacSHA256Hex(Array("what do ya want for nothing?".utf8), key: Array("Jefe".utf8))
                == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
        // A key longer than a block is hashed first (RFC 4231 case 6).
        #expect(
            MessageAuthentication.hmacSHA256Hex(
                Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8),
                key: [UInt8](repeating: 0xaa, count: 131))
                == "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54")
    }
}

extension SupervisionTests {
    @Test("督办单文号如人们输入的那样读出 (a notice number read as people type it)")
    func noticeNumbersAreParsed() {
        #expect(NoticeNumber.parse("督〔2015〕12号")! == (2015, 12))
        #expect(NoticeNumber.parse(NoticeNumber.format(year: 2016, serial: 3))! == (2016, 3))
        #expect(NoticeNumber.parse("〔2015〕12")! == (2015, 12))
        #expect(NoticeNumber.parse("2015-12")! == (2015, 12))
        #expect(NoticeNumber.parse("12号")! == (nil, 12))
        #expect(NoticeNumber.parse(" 7 ")! == (nil, 7))
        #expect(NoticeNumber.parse("督〔２０１５〕１２号")! == (2015, 12))
        // Words, a year alone out of range, or three numbers are not a notice number.
        #expect(NoticeNumber.parse("河道整治") == nil)
        #expect(NoticeNumber.parse("停车位300个") == nil)
        #expect(NoticeNumber.parse("1800-3") == nil)
        #expect(NoticeNumber.parse("2015-6-12") == nil)
        #expect(NoticeNumber.parse("") == nil)
    }

    @Test("每分钟的巡查只看改过的计划，整点、新的一天和单位人员变动时看全部 (the minute's look reads changed plans; all on the hour)")
    func minuteLook() {
        let (a, b, c) = (UUID(), UUID(), UUID())
        let nine = SupervisionLook(day: d(2015, 6, 26), hour: 9, directory: 4, plans: [a: 3, b: 7])
        // The first look, and a look after the server took the lease again: every plan.
        #expect(nine.due(after: nil) == nil)
        // Nothing written since: nothing to read.
        #expect(nine.due(after: nine) == [])
        // A filing in b, and a plan written for the first time (c): those two.
        var later = nine
        later.plans[b] = 8
        later.plans[c] = 1
        #expect(later.due(after: nine) == [b, c])
        // A new hour, a new day, a unit renamed: every plan.
        var ten = later
        ten.hour = 10
        #expect(ten.due(after: later) == nil)
        var tomorrow = later
        tomorrow.day = d(2015, 6, 27)
        #expect(tomorrow.due(after: later) == nil)
        var renamed = later
        renamed.directory = 5
        #expect(renamed.due(after: later) == nil)
    }
}
