import Fluent
import Foundation
import LuoshiCore
import SQLKit
import Vapor

/// Reads the append-only, hash-chained audit log. Appending is `Store.write`'s alone
/// (`Persistence/AuditedWrite.swift`): a change and its record stand or fall together.
enum Audit {
    static func tail(on db: any Database) async throws -> AuditRecord? {
        try await AuditEntry.query(on: db).sort(\.$sequence, .descending).first()?.record
    }

    /// A JSON snapshot of a value, for the before and after of an entry.
    static func snapshot(_ value: any Encodable) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }

    /// Reads the whole chain in order and checks it: its links, its seals, the checkpoints and the
    /// records it vouches for (`verifyAll`).
    static func verify(on db: any Database, key: AuditKey) async throws -> (count: Int, broken: AuditChain.Break?) {
        try await verifyAll(on: db, key: key)
    }
}
