/// A plan in the exchange format `luoshi-plan/1` (see `shared/docs/plan-format.md`).
///
/// Every field the format names is always encoded: a value the document does not give is
/// `null` (or `[]` for a list), so a consumer can tell "not found" from "not asked".
public struct PlanDocument: Codable, Sendable, Equatable {
    public static let formatName = "luoshi-plan/1"

    public var format: String
    public var title: String?
    public var issuer: String?
    public var year: Int?
    /// ISO date (`2015-01-23`) when the document states one.
    public var published: String?
    public var source: PlanSource
    /// The part of a 政府工作报告 that sets out the plan year's work; nil when the whole document is the plan.
    public var planSection: PlanSectionRef?
    public var sections: [PlanSection]
    public var targets: [PlanTarget]
    public var projects: [PlanProject]
    public var mechanisms: [PlanMechanism]

    public init(
        title: String? = nil, issuer: String? = nil, year: Int? = nil, published: String? = nil,
        source: PlanSource, planSection: PlanSectionRef? = nil, sections: [PlanSection] = [],
        targets: [PlanTarget] = [], projects: [PlanProject] = [], mechanisms: [PlanMechanism] = []
    ) {
        self.format = Self.formatName
        self.title = title
        self.issuer = issuer
        self.year = year
        self.published = published
        self.source = source
        self.planSection = planSection
        self.sections = sections
        self.targets = targets
        self.projects = projects
        self.mechanisms = mechanisms
    }

    enum CodingKeys: String, CodingKey {
        case format, title, issuer, year, published, source, planSection, sections, targets, projects, mechanisms
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(format, forKey: .format)
        try c.encode(title, forKey: .title)
        try c.encode(issuer, forKey: .issuer)
        try c.encode(year, forKey: .year)
        try c.encode(published, forKey: .published)
        try c.encode(source, forKey: .source)
        try c.encode(planSection, forKey: .planSection)
        try c.encode(sections, forKey: .sections)
        try c.encode(targets, forKey: .targets)
        try c.encode(projects, forKey: .projects)
        try c.encode(mechanisms, forKey: .mechanisms)
    }

    /// All sections, depth first, with their depth (1 = area).
    public func allSections() -> [(level: Int, section: PlanSection)] {
        var out: [(Int, PlanSection)] = []
        func walk(_ list: [PlanSection], _ level: Int) {
            for s in list {
                out.append((level, s))
                walk(s.sections, level + 1)
            }
        }
        walk(sections, 1)
        return out
    }
}

/// Offsets in Unicode scalars into the decoded source text; `end` is exclusive.
public struct Span: Codable, Sendable, Equatable, Hashable {
    public var start: Int
    public var end: Int
    public init(start: Int, end: Int) {
        self.start = start
        self.end = end
    }
    public var length: Int { end - start }
}

/// Where a plan came from.
public struct PlanSource: Codable, Sendable, Equatable {
    public var name: String
    public var sha256: String
    /// The encoding the bytes were decoded from (`UTF-8`, `GB18030`, `UTF-16LE`, …).
    public var encoding: String
    /// Unicode scalars in the decoded text.
    public var characters: Int
    public init(name: String, sha256: String, encoding: String, characters: Int) {
        self.name = name
        self.sha256 = sha256
        self.encoding = encoding
        self.characters = characters
    }
}

public struct PlanSectionRef: Codable, Sendable, Equatable {
    public var heading: String
    public var span: Span
    public init(heading: String, span: Span) {
        self.heading = heading
        self.span = span
    }
}

/// A node of the plan tree: an area (level 1, 一、), a theme (level 2), or deeper.
public struct PlanSection: Codable, Sendable, Equatable {
    public var id: String
    /// The numbering as written, without punctuation ("一", "3"); nil for an unnumbered head.
    public var number: String?
    public var title: String
    public var level: Int
    public var span: Span
    public var tasks: [PlanTask]
    public var sections: [PlanSection]

    public init(
        id: String, number: String?, title: String, level: Int, span: Span, tasks: [PlanTask] = [],
        sections: [PlanSection] = []
    ) {
        self.id = id
        self.number = number
        self.title = title
        self.level = level
        self.span = span
        self.tasks = tasks
        self.sections = sections
    }

