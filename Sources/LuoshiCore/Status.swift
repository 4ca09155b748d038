import Foundation

/// Where an item stands (进展状态).
public enum ItemStatus: String, Codable, Sendable, CaseIterable, Comparable, Named {
    case done, onTrack, notStarted, atRisk, behind, overdue

    public var chinese: String {
        switch self {
        case .notStarted: return "未启动"
        case .onTrack: return "正常推进"
        case .atRisk: return "存在风险"
        case .behind: return "进度滞后"
        case .overdue: return "已逾期"
        case .done: return "已完成"
        }
    }

    public var english: String {
        switch self {
        case .notStarted: return "Not started"
        case .onTrack: return "On track"
        case .atRisk: return "At risk"
        case .behind: return "Behind"
        case .overdue: return "Overdue"
        case .done: return "Done"
        }
    }

    /// green for done, on track and not yet due to start; yellow at risk; red behind or overdue.
    public var colour: StatusColour {
        switch self {
        case .done, .onTrack, .notStarted: return .green
        case .atRisk: return .yellow
        case .behind, .overdue: return .red
        }
    }

    /// Worse statuses sort later.
    public var severity: Int {
        switch self {
        case .done: return 0
        case .onTrack: return 1
        case .notStarted: return 2
        case .atRisk: return 3
        case .behind: return 4
        case .overdue: return 5
        }
    }
    public static func < (a: ItemStatus, b: ItemStatus) -> Bool { a.severity < b.severity }
}

/// 红黄绿灯
public enum StatusColour: String, Codable, Sendable, CaseIterable, Named {
    case green, yellow, red

    public var chinese: String {
        switch self {
        case .green: return "绿"
        case .yellow: return "黄"
        case .red: return "红"
        }
    }

    public var english: String {
        switch self {
        case .green: return "Green"
        case .yellow: return "Yellow"
        case .red: return "Red"
        }
    }
}

/// What a target promises, for measuring progress against it.
public struct TargetSpec: Sendable, Equatable, Codable {
    public var comparator: TargetComparator
    public var value: Double?
    public var valueMin: Double?
    public var valueMax: Double?
    /// Where the count starts (从77%提高到80%: 77); 0 when the plan does not say.
    public var baseline: Double?

    public init(
        comparator: TargetComparator, value: Double?, valueMin: Double? = nil, valueMax: Double? = nil,
        baseline: Double? = nil
    ) {
        self.comparator = comparator
        self.value = value
        self.valueMin = valueMin
        self.valueMax = valueMax
        self.baseline = baseline
    }
}

/// The latest accepted report's figures.
public struct ProgressObservation: Sendable, Equatable {
    public var actualValue: Double?
    public var percentComplete: Double?
    public var reportedAt: Date
    public init(actualValue: Double? = nil, percentComplete: Double? = nil, reportedAt: Date) {
        self.actualValue = actualValue
        self.percentComplete = percentComplete
        self.reportedAt = reportedAt
    }
}

/// Thresholds of the status rules, per plan.
public struct StatusThresholds: Sendable, Equatable, Codable {
    /// Progress this far behind the expected share is at risk (yellow).
    public var atRisk: Double
    /// Progress this far behind is behind (red).
    public var behind: Double
    /// Below this expected share an item without reports has simply not started.
    public var startGrace: Double

    public init(atRisk: Double = 0.10, behind: Double = 0.25, startGrace: Double = 0.10) {
        self.atRisk = atRisk
        self.behind = behind
        self.startGrace = startGrace
    }
    public static let standard = StatusThresholds()
}

/// The status of one item and the figures behind it.
public struct StatusResult: Sendable, Equatable {
    public var status: ItemStatus
    /// The share of the work that should be done by now, 0…1.
    public var expected: Double
    /// The share that is done, 0…1; nil when nothing was reported.
    public var progress: Double?
    public var colour: StatusColour { status.colour }
}

