import Fluent
import Foundation
import LuoshiCore
import NIOConcurrencyHelpers
import SQLKit
import Vapor

/// The audit log's defences against whoever can write to the database (finding 18 of "Hardening"):
///
/// - every entry is **sealed** with a key kept outside the database, so a chain recomputed after an
///   edit no longer verifies;
/// - the chain's **head is written down** outside the database (`Checkpoints`), so entries removed
///   from its end show;
/// - each entry's seal also covers the **digest of the records** its write left behind, so a report,
///   notice or item edited in the database without a write through Luoshi shows too.
struct AuditKey: Sendable {
    let bytes: [UInt8]
    let checkpointFile: String?

    /// Reads the key file, making it (32 random bytes, readable by the owner only) when it is missing.
    static func load(_ config: ServerConfiguration) throws -> AuditKey {
        guard let path = config.auditKeyFile else {
            return AuditKey(bytes: [UInt8].random(count: 32), checkpointFile: config.auditCheckpointFile)
        }
        let fm = FileManager.default
        if !fm.fileExists(atPath: path) {
            try fm.createDirectory(
                atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            let hex = [UInt8].random(count: 32).map { String(format: "%02x", $0) }.joined()
            guard fm.createFile(atPath: path, contents: Data((hex + "\n").utf8), attributes: [.posixPermissions: 0o600])
            else { throw LuoshiError.invalid(field: "audit key", reason: "无法写入 \(path) (cannot write the audit key)") }
        }
        let text = try String(contentsOfFile: path, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        guard text.count >= 32 else {
            throw LuoshiError.invalid(field: "audit key", reason: "\(path) 太短 (the audit key is too short)")
        }
        return AuditKey(bytes: Array(text.utf8), checkpointFile: config.auditCheckpointFile)
    }
}

struct AuditKeyKey: StorageKey { typealias Value = AuditKey }

extension Application {
    var auditKey: AuditKey { storage[AuditKeyKey.self]! }
}

/// Digests of the records an audited write leaves behind: every column of the row, by name, as the
/// database gives it back. Written with the entry, checked against the rows by `luoshi audit verify`.
enum RowDigest {
    /// The records the log vouches for, by the entity its entries name.
    static let tables: [(entity: String, table: String)] = [
        ("report", ProgressReport.schema), ("notice", SupervisionNotice.schema), ("item", PlanItem.schema),
    ]

    /// Columns added to sealed tables after sealing began.
    static let addedLater: Set<String> = ["problems", "next_steps"]

    /// Digests by "entity:id" of the records these entries are about.
    static func digests(entity: String, ids: [String], on sql: any SQLDatabase) async throws -> [String: String] {
        guard let table = tables.first(where: { $0.entity == entity })?.table, !ids.isEmpty else { return [:] }
        let uuids = ids.compactMap(UUID.init(uuidString:))
        var texts: [String: String] = [:]
        for chunk in uuids.chunked(500) {
            for row in try await sql.select().column("*").from(table).where("id", .in, SQLBind.group(Array(chunk)))
                .all()
            {
                let id = try row.decode(column: "id", as: UUID.self).uuidString
                texts[id] = canonical(row)
            }
        }
        // An item's assignment is part of what the item's entries record (assignment is an item's step).
        if entity == "item" {
            for chunk in uuids.chunked(500) {
                for row in try await sql.select().column("*").from(Assignment.schema).where(
                    "item_id", .in, SQLBind.group(Array(chunk))
                )
                .all() {
                    let id = try row.decode(column: "item_id", as: UUID.self).uuidString
                    texts[id, default: ""] += "|assignment|" + canonical(row)
                }
            }
        }
        return texts.reduce(into: [:]) { $0[entity + ":" + $1.key] = Fingerprint.sha256Hex(Array($1.value.utf8)) }
    }

    /// A row as text: each column by name, its value as the first type that decodes it.
    static func canonical(_ row: any SQLRow) -> String {
        // A column added after rows were sealed counts only once it holds something: the rows sealed
        // before it existed keep their digests.
        row.allColumns.sorted().filter { !(addedLater.contains($0) && (try? row.decodeNil(column: $0)) == true) }.map {
            column in
            let value: String
            if (try? row.decodeNil(column: column)) == true {
                value = "∅"
            } else if let v = try? row.decode(column: column, as: UUID.self) {
                value = v.uuidString
            } else if let v = try? row.decode(column: column, as: Int.self) {
                value = String(v)
            } else if let v = try? row.decode(column: column, as: Double.self) {
                value = String(v)
            } else if let v = try? row.decode(column: column, as: Date.self) {
                value = String(v.timeIntervalSince1970)
            } else if let v = try? row.decode(column: column, as: Bool.self) {
                value = String(v)
            } else if let v = try? row.decode(column: column, as: String.self) {
                value = v
            } else {
                value = "?"
            }
            return "\(column.count):\(column)=\(value.utf8.count):\(value)"
        }.joined(separator: ";")
    }
}

/// The audit log's head, written down outside the database: one line a checkpoint, `sequence hash
/// seal at`, appended, never rewritten. `luoshi serve` writes one at start and then each hour there
/// was a write, and the daily line goes to the log as well, for an operator to keep elsewhere.
enum Checkpoints {
    struct Line: Equatable {
        var number: Int
        var sequence: Int
        var hash: String
        var seal: String
    }

    static func write(_ head: AuditRecord?, key: AuditKey, at now: Date) throws -> String? {
        guard let path = key.checkpointFile, let head else { return nil }
        if let last = try read(path).last, last.sequence == head.sequence { return nil }
        let seal = AuditChain.checkpointSeal(sequence: head.sequence, hash: head.hash, key: key.bytes)
        let line = "\(head.sequence) \(head.hash) \(seal) \(ISO8601DateFormatter().string(from: now))\n"
        let fm = FileManager.default
        if !fm.fileExists(atPath: path) {
            try fm.createDirectory(
                atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            _ = fm.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600])
        }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(line.utf8))
        return line
    }

