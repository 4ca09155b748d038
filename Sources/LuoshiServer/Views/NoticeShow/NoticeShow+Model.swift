import Foundation
import LuoshiCore

/// One notice: its facts, files, the steps so far, and the forms of the next steps the reader may take.
enum NoticeShow {
    struct Step {
        var at: Date
        var actor: String
        var action: (chinese: String, english: String)
        var text: String?
    }

    struct File {
        var id: UUID
        var filename: String
        var uploadedAt: Date
    }

    /// The steps this reader may take now.
    struct Allowed {
        var sign = false
        var respond = false
        var sendBack = false
        var close = false
    }

    struct Model {
        /// Loaded with its item and unit.
        var notice: SupervisionNotice
        var files: [File]
        var steps: [Step]
        var allowed: Allowed
    }
}
