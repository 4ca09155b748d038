import Foundation

// Supervision (督查督办): when reports are due, which reminders (催办) fall due, when late work becomes a
// supervision notice (督办单), and when an unanswered notice escalates. Pure functions over civil days:
// the clock and the calendar are always passed in.

extension Calendar {
    /// The calendar Chinese officials date by.
    public static let beijing: Calendar = {
        var c = Calendar(identifier: .gregorian)
        c.timeZone = TimeZone(identifier: "Asia/Shanghai")!
        c.locale = Locale(identifier: "zh_CN")
        return c
    }()
}

/// 1 → "01": period keys are built on every pass for every assignment, so without `String(format:)`.
@inline(__always) func twoDigits(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }

/// A day as officials date it (no time of day), comparable and countable.
public struct CivilDay: Hashable, Comparable, Sendable, Codable, CustomStringConvertible, Named {
    public var year: Int
    public var month: Int
    public var day: Int

    public init(year: Int, month: Int, day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }

    public init(_ date: Date, calendar: Calendar) {
        let c = calendar.dateComponents([.year, .month, .day], from: date)
        self.init(year: c.year!, month: c.month!, day: c.day!)
    }

    /// Days since 1970-01-01 in the proleptic Gregorian calendar (Howard Hinnant's days_from_civil), so
    /// that day arithmetic never depends on a time zone or on daylight saving.
    public var ordinal: Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    public init(ordinal: Int) {
        let z = ordinal + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        self.init(year: yoe + era * 400 + (m <= 2 ? 1 : 0), month: m, day: d)
    }

    public func adding(days: Int) -> CivilDay { CivilDay(ordinal: ordinal + days) }
    public func days(until other: CivilDay) -> Int { other.ordinal - ordinal }
    /// 1 = Monday … 7 = Sunday (ISO 8601).
    public var isoWeekday: Int { ((ordinal % 7 + 7) % 7 + 3) % 7 + 1 }

    public static func daysIn(year: Int, month: Int) -> Int {
        let next =
            month == 12 ? CivilDay(year: year + 1, month: 1, day: 1) : CivilDay(year: year, month: month + 1, day: 1)
        return next.ordinal - CivilDay(year: year, month: month, day: 1).ordinal
    }

    /// The ISO 8601 week (year of the week, week number) the day falls in.
    public var isoWeek: (year: Int, week: Int) {
        let thursday = adding(days: 4 - isoWeekday)
        let jan1 = CivilDay(year: thursday.year, month: 1, day: 1)
        return (thursday.year, jan1.days(until: thursday) / 7 + 1)
    }

    /// The first moment of the day in `calendar`'s time zone.
    public func start(in calendar: Calendar) -> Date {
        calendar.date(from: DateComponents(year: year, month: month, day: day))!
    }

    public static func < (a: CivilDay, b: CivilDay) -> Bool { a.ordinal < b.ordinal }
    public var description: String { "\(year)-\(twoDigits(month))-\(twoDigits(day))" }
    public var chinese: String { "\(year)年\(month)月\(day)日" }
    public var english: String { "\(day) \(Self.monthNames[month - 1]) \(year)" }
    public static let monthNames = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// Parses 2015-06-26.
    public init?(_ text: String) {
        let parts = text.split(separator: "-")
        // Years beyond four digits would overflow the day arithmetic.
        guard parts.count == 3, let y = Int(parts[0]), (1...9999).contains(y), let m = Int(parts[1]),
            let d = Int(parts[2]), (1...12).contains(m),
            (1...CivilDay.daysIn(year: y, month: m)).contains(d)
        else { return nil }
        self.init(year: y, month: m, day: d)
    }
}

/// A 督办单's level: blue is a prompt, yellow a warning, red the last word before the leaders act.
public enum NoticeLevel: String, Codable, Sendable, CaseIterable, Comparable, Named {
    case blue, yellow, red

    public var chinese: String {
        switch self {
        case .blue: return "蓝色"
        case .yellow: return "黄色"
        case .red: return "红色"
        }
    }

    public var english: String {
        switch self {
        case .blue: return "Blue"
        case .yellow: return "Yellow"
        case .red: return "Red"
        }
    }

