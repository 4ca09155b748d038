import Foundation

/// One entry of the append-only audit log: who did what to which record, with the state before and
/// after, chained to the entry before by its hash so that a changed or deleted entry shows.
public struct AuditRecord: Sendable, Equatable, Codable {
    public var sequence: Int
    public var at: Date
    public var actor: String
    public var action: String
    public var entity: String
    public var entityID: String
    public var before: String?
    public var after: String?
    public var previousHash: String
    public var hash: String

    public init(
        sequence: Int, at: Date, actor: String, action: String, entity: String, entityID: String, before: String?,
        after: String?, previousHash: String, hash: String
    ) {
        self.sequence = sequence
        self.at = at
        self.actor = actor
        self.action = action
        self.entity = entity
        self.entityID = entityID
        self.before = before
        self.after = after
        self.previousHash = previousHash
        self.hash = hash
    }
}

/// The hash chain of the audit log (`luoshi audit verify`).
public enum AuditChain {
    /// The hash before the first entry.
    public static let genesis = String(repeating: "0", count: 64)

    /// The hash of an entry: SHA-256 over its fields and the hash before it, each length-prefixed so
    /// that moving text between fields changes the hash. Dates count in whole milliseconds, which every
    /// database keeps.
    public static func hash(
        sequence: Int, at: Date, actor: String, action: String, entity: String, entityID: String, before: String?,
        after: String?, previousHash: String
    ) -> String {
        var bytes: [UInt8] = []
        func field(_ s: String?) {
            guard let s else {
                bytes.append(contentsOf: Array("-1:".utf8))
                return
            }
            let utf8 = Array(s.utf8)
            bytes.append(contentsOf: Array("\(utf8.count):".utf8))
            bytes.append(contentsOf: utf8)
        }
        field(previousHash)
        field(String(sequence))
        field(String(Int64((at.timeIntervalSince1970 * 1000).rounded())))
        field(actor)
        field(action)
        field(entity)
        field(entityID)
        field(before)
        field(after)
        return Fingerprint.sha256Hex(bytes)
    }

    /// A new entry after `previous` (nil for the first).
    public static func append(
        after previous: AuditRecord?, at: Date, actor: String, action: String, entity: String, entityID: String,
        before: String?, after newState: String?
    ) -> AuditRecord {
        let sequence = (previous?.sequence ?? 0) + 1
        let previousHash = previous?.hash ?? genesis
        let h = hash(
            sequence: sequence, at: at, actor: actor, action: action, entity: entity, entityID: entityID,
            before: before, after: newState, previousHash: previousHash)
        return AuditRecord(
            sequence: sequence, at: at, actor: actor, action: action, entity: entity, entityID: entityID,
            before: before,
            after: newState, previousHash: previousHash, hash: h)
    }

    /// The seal of an entry: HMAC-SHA256 keyed by a secret the database does not hold, over the entry's
    /// hash and the digest of the rows it left behind. Whoever can rewrite the database can recompute
    /// the chain's hashes, but not its seals.
    public static func seal(hash: String, rows: String?, key: [UInt8]) -> String {
        MessageAuthentication.hmacSHA256Hex(Array("entry|\(hash)|\(rows ?? "-")".utf8), key: key)
    }

    /// The seal of a checkpoint line: the chain's head at a moment, written outside the database.
    public static func checkpointSeal(sequence: Int, hash: String, key: [UInt8]) -> String {
        MessageAuthentication.hmacSHA256Hex(Array("checkpoint|\(sequence)|\(hash)".utf8), key: key)
    }

    public enum Break: Equatable, Sendable, CustomStringConvertible {
        /// The entry's own hash does not match its content: it was edited.
        case altered(sequence: Int)
        /// The entry does not point at the one before: one was removed or inserted.
        case unlinked(sequence: Int)
        /// Numbers are missing or repeated.
        case gap(expected: Int, found: Int)
        /// The entry's seal is missing or was not made with the server's key: the chain was recomputed.
        case forged(sequence: Int)
        /// The log ends before a head it was seen to have: entries were removed from its end.
        case truncated(checkpoint: Int, last: Int)
        /// The entry a checkpoint recorded is no longer the same entry.
        case rewritten(sequence: Int)
        /// A checkpoint line is not one the server wrote.
        case checkpointForged(line: Int)
        /// A record (report, notice, item) is not what the log says the last write left it.
        case rowChanged(entity: String, id: String)
        /// A record the log never saw written.
        case rowUnrecorded(entity: String, id: String)

        public var description: String {
            switch self {
            case .altered(let n): return "第 \(n) 条被改动 (entry \(n) altered)"
            case .unlinked(let n): return "第 \(n) 条前有删除或插入 (entries removed or inserted before \(n))"
            case .gap(let e, let f): return "序号缺失：应为 \(e)，实为 \(f) (gap: expected \(e), found \(f))"
            case .forged(let n): return "第 \(n) 条的签章不符，链条被重算 (entry \(n) not sealed by this server)"
            case .truncated(let c, let l):
                return "日志止于第 \(l) 条，而检查点记录到第 \(c) 条 (log ends at \(l), checkpoint saw \(c))"
            case .rewritten(let n): return "检查点记录的第 \(n) 条已被改写 (checkpointed entry \(n) rewritten)"
            case .checkpointForged(let l): return "检查点文件第 \(l) 行不是本服务器写的 (checkpoint line \(l) forged)"
            case .rowChanged(let e, let id): return "\(e) \(id) 与日志记录的不符 (\(e) \(id) differs from the log)"
            case .rowUnrecorded(let e, let id): return "\(e) \(id) 没有日志记录 (\(e) \(id) was never logged)"
            }
        }
    }

    /// The first break in a chain read in sequence order, or nil when the chain is whole.
    public static func verify(_ records: [AuditRecord]) -> Break? {
        var previousHash = genesis
        var expected = 1
        for r in records {
            if r.sequence != expected { return .gap(expected: expected, found: r.sequence) }
            if r.previousHash != previousHash { return .unlinked(sequence: r.sequence) }
            let h = hash(
                sequence: r.sequence, at: r.at, actor: r.actor, action: r.action, entity: r.entity,
                entityID: r.entityID, before: r.before, after: r.after, previousHash: r.previousHash)
            if h != r.hash { return .altered(sequence: r.sequence) }
            previousHash = r.hash
            expected += 1
        }
        return nil
    }
}
