import Fluent
import Foundation
import LuoshiCore
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
        let last = try await AuditEntry.query(on: db).sort(\.$sequence, .descending).first()
        // Whole milliseconds: every database keeps them exactly, so the hash checks after a round trip.
        let at = Date(timeIntervalSince1970: (at.timeIntervalSince1970 * 1000).rounded(.down) / 1000)
        let record = AuditChain.append(
            after: last?.record, at: at, actor: actor, action: action, entity: entity, entityID: entityID,
            before: before,
            after: after)
        try await AuditEntry(record).create(on: db)
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
