import Fluent
import Foundation
import SQLKit
import Vapor

/// Sessions in the database (Fluent's `_fluent_sessions` table), written only when they change.
///
/// Vapor writes a touched session back after every request; for a page view that only reads the
/// signed-in user that is a database write per request. This driver remembers what it read and
/// skips the write when nothing changed.
struct QuietDatabaseSessions: SessionDriver {
    struct ReadKey: StorageKey { typealias Value = [String: String] }

    func createSession(_ data: SessionData, for request: Request) -> EventLoopFuture<SessionID> {
        let id = SessionID(string: [UInt8].random(count: 32).base64URL)
        return request.eventLoop.makeFutureWithTask {
            try await SessionRecord(key: id, data: data).create(on: request.db)
            request.storage[ReadKey.self] = data.snapshot
            return id
        }
    }

    func readSession(_ sessionID: SessionID, for request: Request) -> EventLoopFuture<SessionData?> {
        request.eventLoop.makeFutureWithTask {
            let record = try await SessionRecord.query(on: request.db).filter(\.$key == sessionID).first()
            if let data = record?.data { request.storage[ReadKey.self] = data.snapshot }
            return record?.data
        }
    }

    func updateSession(_ sessionID: SessionID, to data: SessionData, for request: Request) -> EventLoopFuture<SessionID>
    {
        if request.storage[ReadKey.self] == data.snapshot { return request.eventLoop.makeSucceededFuture(sessionID) }
        return request.eventLoop.makeFutureWithTask {
            try await SessionRecord.query(on: request.db).filter(\.$key == sessionID).set(\.$data, to: data).update()
            request.storage[ReadKey.self] = data.snapshot
            return sessionID
        }
    }

    func deleteSession(_ sessionID: SessionID, for request: Request) -> EventLoopFuture<Void> {
        request.eventLoop.makeFutureWithTask {
            try await SessionRecord.query(on: request.db).filter(\.$key == sessionID).delete()
        }
    }
}
