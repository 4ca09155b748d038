import Fluent
import Foundation
import LuoshiCore
import Vapor

/// The signed-in user's unread messages, counted once per page request.
struct UnreadCountKey: StorageKey { typealias Value = Int }

/// Counts unread messages for the header of every page a signed-in person opens; API calls and assets
/// skip it.
struct UnreadCountMiddleware: AsyncMiddleware {
    func respond(to req: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        if req.method == .GET, let user = req.auth.get(User.self), !req.url.path.hasPrefix("/api/"),
            !req.url.path.hasPrefix("/assets/")
        {
            let cache = req.application.snapshots
            if let count = await cache.unreadCount(user.id!) {
                req.storage[UnreadCountKey.self] = count
            } else {
                let count = try await Inbox.unread(user, on: req.db)
                await cache.setUnreadCount(user.id!, count)
                req.storage[UnreadCountKey.self] = count
            }
        }
        return try await next.respond(to: req)
    }
}
