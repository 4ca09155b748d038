import Foundation
import LuoshiCore
import NIOConcurrencyHelpers
import Vapor

/// What a route that takes files accepts: its size limit and who may send one. Said where the route
/// is registered (`RoutesBuilder.upload`), so a request can be refused from its headers alone.
struct UploadPolicy: Sendable {
    var maxBytes: Int
    var roles: [Role]

    static let key = "luoshi.upload"
}

extension Route {
    var uploadPolicy: UploadPolicy? { userInfo[UploadPolicy.key] as? UploadPolicy }
}

extension RoutesBuilder {
    /// A POST route that takes files: at most `maxBytes`, from signed-in users of `roles`.
    @discardableResult
    func upload<Response: AsyncResponseEncodable>(
        _ path: PathComponent..., maxBytes: Int, from roles: [Role],
        use closure: @escaping @Sendable (Request) async throws -> Response
    ) -> Route {
        let route = on(.POST, path, body: .collect(maxSize: ByteCount(value: maxBytes)), use: closure)
        route.userInfo[UploadPolicy.key] = UploadPolicy(maxBytes: maxBytes, roles: roles)
        return route
    }
}

/// Bytes of request bodies held in memory at once, across all requests: a body is admitted only when
/// its size (its Content-Length, or the route's limit when it does not say) fits, so forty parallel
/// uploads cannot take the server's memory.
final class BodyBudget: Sendable {
    let limit: Int
    private let used = NIOLockedValueBox(0)

    init(limit: Int) { self.limit = limit }

    func reserve(_ bytes: Int) -> Bool {
        used.withLockedValue { used in
            guard used + bytes <= limit else { return false }
            used += bytes
            return true
        }
    }

    func release(_ bytes: Int) { used.withLockedValue { $0 -= bytes } }
}

struct BodyBudgetKey: StorageKey { typealias Value = BodyBudget }

/// The size limits of what people send.
enum Limits {
    /// A plan document to import.
    static let document = 25 << 20
    /// A report or a notice's response with its evidence files (each file at most 20 MB).
    static let evidence = 60 << 20

    static func noticeStep(_ action: NoticeAction) -> Int { action == .respond ? evidence : 1 << 20 }
}

extension NoticeAction {
    /// Who takes a step on a notice: the unit signs for and responds to it, staff close it or send it back.
    static func actors(_ action: NoticeAction) -> [Role] {
        action == .sign || action == .respond ? [.reporter] : [.admin]
    }
}

/// Runs before the form-token check and before any route reads a body. A body that has not arrived
/// whole is judged from the headers first — too large for its route, from someone not signed in or
/// not allowed to send it, or more than the server will hold at once — and refused before a byte of
/// it is read; otherwise it is read here, up to its route's limit, so the form token can be checked
/// (a browser form of more than a few kilobytes arrives in pieces).
struct BodyGuardMiddleware: AsyncMiddleware {
    func respond(to req: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard req.body.data == nil, [.POST, .PUT, .PATCH, .DELETE].contains(req.method), let route = req.route,
            !route.refusesMethod
        else {
            return try await next.respond(to: req)
        }
        let policy = route.uploadPolicy
        let limit = policy?.maxBytes ?? req.application.routes.defaultMaxBodySize.value
        let declared = req.headers.first(name: .contentLength).flatMap(Int.init)
        if let declared, declared > limit {
            throw Abort(.payloadTooLarge)
        }
        if let policy {
            guard let user = req.auth.get(User.self) else { throw LuoshiError.unauthenticated }
            guard policy.roles.contains(user.role) else {
                throw LuoshiError.forbidden(reason: "无权上传 (you may not upload here)")
            }
        }
        // Only uploads, from signed-in users allowed to send them, draw on the budget: an ordinary form
        // is at most 1 MB, and nobody anonymous can hold the budget for others.
        let size = declared ?? limit
        let budget = policy == nil ? nil : req.application.storage[BodyBudgetKey.self]
        if let budget, !budget.reserve(size) {
            throw Abort(
                .serviceUnavailable, headers: ["Retry-After": "5"],
                reason: "服务器正忙于接收其他上传，请稍后再试 (busy receiving other uploads: try again shortly)")
        }
        defer { budget?.release(size) }
        _ = try await req.body.collect(max: limit).get()
        return try await next.respond(to: req)
    }
}
