import Foundation
import LuoshiCore
import NIOConcurrencyHelpers
import Vapor

/// What a route that takes files accepts: its size limits and who may send one. Said where the route
/// is registered (`RoutesBuilder.upload`), so a request can be refused from its headers alone.
struct UploadPolicy: Sendable {
    var maxBytes: Int
    var maxFileBytes: Int
    var roles: [Role]
    /// Taken from anyone, no account (the public site's feedback with a photo): at most
    /// `PublicUploads.limit` received at once, and only on `/public` paths.
    var anonymous = false

    static let key = "luoshi.upload"
}

extension Route {
    var uploadPolicy: UploadPolicy? { userInfo[UploadPolicy.key] as? UploadPolicy }
}

extension RoutesBuilder {
    /// A POST route that takes files: at most `maxBytes` in all and `eachFile` a file, from signed-in users
    /// of `roles`. Its body is streamed (files to disk), never collected.
    @discardableResult
    func upload<Response: AsyncResponseEncodable>(
        _ path: PathComponent..., maxBytes: Int, eachFile: Int = EvidenceStore.maxFileSize, from roles: [Role],
        anonymous: Bool = false, use closure: @escaping @Sendable (Request) async throws -> Response
    ) -> Route {
        let route = on(.POST, path, body: .stream, use: closure)
        route.userInfo[UploadPolicy.key] = UploadPolicy(
            maxBytes: maxBytes, maxFileBytes: min(eachFile, maxBytes), roles: roles, anonymous: anonymous)
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
    /// Feedback from the public with one photo: a phone's photo is 2–6 MB.
    static let feedbackPhoto = 8 << 20
}

/// Uploads of photos from people without an account, being received at once: each may be megabytes written
/// to disk. At most `limit` across the server and `perClient` from one address (so a few slow senders
/// cannot hold every slot); a small body (the words alone) needs no slot.
final class PublicUploads: Sendable {
    static let limit = 16
    static let perClient = 2
    private let inFlight = NIOLockedValueBox((total: 0, byClient: [String: Int]()))

    func enter(_ client: String) -> Bool {
        inFlight.withLockedValue { s in
            guard s.total < Self.limit, s.byClient[client, default: 0] < Self.perClient else { return false }
            s.total += 1
            s.byClient[client, default: 0] += 1
            return true
        }
    }

    func leave(_ client: String) {
        inFlight.withLockedValue { s in
            s.total -= 1
            let n = s.byClient[client, default: 1] - 1
            s.byClient[client] = n > 0 ? n : nil
        }
    }
}

struct PublicUploadsKey: StorageKey { typealias Value = PublicUploads }

extension NoticeAction {
    /// Who takes a step on a notice: the unit signs for and responds to it, staff close it or send it back.
    static func actors(_ action: NoticeAction) -> [Role] {
        action == .sign || action == .respond ? [.reporter] : [.admin]
    }
}

/// Runs before the form-token check and before any route reads a body. A body is judged from the headers
/// first — too large for its route, from someone not signed in or not allowed to send it, without the
/// form token an API call by cookie needs, or more than the server will hold at once — and refused before
/// a byte of it is read. Then it is read here at a pace no slower than `BodyPace` allows: an upload's
/// files straight to disk (`UploadReceiver`), any other body into memory up to its route's limit, so
/// the form token can be checked (a browser form of more than a few kilobytes arrives in pieces).
struct BodyGuardMiddleware: Middleware {
    /// A body from someone not signed in: only signing in takes one, and its form is small.
    static let anonymousLimit = 16 << 10
    /// A body posted to the public site (feedback).
    static let publicLimit = 64 << 10

    /// Reads pass straight through with no task started (see `SecurityHeadersMiddleware`); a body is
    /// guarded in `guarded`.
    func respond(to req: Request, chainingTo next: any Responder) -> EventLoopFuture<Response> {
        guard [.POST, .PUT, .PATCH, .DELETE].contains(req.method) else { return next.respond(to: req) }
        return req.eventLoop.makeFutureWithTask {
            try await self.guarded(req, chainingTo: FutureResponder(inner: next))
        }
    }

    /// The async view of the next responder.
    struct FutureResponder: AsyncResponder {
        let inner: any Responder
        func respond(to request: Request) async throws -> Response { try await inner.respond(to: request).get() }
    }

