import Foundation

/// A person's messages, newest first.
enum InboxPage {
    struct Message {
        var id: UUID
        var title: String
        var body: String
        /// A path of this site the message is about.
        var link: String?
        var createdAt: Date
        var unread: Bool
    }

    struct Model {
        var page: Paging
        var messages: [Message]
    }
}