    enum CodingKeys: String, CodingKey { case id, number, title, level, span, tasks, sections }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(number, forKey: .number)
        try c.encode(title, forKey: .title)
        try c.encode(level, forKey: .level)
        try c.encode(span, forKey: .span)
        try c.encode(tasks, forKey: .tasks)
        try c.encode(sections, forKey: .sections)
    }
}

/// One distinct commitment of a section, in the document's words.
public struct PlanTask: Codable, Sendable, Equatable {
    public var id: String
    public var text: String
    public var span: Span
    /// Null from the reader; filled in the server's open-data export.
    public var progress: ItemProgress?

    public init(id: String, text: String, span: Span, progress: ItemProgress? = nil) {
        self.id = id
        self.text = text
        self.span = span
        self.progress = progress
    }

    enum CodingKeys: String, CodingKey { case id, text, span, progress }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(text, forKey: .text)
        try c.encode(progress, forKey: .progress)
        try c.encode(span, forKey: .span)
    }
}

/// Where a task or target stands in the server's open-data export (`plan.json` of a released plan): the
/// latest accepted figure, and every accepted report. Only what the public pages show.
public struct ItemProgress: Codable, Sendable, Equatable {
    public var asOf: String
    public var status: ItemStatus
    public var colour: StatusColour
    public var actual: Double?
    /// 0–100.
    public var percent: Int?
    public var leadUnit: String?
    public var leader: String?
    public var history: [Entry]

    public struct Entry: Codable, Sendable, Equatable {
        public var period: String
        public var actual: Double?
        public var percent: Int?
        public var narrative: String
        /// The day it was accepted, ISO.
        public var accepted: String

        public init(period: String, actual: Double?, percent: Int?, narrative: String, accepted: String) {
            self.period = period
            self.actual = actual
            self.percent = percent
            self.narrative = narrative
            self.accepted = accepted
        }

        enum CodingKeys: String, CodingKey { case period, actual, percent, narrative, accepted }

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(period, forKey: .period)
            try c.encode(actual, forKey: .actual)
            try c.encode(percent, forKey: .percent)
            try c.encode(narrative, forKey: .narrative)
            try c.encode(accepted, forKey: .accepted)
        }
    }

    public init(
        asOf: String, status: ItemStatus, colour: StatusColour, actual: Double?, percent: Int?, leadUnit: String?,
        leader: String?, history: [Entry]
    ) {
        self.asOf = asOf
        self.status = status
        self.colour = colour
        self.actual = actual
        self.percent = percent
        self.leadUnit = leadUnit
        self.leader = leader
        self.history = history
    }

    enum CodingKeys: String, CodingKey { case asOf, status, colour, actual, percent, leadUnit, leader, history }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(asOf, forKey: .asOf)
        try c.encode(status, forKey: .status)
        try c.encode(colour, forKey: .colour)
        try c.encode(actual, forKey: .actual)
        try c.encode(percent, forKey: .percent)
        try c.encode(leadUnit, forKey: .leadUnit)
        try c.encode(leader, forKey: .leader)
        try c.encode(history, forKey: .history)
    }
}

/// A quantitative target: one per quantity.
public struct PlanTarget: Codable, Sendable, Equatable {
    public var id: String
    /// The id of the section it belongs to; nil for headline targets.
    public var section: String?
    public var headline: Bool
    /// The clause the quantity comes from, line breaks removed.
    public var text: String
    public var quantityText: String
    public var subject: String?
    public var action: String?
    public var comparator: TargetComparator
    public var value: Double?
    public var valueMin: Double?
    public var valueMax: Double?
    public var unit: String?
    public var per: String?
    public var year: Int?
    public var scope: String?
    public var span: Span
    /// The starting point the document states (从77%提高到80% → 77 %), in the target's unit; nil when none is given.
    public var baseline: TargetBaseline?
    /// Null from the reader; filled in the server's open-data export.
    public var progress: ItemProgress? = nil

    public init(
        id: String, section: String?, headline: Bool, text: String, quantityText: String, subject: String?,
        action: String?, comparator: TargetComparator, value: Double?, valueMin: Double?, valueMax: Double?,
        unit: String?, per: String?, year: Int?, scope: String?, span: Span, baseline: TargetBaseline? = nil
    ) {
        self.id = id
        self.section = section
        self.headline = headline
        self.text = text
        self.quantityText = quantityText
        self.subject = subject
        self.action = action
        self.comparator = comparator
        self.value = value
        self.valueMin = valueMin
        self.valueMax = valueMax
        self.unit = unit
        self.per = per
        self.year = year
        self.scope = scope
        self.span = span
        self.baseline = baseline
    }

