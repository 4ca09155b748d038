import Fluent
import Foundation
import LuoshiCore
import NIOCore
import SQLKit
import Testing
import Vapor
import VaporTesting

@testable import LuoshiServer

/// The real app, in process: SQLite in memory, or the PostgreSQL server in `DATABASE_URL` (emptied
/// first), with the demo township loaded and the clock pinned to 2015-06-30.
enum TestApp {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let fixture = packageRoot.deletingLastPathComponent().appendingPathComponent(
        "shared/fixtures/zhangzhishan-2015.txt")

    /// A fresh app for one test. Afterwards its audit log must verify whole — chain, seals and the
    /// records it vouches for — so every test checks that what it did was written through the log
    /// (`tampers`: the test breaks it on purpose).
    static func with(demo: Bool = true, tampers: Bool = false, _ body: (Application) async throws -> Void)
        async throws
    {
        let app = try await Application.make(.testing)
        app.logger.logLevel = .warning
        let storage: ServerConfiguration.Storage
        if let url = ProcessInfo.processInfo.environment["DATABASE_URL"], !url.isEmpty {
            storage = .postgres(url: url)
        } else {
            storage = .sqliteMemory
        }
        do {
            try await LuoshiServer.configure(
                app, ServerConfiguration(storage: storage, fixedNow: ServerConfiguration.demoNow), bcryptCost: 4)
            if case .postgres = storage {
                // Every test starts from an empty database.
                try await app.autoRevert()
                try await app.autoMigrate()
            }
            if demo {
                _ = try await Demo.load(app, planData: try Data(contentsOf: fixture), planName: "zhangzhishan-2015.txt")
            }
            try await body(app)
            if !tampers {
                let (_, broken) = try await Audit.verify(on: app.db, key: app.auditKey)
                #expect(broken == nil, "the audit log no longer verifies: \(broken.map { "\($0)" } ?? "")")
            }
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
        try await app.asyncShutdown()
    }
}

extension TestApp {
    /// Empties tables that the app itself may never delete from (a test that scripts its own year starts
    /// without the demo's reports): the database's guard is lifted for this statement only.
    static func unguarded(_ table: String, in app: Application, _ body: () async throws -> Void) async throws {
        let sql = app.db as! any SQLDatabase
        try await ForbidDeletingRecords.unprotect(table, on: sql)
        try await body()
        try await ForbidDeletingRecords.protect(table, on: sql)
    }

    static func wipe(_ tables: [String], in app: Application) async throws {
        let sql = app.db as! any SQLDatabase
        for t in tables {
            try await ForbidDeletingRecords.unprotect(t, on: sql)
            try await sql.raw("DELETE FROM \(unsafeRaw: t)").run()
            try await ForbidDeletingRecords.protect(t, on: sql)
        }
    }
}

/// A signed-in API caller.
struct Caller {
    var token: String
    var headers: HTTPHeaders {
        var h = HTTPHeaders()
        h.bearerAuthorization = BearerAuthorization(token: token)
        return h
    }
}

extension Application {
    func signIn(_ username: String, password: String = Demo.password) async throws -> Caller {
        var token = ""
        try await testing().test(
            .POST, "/api/v1/session",
            beforeRequest: { req in
                try req.content.encode(["username": username, "password": password], as: .json)
            }
        ) { res throws in
            #expect(res.status == .created, "sign-in of \(username): \(res.body.string)")
            token = (try? res.content.get(String.self, at: "token")) ?? ""
        }
        return Caller(token: token)
    }

    /// The published demo plan's id.
    func demoPlanID() async throws -> UUID {
        try #require(try await Plan.query(on: db).first()?.id)
    }

    /// An item of the demo plan assigned to a unit, and the unit's reporter.
    func assignedItem(kind: ItemKind = .task, otherThan unit: UUID? = nil) async throws -> (
        item: PlanItem, reporter: User
    ) {
        let assignments = try await Assignment.query(on: db).with(\.$item).all()
        for a in assignments where a.item.kind == kind && a.$leadUnit.id != unit {
            if let unitID = a.$leadUnit.id,
                let reporter = try await User.query(on: db).filter(\.$organization.$id == unitID).filter(
                    \.$role == .reporter
                ).first()
            {
                return (a.item, reporter)
            }
        }
        throw TestFailure.missing("no assigned \(kind)")
    }
}

enum TestFailure: Error { case missing(String) }

extension HTTPHeaders {
    static func json(_ caller: Caller) -> HTTPHeaders {
        var h = caller.headers
        h.contentType = .json
        return h
    }
}

/// A browser: the cookies it keeps and the form token of the last page it read.
struct BrowserSession {
    var cookies: [String: String] = [:]
    var csrf = ""
    /// Where signing in sent it.
    var landedAt: String?

    /// The session cookie ("" before signing in).
    var cookie: String { cookies["luoshi-session"] ?? "" }

    var headers: HTTPHeaders {
        var h = HTTPHeaders()
        h.cookie = HTTPCookies()
        for (name, value) in cookies { h.cookie?[name] = .init(string: value) }
        h.contentType = .urlEncodedForm
        return h
    }

    /// One request and its answer, however it travels (in process or over a socket).
    typealias Exchange =
        @Sendable (HTTPMethod, String, HTTPHeaders, ByteBuffer?) async throws -> (
            status: HTTPStatus, headers: HTTPHeaders, body: String
        )

    static func formToken(in html: String) -> String {
        html.firstMatch(of: /name="_csrf" value="([^"]+)"/).map { String($0.1) } ?? ""
    }

    /// Keeps the cookies an answer sets and drops those it expires, as a browser does.
    mutating func take(_ headers: HTTPHeaders) {
        for (name, value) in headers.setCookie?.all ?? [:] {
            if let expires = value.expires, expires < Date() {
                cookies[name] = nil
            } else {
                cookies[name] = value.string
            }
        }
    }

    /// Opens the sign-in page and, given a username, signs in through its form and reads a page for the
    /// new session's form token.
    static func signIn(_ username: String?, password: String = Demo.password, via send: Exchange) async throws
        -> BrowserSession
    {
        var s = BrowserSession()
        let login = try await send(.GET, "/login", [:], nil)
        s.take(login.headers)
        s.csrf = formToken(in: login.body)
        guard let username else { return s }
        let form = "_csrf=\(s.csrf)&username=\(username)&password=\(password)"
        let signedIn = try await send(.POST, "/login", s.headers, ByteBuffer(string: form))
        #expect(signedIn.status == .seeOther, "sign-in of \(username): \(signedIn.status)")
        s.take(signedIn.headers)
        s.landedAt = signedIn.headers.first(name: .location)
        let page = try await send(.GET, "/inbox", s.headers, nil)
        s.csrf = formToken(in: page.body)
        return s
    }
}

extension Application {
    /// A browser in process, signed in as `username` (or only on the sign-in page).
    func browser(_ username: String?, password: String = Demo.password) async throws -> BrowserSession {
        try await BrowserSession.signIn(username, password: password) { method, path, headers, body in
            nonisolated(unsafe) var out: (HTTPStatus, HTTPHeaders, String) = (.ok, [:], "")
            try await self.testing().test(method, path, headers: headers, body: body) { res in
                out = (res.status, res.headers, res.body.string)
            }
            return out
        }
    }
}
