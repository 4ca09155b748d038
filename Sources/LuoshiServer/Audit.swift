import Fluent
import Foundation
import LuoshiCore
import SQLKit
import Vapor

/// Writes to the append-only, hash-chained audit log. Call it inside the transaction of the change it
/// records, so that a change and its record stand or fall together.
enum Audit {
    static func record(
        on db: any Database, actor: String, action: String, entity: String, entityID: String, before: String? = nil,
        after: String? = nil, at: Date
    ) async throws {
        // Writes are ordered (Database.write), so the last entry is this one's predecessor; the unique
        // sequence number still refuses a second link in the same place, should anything write around it.
        // Whole milliseconds: every database keeps them exactly, so the hash checks after a round trip.
        let at = Date(timeIntervalSince1970: (at.timeIntervalSince1970 * 1000).rounded(.down) / 1000)
        // On SQLite, one process holds the write lock and remembers the chain's tail; elsewhere, read it.
        let sqlite = (db as? any SQLDatabase)?.dialect.name == "sqlite"
        var last: AuditRecord? = sqlite ? await AsyncMutex.sqliteWrites.auditTail : nil
        if last == nil { last = try await AuditEntry.query(on: db).sort(\.$sequence, .descending).first()?.record }
        var record = AuditChain.append(
            after: last, at: at, actor: actor, action: action, entity: entity, entityID: entityID, before: before,
            after: after)
        do {
            try await insert(record, on: db)
        } catch  where sqlite {
            // Another process (a command-line tool) added to the chain: read the tail and link again.
            let fresh = try await AuditEntry.query(on: db).sort(\.$sequence, .descending).first()?.record
            record = AuditChain.append(
                after: fresh, at: at, actor: actor, action: action, entity: entity, entityID: entityID, before: before,
                after: after)
            try await insert(record, on: db)
        }
        if sqlite { await AsyncMutex.sqliteWrites.setAuditTail(record) }
    }

    /// Every write appends an entry, so this insert is plain SQL: a Fluent model create reflects over
    /// the model's properties each time, which cost more than the insert itself.
    private static func insert(_ r: AuditRecord, on db: any Database) async throws {
        guard let sql = db as? any SQLDatabase else { return try await AuditEntry(r).create(on: db) }
        try await sql.insert(into: AuditEntry.schema)
            .columns(
                "id", "sequence", "at", "actor", "action", "entity", "entity_id", "before", "after", "previous_hash",
                "hash"
            )
            .values(
                SQLBind(UUID()), SQLBind(r.sequence), SQLBind(r.at), SQLBind(r.actor), SQLBind(r.action),
                SQLBind(r.entity), SQLBind(r.entityID), SQLBind(r.before), SQLBind(r.after), SQLBind(r.previousHash),
                SQLBind(r.hash)
            )
            .run()
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