    private var rank: Int { NoticeLevel.allCases.firstIndex(of: self)! }
    public static func < (a: NoticeLevel, b: NoticeLevel) -> Bool { a.rank < b.rank }
}

/// A 督办单's life: issued → signed for (签收) → responded (反馈) → closed (办结); staff may send a response
/// back, which returns the notice to signed.
public enum NoticeState: String, Codable, Sendable, CaseIterable, Named {
    case issued, signed, responded, closed

    public var chinese: String {
        switch self {
        case .issued: return "待签收"
        case .signed: return "已签收"
        case .responded: return "已反馈"
        case .closed: return "已办结"
        }
    }

    public var english: String {
        switch self {
        case .issued: return "Awaiting receipt"
        case .signed: return "Received"
        case .responded: return "Answered"
        case .closed: return "Closed"
        }
    }

    public var isOpen: Bool { self != .closed }
}

/// What can be done to a notice.
public enum NoticeAction: String, Codable, Sendable, CaseIterable, Named {
    case sign, respond, close, sendBack

    /// The state after the action, or why it cannot be taken now.
    public func apply(to state: NoticeState) -> Result<NoticeState, LuoshiError> {
        switch (self, state) {
        case (.sign, .issued): return .success(.signed)
        // Responding signs for the notice too: a unit that answers has evidently received it.
        case (.respond, .issued), (.respond, .signed): return .success(.responded)
        case (.sendBack, .responded): return .success(.signed)
        case (.close, .issued), (.close, .signed), (.close, .responded): return .success(.closed)
        default:
            return .failure(.conflict(reason: "督办单\(state.chinese)，不能\(chinese) (notice is \(state.rawValue))"))
        }
    }

    public var chinese: String {
        switch self {
        case .sign: return "签收"
        case .respond: return "反馈"
        case .close: return "办结"
        case .sendBack: return "退回"
        }
    }

    public var english: String {
        switch self {
        case .sign: return "Receive"
        case .respond: return "Respond"
        case .close: return "Close"
        case .sendBack: return "Send back"
        }
    }
}

/// One value per notice level.
public struct PerLevel<T: Codable & Sendable & Equatable>: Codable, Sendable, Equatable {
    public var blue: T
    public var yellow: T
    public var red: T

    public init(blue: T, yellow: T, red: T) {
        self.blue = blue
        self.yellow = yellow
        self.red = red
    }

    public subscript(level: NoticeLevel) -> T {
        get {
            switch level {
            case .blue: return blue
            case .yellow: return yellow
            case .red: return red
            }
        }
        set {
            switch level {
            case .blue: blue = newValue
            case .yellow: yellow = newValue
            case .red: red = newValue
            }
        }
    }
}

/// A plan's supervision rules: set per plan by the supervision office, shown in the UI and the README.
public struct SupervisionRules: Codable, Sendable, Equatable {
    /// Monthly reports are due on this day of the month; quarterly ones on this day of the quarter's last
    /// month (capped at the month's length).
    public var dueDay: Int
    /// Weekly reports are due on this weekday (1 = Monday … 7 = Sunday).
    public var weeklyDueWeekday: Int
    /// The first reminder comes this many days before a report is due.
    public var remindDaysBefore: Int
    /// This many days after the due day, the late reminder also goes to the lead leader.
    public var leaderAfterDaysLate: Int
    /// Reminders stop this many days after the due day: by then a notice has taken over.
    public var reminderWindowDays: Int
    /// A report not filed this many days after its due day counts as a missed cycle.
    public var missedAfterDays: Int
    /// Whether late work becomes a notice by itself.
    public var automaticNotices: Bool
    /// A target this far behind its expected progress (0.2 = 20 points) gets a yellow notice.
    public var behindThreshold: Double
    /// Days a unit has to respond to a notice of each level.
    public var responseDays: PerLevel<Int>
    /// Days after an unanswered notice went to the lead leader before it goes to the principal leader.
    public var principalAfterDays: PerLevel<Int>