    static func read(_ path: String) throws -> [Line] {
        guard FileManager.default.fileExists(atPath: path) else { return [] }
        return try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").enumerated().map { n, text in
            let parts = text.split(separator: " ")
            return Line(
                number: n + 1, sequence: parts.count > 0 ? Int(parts[0]) ?? -1 : -1,
                hash: parts.count > 1 ? String(parts[1]) : "", seal: parts.count > 2 ? String(parts[2]) : "")
        }
    }
}

extension Audit {
    /// The whole check: the chain, its seals, the checkpoints written outside the database, and the
    /// current records against what the log says they became. The first problem found, if any.
    static func verifyAll(on db: any Database, key: AuditKey) async throws -> (count: Int, broken: AuditChain.Break?) {
        let entries = try await AuditEntry.query(on: db).sort(\.$sequence).all()
        let records = entries.map(\.record)
        if let broken = AuditChain.verify(records) { return (records.count, broken) }
        // Seals: from the first sealed entry on, every entry has one made with this key.
        var sealing = false
        var latest: [String: AuditEntry] = [:]
        for e in entries {
            if e.seal != nil { sealing = true }
            if sealing {
                guard let seal = e.seal, seal == AuditChain.seal(hash: e.hash, rows: e.rows, key: key.bytes) else {
                    return (records.count, .forged(sequence: e.sequence))
                }
            }
            if e.rows != nil { latest[e.entity + ":" + e.entityID] = e }
        }
        // Checkpoints: each was written by this server, and the log still holds the entry it saw.
        if let path = key.checkpointFile {
            let bySequence = Dictionary(uniqueKeysWithValues: records.map { ($0.sequence, $0) })
            for line in try Checkpoints.read(path) {
                guard line.seal == AuditChain.checkpointSeal(sequence: line.sequence, hash: line.hash, key: key.bytes)
                else { return (records.count, .checkpointForged(line: line.number)) }
                guard let entry = bySequence[line.sequence] else {
                    return (records.count, .truncated(checkpoint: line.sequence, last: records.last?.sequence ?? 0))
                }
                if entry.hash != line.hash { return (records.count, .rewritten(sequence: line.sequence)) }
            }
        }
        // Records: each is what the last sealed entry about it recorded; none exists that no entry saw.
        guard let sql = db as? any SQLDatabase, sealing else { return (records.count, nil) }
        let firstSealed = entries.first { $0.seal != nil }?.at ?? .distantFuture
        let logged = Set(entries.map(\.entityID))
        for (entity, table) in RowDigest.tables {
            let ids = try await sql.select().column("id").from(table).all().map {
                try $0.decode(column: "id", as: UUID.self).uuidString
            }
            let digests = try await RowDigest.digests(entity: entity, ids: ids, on: sql)
            for id in ids.sorted() {
                if let entry = latest[entity + ":" + id] {
                    if digests[entity + ":" + id] != entry.rows {
                        return (records.count, .rowChanged(entity: entity, id: id))
                    }
                } else if !logged.contains(id) && firstSealed < .distantFuture,
                    try await createdAfterSealing(entity: entity, id: id, since: firstSealed, on: sql)
                {
                    return (records.count, .rowUnrecorded(entity: entity, id: id))
                }
            }
        }
        return (records.count, nil)
    }

    /// Whether a record came into being after the log began sealing (older records predate the seals
    /// and are vouched for only by the chain).
    private static func createdAfterSealing(entity: String, id: String, since: Date, on sql: any SQLDatabase)
        async throws -> Bool
    {
        switch entity {
        case "report":
            guard let uuid = UUID(uuidString: id),
                let row = try await sql.select().column("submitted_at").from(ProgressReport.schema).where(
                    "id", .equal, uuid
                ).first()
            else { return false }
            return try row.decode(column: "submitted_at", as: Date.self) >= since
        case "notice":
            guard let uuid = UUID(uuidString: id),
                let row = try await sql.select().column("issued_at").from(SupervisionNotice.schema).where(
                    "id", .equal, uuid
                ).first()
            else { return false }
            return try row.decode(column: "issued_at", as: Date.self) >= since
        default: return false
        }
    }
}

/// The last whole check of the log, so that opening the audit page does not read every record each
/// time: checked again once five minutes have passed.
final class AuditCheckCache: Sendable {
    struct Result: Sendable {
        var at: ContinuousClock.Instant
        var count: Int
        var broken: AuditChain.Break?
    }
    let last = NIOLockedValueBox<Result?>(nil)
}

struct AuditCheckCacheKey: StorageKey { typealias Value = AuditCheckCache }

extension Audit {
    static func recentCheck(_ app: Application) async throws -> (count: Int, broken: AuditChain.Break?) {
        let cache =
            app.storage[AuditCheckCacheKey.self]
            ?? {
                let made = AuditCheckCache()
                app.storage[AuditCheckCacheKey.self] = made
                return made
            }()
        // A check at most every five minutes, however fast the log grows: reading every record is
        // seconds of work on a year's log, and the page says how many entries the check covered.
        if let last = cache.last.withLockedValue({ $0 }), ContinuousClock.now - last.at < .seconds(300) {
            return (last.count, last.broken)
        }
        let (count, broken) = try await verify(on: app.db, key: app.auditKey)
        cache.last.withLockedValue { $0 = AuditCheckCache.Result(at: .now, count: count, broken: broken) }
        return (count, broken)
    }
}