/// The status rules (see README, "Status"). Pure: the moment is passed in, never read.
public enum StatusRules {
    /// The share of an item's period that has passed at `now`: linear from start to due, or by
    /// milestones when the plan names them (a milestone's date and the share it stands for).
    public static func expectedProgress(
        start: Date?, due: Date?, now: Date, milestones: [(date: Date, share: Double)] = []
    ) -> Double {
        guard let due else { return 0 }
        let begin = start ?? due
        if now >= due { return 1 }
        if now <= begin { return 0 }
        let points = milestones.filter { $0.date > begin && $0.date < due }.sorted { $0.date < $1.date }
        if !points.isEmpty {
            var previous = (date: begin, share: 0.0)
            for p in points + [(date: due, share: 1.0)] {
                if now <= p.date {
                    let span = p.date.timeIntervalSince(previous.date)
                    let into = now.timeIntervalSince(previous.date)
                    return previous.share + (p.share - previous.share) * (span > 0 ? into / span : 1)
                }
                previous = p
            }
            return 1
        }
        return now.timeIntervalSince(begin) / due.timeIntervalSince(begin)
    }

    /// How much of a target is reached by an actual figure, 0…1. A ceiling (失业率4%以内) is reached
    /// while the figure stays under it.
    public static func targetProgress(_ target: TargetSpec, actual: Double) -> Double {
        let base = target.baseline ?? 0
        let goal: Double?
        switch target.comparator {
        case .atMost:
            guard let ceiling = target.value ?? target.valueMax else { return 0 }
            return actual <= ceiling ? 1 : 0
        case .range:
            goal = target.valueMin ?? target.value
        case .atLeast, .equal, .approximately:
            goal = target.value
        }
        guard let goal else { return 0 }
        if goal == base { return actual >= goal ? 1 : 0 }
        let share = (actual - base) / (goal - base)
        return min(1, max(0, share))
    }

    /// The status of an item at `now`.
    public static func evaluate(
        start: Date?, due: Date?, target: TargetSpec?, latest: ProgressObservation?, completed: Bool = false,
        now: Date, thresholds: StatusThresholds = .standard, milestones: [(date: Date, share: Double)] = []
    ) -> StatusResult {
        let expected = expectedProgress(start: start, due: due, now: now, milestones: milestones)
        var progress: Double?
        var ceilingHeld = false
        if let latest {
            if let target, let actual = latest.actualValue {
                progress = targetProgress(target, actual: actual)
                if target.comparator == .atMost { ceilingHeld = progress == 1 }
            } else if let percent = latest.percentComplete {
                progress = min(1, max(0, percent / 100))
            }
        }
        if completed { return StatusResult(status: .done, expected: expected, progress: 1) }
        if let p = progress {
            // A ceiling is only done when its period is over; until then staying under it is on track.
            if target?.comparator == .atMost {
                if !ceilingHeld {
                    return StatusResult(
                        status: due.map { now > $0 } == true ? .overdue : .behind, expected: expected, progress: p)
                }
                let over = due.map { now >= $0 } ?? false
                return StatusResult(status: over ? .done : .onTrack, expected: expected, progress: p)
            }
            if p >= 1 { return StatusResult(status: .done, expected: expected, progress: p) }
        }
        if let due, now > due { return StatusResult(status: .overdue, expected: expected, progress: progress) }
        let gap = expected - (progress ?? 0)
        if progress == nil && expected < thresholds.startGrace {
            return StatusResult(status: .notStarted, expected: expected, progress: nil)
        }
        let status: ItemStatus = gap <= thresholds.atRisk ? .onTrack : gap <= thresholds.behind ? .atRisk : .behind
        return StatusResult(status: status, expected: expected, progress: progress)
    }
}

/// Rolling item statuses up to theme, area and plan.
public enum RollUp {
    public struct Child: Sendable, Equatable {
        public var weight: Double?
        public var expected: Double
        public var progress: Double
        public var status: ItemStatus
        public init(weight: Double?, expected: Double, progress: Double, status: ItemStatus) {
            self.weight = weight
            self.expected = expected
            self.progress = progress
            self.status = status
        }
    }

    public struct Result: Sendable, Equatable {
        public var progress: Double
        public var expected: Double
        public var counts: [ItemStatus: Int]
        public var status: ItemStatus
        public var total: Int { counts.values.reduce(0, +) }
    }