    public init(
        dueDay: Int = 25, weeklyDueWeekday: Int = 5, remindDaysBefore: Int = 3, leaderAfterDaysLate: Int = 3,
        reminderWindowDays: Int = 10, missedAfterDays: Int = 5, automaticNotices: Bool = true,
        behindThreshold: Double = 0.2, responseDays: PerLevel<Int> = PerLevel(blue: 10, yellow: 7, red: 3),
        principalAfterDays: PerLevel<Int> = PerLevel(blue: 7, yellow: 5, red: 2)
    ) {
        self.dueDay = dueDay
        self.weeklyDueWeekday = weeklyDueWeekday
        self.remindDaysBefore = remindDaysBefore
        self.leaderAfterDaysLate = leaderAfterDaysLate
        self.reminderWindowDays = reminderWindowDays
        self.missedAfterDays = missedAfterDays
        self.automaticNotices = automaticNotices
        self.behindThreshold = behindThreshold
        self.responseDays = responseDays
        self.principalAfterDays = principalAfterDays
    }

    public static let standard = SupervisionRules()

    /// The rules' problems, each a sentence for the person editing them; empty when they hold together.
    public var problems: [String] {
        var out: [String] = []
        if !(1...31).contains(dueDay) { out.append("报送日应在 1 到 31 之间") }
        if !(1...7).contains(weeklyDueWeekday) { out.append("每周报送日应为周一到周日") }
        if !(0...30).contains(remindDaysBefore) { out.append("提前提醒天数应在 0 到 30 之间") }
        if !(1...60).contains(reminderWindowDays) { out.append("催办期限应在 1 到 60 天之间") }
        // Compared, not made into a range: a window below 1 must be reported, not trap.
        if leaderAfterDaysLate < 1 || leaderAfterDaysLate > reminderWindowDays {
            out.append("报领导天数应在 1 到催办期限之间")
        }
        if !(0...60).contains(missedAfterDays) { out.append("计为漏报的天数应在 0 到 60 之间") }
        if !(0.01...1).contains(behindThreshold) || behindThreshold.isNaN { out.append("落后阈值应在 1% 到 100% 之间") }
        for level in NoticeLevel.allCases {
            if !(1...90).contains(responseDays[level]) { out.append("\(level.chinese)督办单的反馈期限应在 1 到 90 天之间") }
            if !(1...90).contains(principalAfterDays[level]) { out.append("\(level.chinese)督办单报主要领导的天数应在 1 到 90 天之间") }
        }
        return out
    }
}

/// A reporting period and the day its report is due.
public struct DuePeriod: Hashable, Sendable, Codable, Named {
    /// The period as reports name it: 2015-05, 2015-Q2, 2015-W23, or 2015-final for due-date-only work.
    public var key: String
    public var due: CivilDay

    public init(key: String, due: CivilDay) {
        self.key = key
        self.due = due
    }

    /// The report periods that answer for this period: its own key, and for a quarter each of its months
    /// (a unit that reports monthly has reported for the quarter); nil for due-date-only work, which any
    /// report answers.
    public var answeredBy: [String]? {
        let parts = key.split(separator: "-")
        guard parts.count == 2 else { return [key] }
        let rest = parts[1]
        if rest == "final" { return nil }
        if rest.hasPrefix("Q"), let q = Int(rest.dropFirst()), (1...4).contains(q) {
            return [key] + (1...3).map { "\(parts[0])-\(twoDigits((q - 1) * 3 + $0))" }
        }
        return [key]
    }

    /// 2015年5月, 2015年第二季度, 2015年第23周.
    public var chinese: String {
        let parts = key.split(separator: "-")
        guard parts.count == 2, let year = Int(parts[0]) else { return key }
        let rest = String(parts[1])
        if rest == "final" { return "\(year)年（到期）" }
        if rest.hasPrefix("Q") { return "\(year)年第\(["一", "二", "三", "四"][(Int(rest.dropFirst()) ?? 1) - 1])季度" }
        if rest.hasPrefix("W") { return "\(year)年第\(Int(rest.dropFirst()) ?? 0)周" }
        return "\(year)年\(Int(rest) ?? 0)月"
    }