    enum CodingKeys: String, CodingKey {
        case id, section, headline, text, quantityText, subject, action, comparator, value, valueMin, valueMax,
            unit, per, year, scope, baseline, progress, span
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(section, forKey: .section)
        try c.encode(headline, forKey: .headline)
        try c.encode(text, forKey: .text)
        try c.encode(quantityText, forKey: .quantityText)
        try c.encode(subject, forKey: .subject)
        try c.encode(action, forKey: .action)
        try c.encode(comparator, forKey: .comparator)
        try c.encode(value, forKey: .value)
        try c.encode(valueMin, forKey: .valueMin)
        try c.encode(valueMax, forKey: .valueMax)
        try c.encode(unit, forKey: .unit)
        try c.encode(per, forKey: .per)
        try c.encode(year, forKey: .year)
        try c.encode(scope, forKey: .scope)
        try c.encode(baseline, forKey: .baseline)
        try c.encode(progress, forKey: .progress)
        try c.encode(span, forKey: .span)
    }
}

/// Where a target starts from, as the document states it: 从77%提高到80% → 77 %; 比2014年的1.2万人增加到… →
/// 12000 人 in 2014. The value is normalised like a target's (万/亿 multiplied out, the same unit as the target).
public struct TargetBaseline: Codable, Sendable, Equatable {
    public var value: Double
    public var unit: String?
    /// The year the baseline is of, when the document states it (比2014年的…, 比上年的…).
    public var year: Int?
    /// Where the baseline's quantity words stand in the source.
    public var span: Span?

    public init(value: Double, unit: String? = nil, year: Int? = nil, span: Span? = nil) {
        self.value = value
        self.unit = unit
        self.year = year
        self.span = span
    }

    enum CodingKeys: String, CodingKey { case value, unit, year, span }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(value, forKey: .value)
        try c.encode(unit, forKey: .unit)
        try c.encode(year, forKey: .year)
        try c.encode(span, forKey: .span)
    }
}

/// How a target's value is to be met.
public enum TargetComparator: String, Codable, Sendable, CaseIterable {
    /// 以上, 不低于, 不少于, 至少, 超过, 突破
    case atLeast = ">="
    /// 以下, 以内, 不超过, 控制在…以内
    case atMost = "<="
    /// A plain figure.
    case equal = "="
    /// 约, 左右
    case approximately = "~"
    /// 2—3支, 7%至8%
    case range = "range"
}

/// A named project, enterprise or facility.
public struct PlanProject: Codable, Sendable, Equatable {
    public var id: String
    public var name: String
    public var section: String?
    public var attributes: [ProjectAttribute]
    public var span: Span
    public init(id: String, name: String, section: String?, attributes: [ProjectAttribute], span: Span) {
        self.id = id
        self.name = name
        self.section = section
        self.attributes = attributes
        self.span = span
    }

    enum CodingKeys: String, CodingKey { case id, name, section, attributes, span }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(name, forKey: .name)
        try c.encode(section, forKey: .section)
        try c.encode(attributes, forKey: .attributes)
        try c.encode(span, forKey: .span)
    }
}

/// A measured attribute of a project: `investment`, `length`, `siteArea`, `floorArea`, `width`, `capacity`.
public struct ProjectAttribute: Codable, Sendable, Equatable {
    public var name: String
    public var comparator: TargetComparator
    public var value: Double?
    public var unit: String?
    public init(name: String, comparator: TargetComparator, value: Double?, unit: String?) {
        self.name = name
        self.comparator = comparator
        self.value = value
        self.unit = unit
    }

    enum CodingKeys: String, CodingKey { case name, comparator, value, unit }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(name, forKey: .name)
        try c.encode(comparator, forKey: .comparator)
        try c.encode(value, forKey: .value)
        try c.encode(unit, forKey: .unit)
    }
}

/// An institutional system the plan commits to (河长制, 督查督办体系).
public struct PlanMechanism: Codable, Sendable, Equatable {
    public var name: String
    public var section: String?
    public var span: Span
    public init(name: String, section: String?, span: Span) {
        self.name = name
        self.section = section
        self.span = span
    }

    enum CodingKeys: String, CodingKey { case name, section, span }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(name, forKey: .name)
        try c.encode(section, forKey: .section)
        try c.encode(span, forKey: .span)
    }
}
