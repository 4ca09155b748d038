import Foundation

/// The audit log, newest first, with the check of its hash chain.
enum AuditLog {
    struct Entry {
        var sequence: Int
        var at: Date
        var actor: String
        /// The step in words; a code the app no longer writes shows as itself.
        var action: (chinese: String, english: String)
        var entity: (chinese: String, english: String)
        var entityID: String
        var hash: String
    }

    struct Model {
        var entries: [Entry]
        var count: Int
        /// The first entry whose hash does not follow from the one before, if any.
        var brokenAt: String?
        var page: Paging
    }
}