    /// May 2015, Q2 2015, week 23 of 2015.
    public var english: String {
        let parts = key.split(separator: "-")
        guard parts.count == 2, let year = Int(parts[0]) else { return key }
        let rest = String(parts[1])
        if rest == "final" { return "\(year) (at the due date)" }
        if rest.hasPrefix("Q") { return "\(rest) \(year)" }
        if rest.hasPrefix("W") { return "week \(Int(rest.dropFirst()) ?? 0) of \(year)" }
        return "\(CivilDay.monthNames[max(0, min(11, (Int(rest) ?? 1) - 1))]) \(year)"
    }
}

/// When a unit's reports on an assignment are due.
public enum ReportingCalendar {
    /// The periods of an assignment within its plan year, each with its due day: every period whose due
    /// day lies between the assignment's start and its due date (the year's ends when they are not set).
    /// Due-date-only work has one period, due on the due date (or the year's last day).
    public static func periods(
        cycle: ReportingCycle, year: Int, start: CivilDay?, due: CivilDay?, rules: SupervisionRules
    ) -> [DuePeriod] {
        let first = max(start ?? CivilDay(year: year, month: 1, day: 1), CivilDay(year: year, month: 1, day: 1))
        let last = min(due ?? CivilDay(year: year, month: 12, day: 31), CivilDay(year: year, month: 12, day: 31))
        guard first <= last else { return [] }
        func dueIn(month: Int) -> CivilDay {
            CivilDay(year: year, month: month, day: min(rules.dueDay, CivilDay.daysIn(year: year, month: month)))
        }
        var out: [DuePeriod] = []
        switch cycle {
        case .monthly:
            for month in 1...12 {
                let d = dueIn(month: month)
                if d >= first && d <= last {
                    out.append(DuePeriod(key: "\(year)-\(twoDigits(month))", due: d))
                }
            }
        case .quarterly:
            for quarter in 1...4 {
                let d = dueIn(month: quarter * 3)
                if d >= first && d <= last { out.append(DuePeriod(key: "\(year)-Q\(quarter)", due: d)) }
            }
        case .weekly:
            // The first due weekday on or after the start, then every seventh day.
            var d = first.adding(days: ((rules.weeklyDueWeekday - first.isoWeekday) % 7 + 7) % 7)
            while d <= last {
                let week = d.isoWeek
                out.append(DuePeriod(key: "\(week.year)-W\(twoDigits(week.week))", due: d))
                d = d.adding(days: 7)
            }
        case .dueDateOnly:
            out.append(DuePeriod(key: "\(year)-final", due: last))
        }
        return out
    }
}

extension ReportingCalendar {
    /// The periods a unit may report for now, in the order a person would pick them: every period past
    /// its due day and not yet answered (missed, oldest first), then the next one coming.
    public static func owed(_ periods: [DuePeriod], reported: Set<String>, today: CivilDay) -> [(
        period: DuePeriod, overdue: Bool
    )] {
        let open = periods.filter { p in
            p.answeredBy.map { !$0.contains(where: reported.contains) } ?? reported.isEmpty
        }.sorted { $0.due < $1.due }
        let missed = open.filter { $0.due < today }
        let coming = open.first { $0.due >= today }
        return missed.map { ($0, true) } + (coming.map { [($0, false)] } ?? [])
    }

    /// What a unit owes next on an assignment: the oldest period past its due day with no report
    /// (overdue), else the next one coming; nil when every period is answered.
    public static func nextDue(_ periods: [DuePeriod], reported: Set<String>, today: CivilDay) -> (
        period: DuePeriod, overdue: Bool
    )? {
        owed(periods, reported: reported, today: today).first
    }
}

/// The stages of a reminder about one report.
public enum ReminderStage: String, Codable, Sendable, CaseIterable, Comparable, Named {
    /// A few days ahead.
    case upcoming
    /// On the due day.
    case dueToday
    /// After the due day.
    case late
    /// Late past the threshold: the lead leader is told too.
    case lateToLeader

    public var chinese: String {
        switch self {
        case .upcoming: return "即将到期"
        case .dueToday: return "今日到期"
        case .late: return "已逾期"
        case .lateToLeader: return "逾期未报（已报挂钩领导）"
        }
    }

    public var english: String {
        switch self {
        case .upcoming: return "Due soon"
        case .dueToday: return "Due today"
        case .late: return "Overdue"
        case .lateToLeader: return "Overdue (the leader told)"
        }
    }

