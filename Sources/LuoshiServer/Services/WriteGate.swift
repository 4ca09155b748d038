import Fluent
import FluentSQLiteDriver
import Foundation
import LuoshiCore
import SQLKit

/// One write transaction at a time on SQLite.
///
/// SQLite allows one writer; two deferred transactions that both read and then write deadlock, and
/// SQLite answers one of them "database is locked" at once. An SQLite Luoshi is one process, so
/// queueing its write transactions here removes the deadlock without losing a write. PostgreSQL
/// handles concurrent writers itself and is not queued.
actor AsyncMutex {
    private var locked = false
    private var waiters: [CheckedContinuation<Void, Never>] = []
    /// The audit chain's last entry as this process wrote it (SQLite only; cleared when a write fails
    /// and when an app starts, since it speaks for one database).
    private(set) var auditTail: AuditRecord?

    func setAuditTail(_ record: AuditRecord?) { auditTail = record }

    /// The SQLite connections already told `PRAGMA synchronous=NORMAL` (a per-connection setting;
    /// the pool gives no hook at connection time). A new connection that happens to reuse an address
    /// keeps SQLite's default, FULL: slower, never less safe.
    private var tunedConnections: Set<ObjectIdentifier> = []

    /// Whether this connection still needs tuning; marks it tuned.
    func needsTuning(_ connection: ObjectIdentifier) -> Bool { tunedConnections.insert(connection).inserted }

    func lock() async {
        if !locked {
            locked = true
            return
        }
        await withCheckedContinuation { waiters.append($0) }
    }

    func unlock() {
        if waiters.isEmpty {
            locked = false
        } else {
            waiters.removeFirst().resume()
        }
    }

    static let sqliteWrites = AsyncMutex()
    /// The PostgreSQL advisory lock that orders write transactions (an arbitrary, fixed number).
    static let auditLockKey = "7405120150123"
}

extension SQLiteDatabase {
    /// The identity of the pooled connection underneath.
    fileprivate func connectionIdentity() async throws -> ObjectIdentifier {
        try await withConnection { $0.eventLoop.makeSucceededFuture(ObjectIdentifier($0)) }.get()
    }
}

extension Database {
    /// A write transaction that only one holder of `key` runs at a time across every app server: on
    /// PostgreSQL, when another server holds the key, nil at once instead of waiting (the scheduler's pass:
    /// one server does it, the others skip). On SQLite, one process writes, so it is an ordinary write.
    func write<T: Sendable>(
        exclusive key: String, _ body: @escaping @Sendable (any Database) async throws -> T
    ) async throws -> T? {
        guard (self as? any SQLDatabase)?.dialect.name == "postgresql" else { return try await write(body) }
        return try await transaction { tx in
            let sql = tx as! any SQLDatabase
            let row = try await sql.raw("SELECT pg_try_advisory_xact_lock(\(unsafeRaw: key)) AS ok").first()
            guard try row?.decode(column: "ok", as: Bool.self) == true else { return nil }
            try await sql.raw("SELECT pg_advisory_xact_lock(\(unsafeRaw: AsyncMutex.auditLockKey))").run()
            return try await body(tx)
        }
    }

    /// A write transaction: all of `body` or nothing. On SQLite it takes the write lock at its start
    /// (BEGIN IMMEDIATE: a deferred transaction that reads first can find its snapshot stale when it
    /// comes to write) and queues behind this process's other writers.
    func write<T: Sendable>(_ body: @escaping @Sendable (any Database) async throws -> T) async throws -> T {
        let dialect = (self as? any SQLDatabase)?.dialect.name
        guard dialect == "sqlite" else {
            return try await transaction { tx in
                // The audit log is a chain: one link at a time, across every app server on this database.
                if dialect == "postgresql", let sql = tx as? any SQLDatabase {
                    try await sql.raw("SELECT pg_advisory_xact_lock(\(unsafeRaw: AsyncMutex.auditLockKey))").run()
                }
                return try await body(tx)
            }
        }
        await AsyncMutex.sqliteWrites.lock()
        do {
            let result = try await withConnection { conn in
                let sql = conn as! any SQLDatabase
                // In WAL mode NORMAL syncs at checkpoints: a commit survives the process being killed
                // (the OS holds it), though not a power cut in the last moment. Set once per connection.
                if let sqlite = conn as? any SQLiteDatabase,
                    await AsyncMutex.sqliteWrites.needsTuning(try await sqlite.connectionIdentity())
                {
                    try await sql.raw("PRAGMA synchronous=NORMAL").run()
                }
                try await sql.raw("BEGIN IMMEDIATE TRANSACTION").run()
                do {
                    let result = try await body(conn)
                    try await sql.raw("COMMIT TRANSACTION").run()
                    return result
                } catch {
                    try? await sql.raw("ROLLBACK TRANSACTION").run()
                    throw error
                }
            }
            await AsyncMutex.sqliteWrites.unlock()
            return result
        } catch {
            // What this transaction appended was rolled back.
            await AsyncMutex.sqliteWrites.setAuditTail(nil)
            await AsyncMutex.sqliteWrites.unlock()
            throw error
        }
    }
}
