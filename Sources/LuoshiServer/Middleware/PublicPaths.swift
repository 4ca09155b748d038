import Vapor

/// The public site's paths, `/public` and below, pass by the middleware of signed-in use.
enum PublicPaths {
    /// The request's target (path and query) as sent, read once: `URI`'s accessors rebuild it through
    /// Foundation on every call, which cost more than serving a cached page once six middlewares asked.
    static func target(_ request: Request) -> String {
        if let t = request.storage[TargetKey.self] { return t }
        let t = request.url.string
        request.storage[TargetKey.self] = t
        return t
    }

    struct TargetKey: StorageKey { typealias Value = String }

    static func isPublic(_ request: Request) -> Bool {
        let target = target(request)
        guard target.hasPrefix("/public") else { return false }
        let rest = target.dropFirst(7)
        return rest.isEmpty || rest.first == "/" || rest.first == "?"
    }

    static func skipping(_ inner: any Middleware) -> any Middleware { Skip(inner: inner) }

    /// A future-based middleware: no hop into a task on the public site's path.
    struct Skip: Middleware {
        let inner: any Middleware

        func respond(to request: Request, chainingTo next: any Responder) -> EventLoopFuture<Response> {
            PublicPaths.isPublic(request)
                ? next.respond(to: request) : inner.respond(to: request, chainingTo: next)
        }
    }
}