    public var toLeader: Bool { self == .lateToLeader }
    private var rank: Int { ReminderStage.allCases.firstIndex(of: self)! }
    public static func < (a: ReminderStage, b: ReminderStage) -> Bool { a.rank < b.rank }
}

/// Reminders, automatic notices and escalation.
public enum SupervisionRulesEngine {
    /// The reminder stage for a report on `today`, or nil. One stage per day window, so a scheduler that
    /// wakes every minute and remembers what it sent sends each stage once, and one that was down for a
    /// week sends only the stage that applies now, not the ones it slept through.
    public static func reminder(
        for period: DuePeriod, filed: Bool, today: CivilDay, rules: SupervisionRules
    ) -> ReminderStage? {
        if filed { return nil }
        let late = period.due.days(until: today)
        if late < -rules.remindDaysBefore { return nil }
        if late < 0 { return .upcoming }
        if late == 0 { return .dueToday }
        if late < rules.leaderAfterDaysLate { return .late }
        if late <= rules.reminderWindowDays { return .lateToLeader }
        return nil
    }

    /// Whether a period's report counts as missed on `today`.
    public static func missed(_ period: DuePeriod, filed: Bool, today: CivilDay, rules: SupervisionRules) -> Bool {
        !filed && period.due.days(until: today) > rules.missedAfterDays
    }

    /// Why a notice is issued by itself, with the level it calls for. The trigger names the event so that
    /// one event makes one notice: the same missed month never makes a second one, even after the first
    /// was closed, but the next missed month does.
    public struct Trigger: Hashable, Sendable {
        public var level: NoticeLevel
        /// missed:2015-05, overdue, behind:2015-06.
        public var key: String
        /// The reason, for the notice (Chinese).
        public var reason: String
        public var requiredAction: String
    }

    /// The automatic notice an assignment calls for on `today`, if any: red when two cycles are missed or
    /// the item is overdue, yellow when one cycle is missed or a target is behind by more than the
    /// threshold.
    public static func automaticNotice(
        missedPeriods: [DuePeriod], overdue: Bool, behindBy: Double?, today: CivilDay, rules: SupervisionRules
    ) -> Trigger? {
        guard rules.automaticNotices else { return nil }
        if overdue {
            return Trigger(
                level: .red, key: "overdue", reason: "已超过完成时限，尚未完成",
                requiredAction: "说明未完成原因，提出整改措施和完成时间")
        }
        let sorted = missedPeriods.sorted { $0.due < $1.due }
        if let latest = sorted.last {
            let names = sorted.suffix(3).map(\.chinese).joined(separator: "、")
            if sorted.count >= 2 {
                return Trigger(
                    level: .red, key: "missed:\(latest.key)",
                    reason: "已有\(sorted.count)期未按时报送进展（\(sorted.count > 3 ? "最近三期：" : "")\(names)）",
                    requiredAction: "立即补报进展，说明未报原因")
            }
            return Trigger(
                level: .yellow, key: "missed:\(latest.key)", reason: "\(latest.chinese)进展未按时报送",
                requiredAction: "补报进展")
        }
        if let behindBy, behindBy > rules.behindThreshold {
            let points = Int((behindBy * 100).rounded())
            return Trigger(
                level: .yellow, key: "behind:\(today.year)-\(twoDigits(today.month))",
                reason: "进度落后序时进度\(points)个百分点", requiredAction: "分析落后原因，提出加快推进的措施")
        }
        return nil
    }

    /// How far an unanswered notice has escalated on `today`: 0 not at all, 1 to the lead leader (its
    /// response deadline passed), 2 to the principal leader (the level's further days passed too).
    /// A responded or closed notice escalates no further.
    public static func escalation(
        state: NoticeState, level: NoticeLevel, respondBy: CivilDay, today: CivilDay, rules: SupervisionRules
    ) -> Int {
        guard state == .issued || state == .signed else { return 0 }
        let over = respondBy.days(until: today)
        if over <= 0 { return 0 }
        return over > rules.principalAfterDays[level] ? 2 : 1
    }

