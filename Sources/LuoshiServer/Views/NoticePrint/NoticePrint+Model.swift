import Foundation
import LuoshiCore

/// A notice on one printed page, with the office's masthead, as a 公文 looks.
enum NoticePrint {
    struct Model {
        /// Loaded with its item and unit.
        var notice: SupervisionNotice
        var issuer: String
        var deadline: String
    }
}
