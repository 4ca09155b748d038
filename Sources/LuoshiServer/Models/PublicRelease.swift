import Fluent
import Foundation
import LuoshiCore

/// A plan as staff released it to the public. Citizens see this, not the plan as staff edit it now: an edit
/// shows on the public site once staff release the plan again. Each release is kept; none is deleted.
final class PublicRelease: Model, @unchecked Sendable {
    static let schema = "public_releases"

    @ID(key: .id) var id: UUID?
    @Parent(key: "plan_id") var plan: Plan
    /// 1 for the first release of the plan, then 2, 3…
    @Field(key: "number") var number: Int
    @Field(key: "released_at") var releasedAt: Date
    @Field(key: "released_by") var releasedBy: String
    /// What changed, in staff's words, shown on the public page.
    @Field(key: "note") var note: String
    @Field(key: "content_json") var contentJSON: String
    @Field(key: "sha256") var sha256: String

    init() {}

    init(planID: UUID, number: Int, at: Date, by actor: String, note: String, content: ReleasedPlan) throws {
        self.$plan.id = planID
        self.number = number
        self.releasedAt = at
        self.releasedBy = actor
        self.note = note
        let data = try ReleasedPlan.encoder.encode(content)
        self.contentJSON = String(decoding: data, as: UTF8.self)
        self.sha256 = Fingerprint.sha256Hex(data)
    }

    var content: ReleasedPlan? { try? ReleasedPlan.decoder.decode(ReleasedPlan.self, from: Data(contentJSON.utf8)) }
}
