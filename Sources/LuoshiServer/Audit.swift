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
        // The unique sequence number makes two writers racing for the same place fail; retry reads again.
        for attempt in 0..<5 {
            let last = try await AuditEntry.query(on: db).sort(\.$sequence, .descending).first()
            let record = AuditChain.append(
                after: last?.record, at: at, actor: actor, action: action, entity: entity, entityID: entityID,
                before: before, after: after)
            do {
                try await AuditEntry(record).create(on: db)
                return
            } catch {
                if attempt == 4 { throw error }
            }
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
