import Fluent
import Foundation

/// Who runs a piece of background work for now (`supervision`: the minute's pass, following mails, erasing
/// expired contacts). Several app servers share one database; the lease keeps that work to one of them at a
/// time, and passes to another when its holder stops renewing it (stopped, or killed).
final class BackgroundLease: Model, @unchecked Sendable {
    static let schema = "background_leases"

    @ID(custom: "name", generatedBy: .user) var id: String?
    @Field(key: "holder") var holder: String
    @Field(key: "until") var until: Date

    init() {}
}