    /// Weighted by assignment weights when every child has one, else the plain average; the parent's
    /// status compares the rolled progress with the rolled expectation, as for one item, and is
    /// overdue when most of its children are.
    public static func combine(_ children: [Child], thresholds: StatusThresholds = .standard) -> Result {
        var counts: [ItemStatus: Int] = [:]
        for c in children { counts[c.status, default: 0] += 1 }
        guard !children.isEmpty else { return Result(progress: 0, expected: 0, counts: [:], status: .notStarted) }
        let weighted = children.allSatisfy { ($0.weight ?? 0) > 0 }
        let weights = children.map { weighted ? $0.weight! : 1 }
        let total = weights.reduce(0, +)
        let progress = zip(children, weights).reduce(0) { $0 + $1.0.progress * $1.1 } / total
        let expected = zip(children, weights).reduce(0) { $0 + $1.0.expected * $1.1 } / total
        let status: ItemStatus
        if counts[.done, default: 0] == children.count {
            status = .done
        } else if counts[.overdue, default: 0] * 2 > children.count {
            status = .overdue
        } else if progress == 0 && expected < thresholds.startGrace {
            status = .notStarted
        } else {
            let gap = expected - progress
            status = gap <= thresholds.atRisk ? .onTrack : gap <= thresholds.behind ? .atRisk : .behind
        }
        return Result(progress: progress, expected: expected, counts: counts, status: status)
    }
}

/// One item as every part of Luoshi sees it when asking "where does it stand": its schedule, its
/// target, its latest accepted report and its milestones. Pages, API, exports and the supervision
/// pass all evaluate it with `evaluate(now:calendar:)`, so they cannot disagree.
public struct ItemProgressInput: Sendable {
    public struct Mark: Sendable, Equatable {
        public var date: Date
        public var share: Double
        public var reached: Bool

        public init(date: Date, share: Double, reached: Bool) {
            self.date = date
            self.share = share
            self.reached = reached
        }
    }

    /// The plan's year: an item without dates runs over it.
    public var planYear: Int
    public var start: Date?
    /// The assigned due date; it counts to the end of its day.
    public var due: Date?
    public var target: TargetSpec?
    public var latest: ProgressObservation?
    /// The latest accepted report's milestone words (完成 marks the work done).
    public var latestMilestone: String?
    public var milestones: [Mark]

    public init(
        planYear: Int, start: Date?, due: Date?, target: TargetSpec?, latest: ProgressObservation?,
        latestMilestone: String?, milestones: [Mark]
    ) {
        self.planYear = planYear
        self.start = start
        self.due = due
        self.target = target
        self.latest = latest
        self.latestMilestone = latestMilestone
        self.milestones = milestones
    }

    /// The words a report uses to say the work is finished, in either of the app's languages.
    public static let doneWords: Set<String> = ["完成", "done"]

    /// The first moment of the item's period: its start, or the plan year's first day.
    public func periodStart(calendar: Calendar) -> Date {
        start ?? CivilDay(year: planYear, month: 1, day: 1).start(in: calendar)
    }

    /// The last moment of the item's period: the end (23:59:59) of its due day, or of the plan year's
    /// last day.
    public func periodEnd(calendar: Calendar) -> Date {
        let day = due.map { CivilDay($0, calendar: calendar) } ?? CivilDay(year: planYear, month: 12, day: 31)
        return day.adding(days: 1).start(in: calendar).addingTimeInterval(-1)
    }

    /// Done by a report that says so, or by reaching every milestone.
    public var reportedDone: Bool {
        latestMilestone.map { Self.doneWords.contains($0.trimmingCharacters(in: .whitespaces).lowercased()) } == true
            || (!milestones.isEmpty && milestones.allSatisfy(\.reached))
    }

    /// The item's status at `now`, by the one set of status rules.
    public func evaluate(now: Date, calendar: Calendar, thresholds: StatusThresholds = .standard) -> StatusResult {
        StatusRules.evaluate(
            start: periodStart(calendar: calendar), due: periodEnd(calendar: calendar), target: target,
            latest: latest, completed: reportedDone, now: now, thresholds: thresholds,
            milestones: milestones.map { (date: $0.date, share: $0.share) })
    }
}
