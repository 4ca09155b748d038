import Foundation

/// What a browser sees when a request fails: the status and the reason, in the request's language.
enum ErrorPage {
    struct Model {
        var status: Int
        var message: String
    }
}
