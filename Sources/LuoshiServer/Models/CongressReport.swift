import Fluent
import Foundation
import LuoshiCore

/// The government's report to the people's congress (人大) on the plan's execution, for a half year or a
/// year: drafted from the data, its words edited by staff, then issued (as Word and as a public page) and
/// no longer changed. Kept, never deleted.
final class CongressReport: Model, @unchecked Sendable {
    static let schema = "congress_reports"

    @ID(key: .id) var id: UUID?
    @Parent(key: "plan_id") var plan: Plan
    /// "2015-H1" for the half year, "2015" for the year.
    @Field(key: "period") var period: String
    @Field(key: "content_json") var contentJSON: String
    @Field(key: "issued") var issued: Bool
    @Field(key: "drafted_by") var draftedBy: String
    @Field(key: "drafted_at") var draftedAt: Date
    @Field(key: "issued_by") var issuedBy: String?
    @Field(key: "issued_at") var issuedAt: Date?

    init() {}

    init(plan: UUID, period: String, content: CongressReportContent, by actor: String, at: Date) throws {
        self.$plan.id = plan
        self.period = period
        self.contentJSON = String(decoding: try JSONEncoder().encode(content), as: UTF8.self)
        self.issued = false
        self.draftedBy = actor
        self.draftedAt = at
        self.issuedBy = nil
        self.issuedAt = nil
    }

    var content: CongressReportContent? {
        try? JSONDecoder().decode(CongressReportContent.self, from: Data(contentJSON.utf8))
    }
}

/// The report's four parts, as the 监督法 practice has them, and the table of the main targets.
struct CongressReportContent: Codable, Sendable, Equatable {
    struct TargetRow: Codable, Sendable, Equatable {
        var target: String
        var plan: String
        var actual: String
        var rate: String
    }

    var title: String
    /// The day the figures stand at.
    var asOf: String
    /// 一、执行人大决议和主要目标的情况 (words), with `targets` as its table.
    var resolutions: String
    var targets: [TargetRow]
    /// 二、各领域工作进展.
    var work: String
    /// 三、存在的问题和下一步打算.
    var problems: String
    /// 四、其他事项.
    var other: String
}
