import Fluent
import Foundation
import SQLKit

/// Dropping a table constraint that Fluent created (`.unique(on:)`). PostgreSQL drops it by name. SQLite
/// cannot drop a constraint, so the table is built again without it, the way SQLite's documentation
/// gives for any schema change ALTER TABLE cannot make: with foreign keys off on one connection, create
/// the new table, copy the rows, drop the old one, rename, put back its indexes and triggers, check the
/// foreign keys, commit. Rows keep their ids, so nothing that refers to them changes.
enum TableRebuild {
    struct Failed: Error, CustomStringConvertible {
        var description: String
    }

    static func dropConstraint(_ constraint: String, from table: String, on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        switch sql.dialect.name {
        case "postgresql":
            try await sql.raw("ALTER TABLE \(ident: table) DROP CONSTRAINT IF EXISTS \(ident: constraint)").run()
        case "sqlite":
            // PRAGMA foreign_keys has no effect inside a transaction and holds for one connection only.
            try await database.withConnection { connection in
                let sql = connection as! any SQLDatabase
                try await sql.raw("PRAGMA foreign_keys = OFF").run()
                do {
                    try await sql.raw("BEGIN IMMEDIATE").run()
                    do {
                        try await rebuild(table, without: constraint, on: sql)
                        try await sql.raw("COMMIT").run()
                    } catch {
                        try? await sql.raw("ROLLBACK").run()
                        throw error
                    }
                } catch {
                    try? await sql.raw("PRAGMA foreign_keys = ON").run()
                    throw error
                }
                try await sql.raw("PRAGMA foreign_keys = ON").run()
            }
        default:
            return
        }
    }

    private static func rebuild(_ table: String, without constraint: String, on sql: any SQLDatabase) async throws {
        guard
            let create = try await sql.raw(
                "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = \(bind: table)"
            ).first()?.decode(column: "sql", as: String.self)
        else { throw Failed(description: "no table \(table)") }
        let clause = try Regex(
            #",\s*CONSTRAINT\s+"\#(NSRegularExpression.escapedPattern(for: constraint))"\s+UNIQUE\s*\([^)]*\)"#)
        guard let found = create.firstMatch(of: clause) else { return }  // already gone
        let head = "CREATE TABLE \"\(table)\""
        guard create.hasPrefix(head) else { throw Failed(description: "unexpected schema of \(table)") }
        let rebuilt = "\(table)_rebuilt"
        var newCreate = create
        newCreate.removeSubrange(found.range)
        newCreate = "CREATE TABLE \"\(rebuilt)\"" + newCreate.dropFirst(head.count)
        // Its indexes and triggers go with the old table; they are made again on the new one.
        let others = try await sql.raw(
            """
            SELECT sql FROM sqlite_master
            WHERE tbl_name = \(bind: table) AND type IN ('index', 'trigger') AND sql IS NOT NULL
            """
        ).all().map { try $0.decode(column: "sql", as: String.self) }
        try await sql.raw("\(unsafeRaw: newCreate)").run()
        try await sql.raw("INSERT INTO \(ident: rebuilt) SELECT * FROM \(ident: table)").run()
        try await sql.raw("DROP TABLE \(ident: table)").run()
        try await sql.raw("ALTER TABLE \(ident: rebuilt) RENAME TO \(ident: table)").run()
        for statement in others { try await sql.raw("\(unsafeRaw: statement)").run() }
        let broken = try await sql.raw("PRAGMA foreign_key_check").all()
        guard broken.isEmpty else {
            throw Failed(description: "rebuilding \(table) left \(broken.count) foreign keys unmatched")
        }
    }
}
