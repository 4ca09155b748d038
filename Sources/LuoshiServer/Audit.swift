import Fluent
import Foundation
import LuoshiCore
import SQLKit
import Vapor

/// Writes to the append-only, hash-chained audit log. Call it inside the transaction of the change it
/// records, so that a change and its record stand or fall together.
enum Audit {
    /// One change to record.
    struct Change: Sendable {
        var actor: String
        var action: String
        var entity: String
        var entityID: String
        var before: String?
        var after: String?
    }

    static func record(
        on db: any Database, actor: String, action: String, entity: String, entityID: String, before: String? = nil,
        after: String? = nil, at: Date
    ) async throws {
        try await record(
            [Change(actor: actor, action: action, entity: entity, entityID: entityID, before: before, after: after)],
            on: db, at: at)
    }

    /// Appends changes to the chain in order, many rows to a statement (a supervision pass may record
    /// a thousand notices at once).
    static func record(_ changes: [Change], on db: any Database, at: Date) async throws {
        guard !changes.isEmpty else { return }
        // Writes are ordered (Database.write), so the last entry is this one's predecessor; the unique
        // sequence number still refuses a second link in the same place, should anything write around it.
        // Whole milliseconds: every database keeps them exactly, so the hash checks after a round trip.
        let at = Date(timeIntervalSince1970: (at.timeIntervalSince1970 * 1000).rounded(.down) / 1000)
        // On SQLite, one process holds the write lock and remembers the chain's tail; elsewhere, read it.
        let sqlite = (db as? any SQLDatabase)?.dialect.name == "sqlite"
        var last: AuditRecord? = sqlite ? await AsyncMutex.sqliteWrites.auditTail : nil
        if last == nil { last = try await tail(on: db) }
        func chain(after tail: AuditRecord?) -> [AuditRecord] {
            var previous = tail
            return changes.map { c in
                let r = AuditChain.append(
                    after: previous, at: at, actor: c.actor, action: c.action, entity: c.entity, entityID: c.entityID,
                    before: c.before, after: c.after)
                previous = r
                return r
            }
        }
        var records = chain(after: last)
        do {
            try await insert(records, on: db)
        } catch  where sqlite {
            // Another process (a command-line tool) added to the chain: read the tail and link again.
            records = chain(after: try await tail(on: db))
            try await insert(records, on: db)
        }
        if sqlite { await AsyncMutex.sqliteWrites.setAuditTail(records.last) }
    }

    static func tail(on db: any Database) async throws -> AuditRecord? {
        try await AuditEntry.query(on: db).sort(\.$sequence, .descending).first()?.record
    }

    /// Every write appends entries, so this insert is plain SQL: a Fluent model create reflects over
    /// the model's properties each time, which cost more than the insert itself.
    private static func insert(_ records: [AuditRecord], on db: any Database) async throws {
        guard let sql = db as? any SQLDatabase else {
            for r in records { try await AuditEntry(r).create(on: db) }
            return
        }
        for chunk in records.chunked(200) {
            var insert = sql.insert(into: AuditEntry.schema).columns(
                "id", "sequence", "at", "actor", "action", "entity", "entity_id", "before", "after", "previous_hash",
                "hash")
            for r in chunk {
                insert = insert.values(
                    SQLBind(UUID()), SQLBind(r.sequence), SQLBind(r.at), SQLBind(r.actor), SQLBind(r.action),
                    SQLBind(r.entity), SQLBind(r.entityID), SQLBind(r.before), SQLBind(r.after),
                    SQLBind(r.previousHash),
                    SQLBind(r.hash))
            }
            try await insert.run()
        }
    }

    /// A JSON snapshot of a value, for the before and after of an entry.
    static func snapshot<T: Encodable>(_ value: T) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }

    /// Reads the whole chain in order and checks it.
    static func verify(on db: any Database) async throws -> (count: Int, broken: AuditChain.Break?) {
        let entries = try await AuditEntry.query(on: db).sort(\.$sequence).all().map(\.record)
        return (entries.count, AuditChain.verify(entries))
    }
}
