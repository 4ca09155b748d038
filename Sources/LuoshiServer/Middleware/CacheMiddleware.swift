import Fluent
import Foundation
import LuoshiCore
import Vapor

/// Signs in the session's user, from the cache while the database has not changed.
///
/// A plain middleware rather than Vapor's session authenticator: that one also stores whoever is
/// signed in into the session after each request, which for a bearer-token API call would create a
/// session (a database write and a cookie) per call. Sign-in pages store the user themselves.
struct CachedUserSessionAuthenticator: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        if !request.auth.has(User.self), request.hasSession,
            let id = request.session.authenticated(User.self)
        {
            let version = try await SnapshotCache.version(request)
            let cache = request.application.snapshots
            // A disabled account's sessions are ended when it is disabled; this is the second lock.
            if let user = await cache.user(id, version: version) {
                if user.disabledAt == nil { request.auth.login(user) }
            } else if let user = try await User.find(id, on: request.db) {
                await cache.store(user: user, version: version)
                if user.disabledAt == nil { request.auth.login(user) }
            }
        }
        return try await next.respond(to: request)
    }
}

/// Any write through this process makes the next read look at the database's version again.
struct WriteInvalidationMiddleware: Middleware {
    /// Reads pass straight through, with no task started (see `SecurityHeadersMiddleware`).
    func respond(to request: Request, chainingTo next: any Responder) -> EventLoopFuture<Response> {
        guard request.method != .GET && request.method != .HEAD else { return next.respond(to: request) }
        return next.respond(to: request).flatMapAlways { result in
            request.application.publicPages.invalidate()
            return request.eventLoop.makeFutureWithTask {
                await request.application.snapshots.invalidate()
                return try result.get()
            }
        }
    }
}