    func guarded(_ req: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard [.POST, .PUT, .PATCH, .DELETE].contains(req.method), let route = req.route, !route.refusesMethod
        else {
            return try await next.respond(to: req)
        }
        let declared = req.headers.first(name: .contentLength).flatMap(Int.init)
        guard let policy = route.uploadPolicy else {
            guard req.body.data == nil else { return try await next.respond(to: req) }
            // The public site's feedback form: 2,000 Chinese characters percent-encoded are 18 KB.
            let limit =
                req.auth.has(User.self)
                ? req.application.routes.defaultMaxBodySize.value
                : PublicPaths.isPublic(req) ? Self.publicLimit : Self.anonymousLimit
            try await collect(req, limit: limit, declared: declared)
            return try await next.respond(to: req)
        }
        if let declared, declared > policy.maxBytes { throw Abort(.payloadTooLarge) }
        var acceptsToken: ((String?) -> Bool)? = nil
        if policy.anonymous {
            // No session on the public site, so no form token: the handler asks its question instead.
            guard PublicPaths.isPublic(req) else { throw LuoshiError.unauthenticated }
        } else {
            guard let user = req.auth.get(User.self) else { throw LuoshiError.unauthenticated }
            guard policy.roles.contains(user.role) else {
                throw LuoshiError.forbidden(reason: "无权上传 (you may not upload here)")
            }
            switch CSRF.need(req) {
            case .none: break
            case .header: try CSRF.checkHeader(req)
            case .formField: acceptsToken = { CSRF.accepts($0, req) }
            }
        }
        guard req.headers.contentType?.type == "multipart" else {
            // Words alone (JSON, or a form without files): an ordinary body.
            if req.body.data == nil {
                let limit = policy.anonymous ? Self.publicLimit : req.application.routes.defaultMaxBodySize.value
                try await collect(req, limit: min(policy.maxBytes, limit), declared: declared)
            }
            return try await next.respond(to: req)
        }
        if policy.anonymous, let uploads = req.application.storage[PublicUploadsKey.self],
            declared.map({ $0 > Self.publicLimit }) ?? true
        {
            let client = ClientAddress.throttleKey(req.clientAddress)
            guard uploads.enter(client) else {
                throw Abort(
                    .serviceUnavailable, headers: ["Retry-After": "10"],
                    reason: "服务器正忙，请稍后再试 (the server is busy: try again shortly)")
            }
            defer { uploads.leave(client) }
            return try await receive(req, policy: policy, acceptsToken: nil, next: next)
        }
        return try await receive(req, policy: policy, acceptsToken: acceptsToken, next: next)
    }

    private func receive(
        _ req: Request, policy: UploadPolicy, acceptsToken: ((String?) -> Bool)?, next: any AsyncResponder
    ) async throws -> Response {
        let receiver = UploadReceiver(
            directory: req.application.luoshi.evidenceDirectory + "/" + UploadReceiver.incoming,
            maxBytes: policy.maxBytes, maxFileBytes: policy.maxFileBytes, acceptsToken: acceptsToken)
        try await receiver.receive(req)
        // Files the handler did not keep (it moves those it keeps) are removed, whatever it answered.
        defer { req.upload?.discardLeftovers() }
        return try await next.respond(to: req)
    }

    /// Reads a body into memory: at most `limit` bytes, at `BodyPace`, within the server's budget.
    private func collect(_ req: Request, limit: Int, declared: Int?) async throws {
        if let declared, declared > limit { throw Abort(.payloadTooLarge) }
        let size = declared ?? limit
        let budget = req.application.storage[BodyBudgetKey.self]
        if let budget, !budget.reserve(size) {
            throw Abort(
                .serviceUnavailable, headers: ["Retry-After": "5"],
                reason: "服务器正忙，请稍后再试 (the server is busy: try again shortly)")
        }
        defer { budget?.release(size) }
        var body = ByteBuffer()
        try await BodyPace.read(req, limit: limit) { chunk in
            var chunk = chunk
            body.writeBuffer(&chunk)
        }
        try req.content.encode(RawBody(bytes: body), using: RawBody.Encoder())
    }
}

/// A body already read, put back as the request's collected body unchanged (its headers too): Vapor's
/// only public way to set a collected body is to encode content into it.
private struct RawBody: Encodable {
    var bytes: ByteBuffer

    func encode(to encoder: any Swift.Encoder) throws {}

    struct Encoder: ContentEncoder {
        func encode<E: Encodable>(_ encodable: E, to body: inout ByteBuffer, headers: inout HTTPHeaders) throws {
            guard var raw = (encodable as? RawBody)?.bytes else { return }
            body.writeBuffer(&raw)
        }
    }
}
