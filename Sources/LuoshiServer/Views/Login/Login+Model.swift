import Foundation

/// The sign-in page.
enum Login {
    struct Model {
        /// Where to go after signing in (a path of this site).
        var next: String
        /// Why the last attempt failed, if it did.
        var error: String?
    }
}
