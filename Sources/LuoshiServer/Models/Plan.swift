import Fluent
import LuoshiCore
import Vapor

/// A work plan: its source document, its status, and the tree of items under it.
final class Plan: Model, @unchecked Sendable {
    static let schema = "plans"

    @ID(key: .id) var id: UUID?
    @Field(key: "title") var title: String
    @Field(key: "issuer") var issuer: String?
    /// The government that issued the plan; nil for a plan of the whole deployment (`Jurisdiction`).
    @OptionalParent(key: "organization_id") var owner: Organization?
    @Field(key: "year") var year: Int
    @Field(key: "status") var status: PlanStatus
    @Field(key: "source_name") var sourceName: String
    @Field(key: "source_sha256") var sourceSHA256: String
    @Field(key: "source_encoding") var sourceEncoding: String
    /// The decoded source text every span points into.
    @Field(key: "source_text") var sourceText: String
    @Field(key: "published_at") var publishedAt: Date?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Children(for: \.$plan) var items: [PlanItem]

    init() {}

    init(
        id: UUID? = nil, title: String, issuer: String?, year: Int, status: PlanStatus = .draft, sourceName: String,
        sourceSHA256: String, sourceEncoding: String, sourceText: String
    ) {
        self.id = id
        self.title = title
        self.issuer = issuer
        self.year = year
        self.status = status
        self.sourceName = sourceName
        self.sourceSHA256 = sourceSHA256
        self.sourceEncoding = sourceEncoding
        self.sourceText = sourceText
        self.publishedAt = nil
    }

    /// The source words an item came from (its span), line breaks and all; empty for an item staff added.
    func words(of item: PlanItem) -> String {
        let scalars = sourceText.unicodeScalars
        guard item.spanStart >= 0, item.spanStart < item.spanEnd, item.spanEnd <= scalars.count else { return "" }
        let start = scalars.index(scalars.startIndex, offsetBy: item.spanStart)
        let end = scalars.index(start, offsetBy: item.spanEnd - item.spanStart)
        return String(String.UnicodeScalarView(scalars[start..<end]))
    }
}

/// A node of the plan tree: area, theme, task, target or project, with the span of source text it came from.
final class PlanItem: Model, @unchecked Sendable {
    static let schema = "plan_items"

    @ID(key: .id) var id: UUID?
    @Parent(key: "plan_id") var plan: Plan
    @OptionalParent(key: "parent_id") var parent: PlanItem?
    @Field(key: "kind") var kind: ItemKind
    /// Order among the plan's items (document order).
    @Field(key: "position") var position: Int
    /// The item's number in the exchange format ("3.2", "t12", "p19").
    @Field(key: "code") var code: String
    @Field(key: "number") var number: String?
    @Field(key: "title") var title: String
    @Field(key: "span_start") var spanStart: Int
    @Field(key: "span_end") var spanEnd: Int
    // Targets
    @Field(key: "headline") var headline: Bool
    @Field(key: "subject") var subject: String?
    @Field(key: "comparator") var comparator: TargetComparator?
    @Field(key: "value") var value: Double?
    @Field(key: "value_min") var valueMin: Double?
    @Field(key: "value_max") var valueMax: Double?
    @Field(key: "unit") var unit: String?
    @Field(key: "baseline") var baseline: Double?
    /// The year the baseline speaks of (比2014年的…) and where the document states it.
    @Field(key: "baseline_year") var baselineYear: Int?
    @Field(key: "baseline_span_start") var baselineSpanStart: Int?
    @Field(key: "baseline_span_end") var baselineSpanEnd: Int?
    @Field(key: "per") var per: String?
    /// A project's attributes as JSON `[ProjectAttribute]`.
    @Field(key: "attributes") var attributesJSON: String?
    /// Retired items leave the live plan but are never deleted: who, when, why, and for a merge the
    /// item that took over its reports and notices.
    @Field(key: "retired_at") var retiredAt: Date?
    @Field(key: "retired_by") var retiredBy: String?
    @Field(key: "retired_reason") var retiredReason: String?
    @OptionalParent(key: "merged_into_id") var mergedInto: PlanItem?
    /// 上级交办: the higher government's item this one was handed down from (`HandDown`).
    @OptionalField(key: "source_item_id") var sourceItemID: UUID?

    var attributes: [ProjectAttribute] {
        guard let json = attributesJSON?.data(using: .utf8) else { return [] }
        return (try? JSONDecoder().decode([ProjectAttribute].self, from: json)) ?? []
    }

    init() {}

    init(
        id: UUID? = nil, planID: UUID, parentID: UUID?, kind: ItemKind, position: Int, code: String, number: String?,
        title: String, span: Span
    ) {
        self.id = id
        self.$plan.id = planID
        self.$parent.id = parentID
        self.kind = kind
        self.position = position
        self.code = code
        self.number = number
        self.title = title
        self.spanStart = span.start
        self.spanEnd = span.end
        self.headline = false
        self.subject = nil
        self.comparator = nil
        self.value = nil
        self.valueMin = nil
        self.valueMax = nil
        self.unit = nil
        self.baseline = nil
        self.baselineYear = nil
        self.baselineSpanStart = nil
        self.baselineSpanEnd = nil
        self.per = nil
        self.attributesJSON = nil
        self.retiredAt = nil
        self.retiredBy = nil
        self.retiredReason = nil
        self.$mergedInto.id = nil
    }

    /// The items of a plan's live tree: retired ones are left out.
    static func live(plan: UUID, on db: any Database) -> QueryBuilder<PlanItem> {
        PlanItem.query(on: db).filter(\.$plan.$id == plan).filter(\.$retiredAt == nil)
    }

    /// The baseline as the exchange format gives it.
    var targetBaseline: TargetBaseline? {
        guard let baseline else { return nil }
        let span = baselineSpanStart.flatMap { s in baselineSpanEnd.map { Span(start: s, end: $0) } }
        return TargetBaseline(value: baseline, unit: unit, year: baselineYear, span: span)
    }

    var targetSpec: TargetSpec? {
        guard kind == .target, let c = comparator else { return nil }
        return TargetSpec(comparator: c, value: value, valueMin: valueMin, valueMax: valueMax, baseline: baseline)
    }
}
