import Foundation

/// The sign-in page.
enum Login {
    struct Model {
        /// Where to go after signing in (a path of this site).
        var next: String
        /// Whether the last attempt failed.
        var failed: Bool
    }
}
