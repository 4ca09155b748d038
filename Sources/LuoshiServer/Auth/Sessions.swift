import Fluent
import Foundation
import SQLKit
import Vapor

/// Browser sessions in the `web_sessions` table, written only when they change.
///
/// Vapor writes a touched session back after every request; for a page view that only reads the
/// signed-in user that is a database write per request. This driver remembers what it read and
/// skips the write when nothing changed. A session ends `WebSession.lifetime` after it was created,
/// on the server, whatever the browser keeps; expired rows are cleared whenever a session is created.
struct QuietDatabaseSessions: SessionDriver {
    struct ReadKey: StorageKey { typealias Value = [String: String] }

    /// Where Vapor's `ModelSessionAuthenticatable` keeps the signed-in user's id in the session data.
    static let userKey = "_UserSession"

    func createSession(_ data: SessionData, for request: Request) -> EventLoopFuture<SessionID> {
        let id = SessionID(string: [UInt8].random(count: 32).base64URL)
        return request.eventLoop.makeFutureWithTask {
            let now = Date()
            try await WebSession.query(on: request.db).filter(\.$expiresAt < now).delete()
            let record = WebSession()
            record.keyHash = StoredSecret.digest(id.string)
            record.data = try Self.encode(data)
            record.$user.id = Self.user(in: data)
            record.createdAt = now
            record.expiresAt = now.addingTimeInterval(WebSession.lifetime)
            try await record.create(on: request.db)
            request.storage[ReadKey.self] = data.snapshot
            return id
        }
    }

    func readSession(_ sessionID: SessionID, for request: Request) -> EventLoopFuture<SessionData?> {
        request.eventLoop.makeFutureWithTask {
            guard
                let record = try await WebSession.keyed(sessionID, on: request.db).filter(\.$expiresAt > Date())
                    .first(),
                let data = try? JSONDecoder().decode(SessionData.self, from: Data(record.data.utf8))
            else { return nil }
            request.storage[ReadKey.self] = data.snapshot
            return data
        }
    }

    func updateSession(_ sessionID: SessionID, to data: SessionData, for request: Request) -> EventLoopFuture<SessionID>
    {
        if request.storage[ReadKey.self] == data.snapshot { return request.eventLoop.makeSucceededFuture(sessionID) }
        return request.eventLoop.makeFutureWithTask {
            try await WebSession.keyed(sessionID, on: request.db).set(\.$data, to: try Self.encode(data))
                .set(\.$user.$id, to: Self.user(in: data)).update()
            request.storage[ReadKey.self] = data.snapshot
            return sessionID
        }
    }

    func deleteSession(_ sessionID: SessionID, for request: Request) -> EventLoopFuture<Void> {
        request.eventLoop.makeFutureWithTask {
            try await WebSession.keyed(sessionID, on: request.db).delete()
        }
    }

    static func user(in data: SessionData) -> UUID? { data[userKey].flatMap(UUID.init(uuidString:)) }

    static func encode(_ data: SessionData) throws -> String {
        String(decoding: try JSONEncoder().encode(data), as: UTF8.self)
    }
}

/// Vapor gives a request whose cookie names no stored session (expired, or made up) an empty new
/// session, and would store it. Such a session is dropped instead, and the cookie expired: only
/// signing in creates a session.
struct EmptySessionMiddleware: AsyncMiddleware {
    func respond(to req: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let response = try await next.respond(to: req)
        if req.hasSession, req.session.id == nil, req.session.data.snapshot.isEmpty { req.session.destroy() }
        return response
    }
}

extension Request {
    /// Starts a new session for a user who has just proved who they are: the session the browser came
    /// with (which someone else may have planted) is ended, and the new one has a new id and a new
    /// form token.
    func startSession(for user: User) async throws {
        if hasSession, let old = session.id {
            try await WebSession.keyed(old, on: db).delete()
        }
        session.id = nil
        session.data = SessionData()
        auth.login(user)
        session.authenticate(user)
        _ = CSRF.token(self)
    }
}

/// Ends every way a user is signed in: browser sessions and bearer tokens (after a password reset).
enum SignOut {
    static func everywhere(_ userID: UUID, on db: any Database) async throws {
        try await WebSession.query(on: db).filter(\.$user.$id == userID).delete()
        try await UserToken.query(on: db).filter(\.$user.$id == userID).delete()
    }

    /// Revokes the bearer token a request presented, if it presented one.
    static func token(of req: Request) async throws {
        guard let bearer = req.headers.bearerAuthorization else { return }
        try await UserToken.query(on: req.db).filter(\.$value == StoredSecret.digest(bearer.token)).delete()
    }
}