    /// The day a response is due for a notice issued on `issued`.
    public static func respondBy(issued: CivilDay, level: NoticeLevel, rules: SupervisionRules) -> CivilDay {
        issued.adding(days: rules.responseDays[level])
    }
}

/// A notice's document number, as an office numbers its papers: 督〔2015〕12号.
public enum NoticeNumber {
    public static func format(year: Int, serial: Int, prefix: String = "督") -> String { "\(prefix)〔\(year)〕\(serial)号" }

    /// A number as people type it into a search box: 督〔2015〕12号, 〔2015〕12, 2015-12, 12号 or 12. The year is
    /// nil when only the serial is given; nil when the text is words rather than a number.
    public static func parse(_ text: String) -> (year: Int?, serial: Int)? {
        // Full-width digits, as a Chinese keyboard types them, are digits.
        let s = String(
            String.UnicodeScalarView(
                text.trimmingCharacters(in: .whitespaces).unicodeScalars.map {
                    (0xFF10...0xFF19).contains($0.value) ? Unicode.Scalar($0.value - 0xFF10 + 0x30)! : $0
                }))
        let groups = s.split(whereSeparator: { !$0.isASCII || !$0.isNumber }).map(String.init)
        // Only digits, brackets, separators and the words of a number: 督 … 号 第.
        let rest = s.filter { !($0.isASCII && $0.isNumber) && !"督〔〕[]()（）()-－/ 号第".contains($0) }
        guard rest.isEmpty, let last = groups.last, let serial = Int(last), serial > 0, serial < 1_000_000 else {
            return nil
        }
        switch groups.count {
        case 1: return (nil, serial)
        case 2:
            guard let year = Int(groups[0]), (1900...2200).contains(year) else { return nil }
            return (year, serial)
        default: return nil
        }
    }
}

/// Whether each period's report came on time, late, or not at all: one rule for the 月通报's counts and
/// the 考核's deductions.
public enum ReportTimeliness {
    public enum Outcome: Equatable, Sendable {
        case onTime
        case late(days: Int)
        case missing
    }

    /// The periods due by `today`, each with its outcome. `firstFiled` holds the day each report period was
    /// first filed (returned reports left out: they must be filed again); a period answered by several
    /// (a quarter by its months) takes the earliest, and due-date-only work any report at all.
    public static func outcomes(_ periods: [DuePeriod], firstFiled: [String: CivilDay], today: CivilDay) -> [(
        period: DuePeriod, outcome: Outcome
    )] {
        periods.filter { $0.due <= today }.map { p in
            let filed = p.answeredBy.map { keys in keys.compactMap { firstFiled[$0] }.min() } ?? firstFiled.values.min()
            guard let filed, filed <= today else { return (p, .missing) }
            return (p, filed <= p.due ? .onTime : .late(days: p.due.days(until: filed)))
        }
    }
}

/// What the minute's look at supervision (the scheduler's dry pass) must read. A plan's pass can only come
/// out differently when the plan was written (reports, assignments, rules, notices, feedback), when the
/// units and accounts changed, or with the clock: reminders, missed periods, overdue items and
/// escalations move by the day, and a target falls behind its expected progress as the hours go by. So
/// every plan is looked at on each new hour (and so each new day) and after any change to the directory;
/// in between, only the plans written since the last look. A province's 1,200 plans take a core for
/// half a minute to read; looking at all of them every minute would keep one busy for good.
public struct SupervisionLook: Sendable, Equatable {
    public var day: CivilDay
    public var hour: Int
    /// The directory's write counter.
    public var directory: Int
    /// Each plan's write counter; a plan never written counts as 0.
    public var plans: [UUID: Int]

    public init(day: CivilDay, hour: Int, directory: Int, plans: [UUID: Int]) {
        self.day = day
        self.hour = hour
        self.directory = directory
        self.plans = plans
    }

    /// The plans to look at now, after `last`: nil for every plan.
    public func due(after last: SupervisionLook?) -> Set<UUID>? {
        guard let last, last.day == day, last.hour == hour, last.directory == directory else { return nil }
        return Set(Set(plans.keys).union(last.plans.keys).filter { plans[$0] ?? 0 != last.plans[$0] ?? 0 })
    }
}
