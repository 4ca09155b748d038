import Fluent
import FluentPostgresDriver
import FluentSQLiteDriver
import Foundation
import LuoshiCore
import SQLKit
import Vapor

extension LuoshiServer {
    /// Sets up an application: database and migrations, sessions, middleware, routes.
    public static func configure(_ app: Application, _ config: ServerConfiguration, bcryptCost: Int = 10) async throws {
        app.luoshi = config
        app.clock = config.fixedNow.map(AppClock.fixed) ?? .system
        app.storage[BcryptCostKey.self] = bcryptCost
        app.storage[PasswordCheckerKey.self] = PasswordChecker(cost: bcryptCost)
        switch config.storage {
        case .sqliteFile(let directory):
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            // Writes on SQLite wait their turn for one connection: under load a filing waits rather than
            // failing after the default 10 s (a report and its files are not lost to a busy minute).
            app.databases.use(
                .sqlite(.file(directory + "/luoshi.sqlite"), connectionPoolTimeout: .seconds(60)), as: .sqlite)
        case .sqliteMemory:
            app.databases.use(.sqlite(.memory), as: .sqlite)
        case .postgres(let url):
            // Four connections an event loop (eight on two cores): the supervision pass writes two plans at
            // once, and a filing beside it must find a connection free rather than queue behind the pass.
            try app.databases.use(.postgres(url: url, maxConnectionsPerEventLoop: 4), as: .psql)
        }
        // One write gate per app and so per database: its queue and remembered audit tail speak for it alone.
        let auditKey = try AuditKey.load(config)
        app.storage[AuditKeyKey.self] = auditKey
        app.storage[WriteGateKey.self] = WriteGate(key: auditKey)
        app.storage[StylesheetKey.self] = try Stylesheet.load()
        app.storage[FrameCacheKey.self] = FrameCache()
        Migrations.register(on: app)
        try await app.autoMigrate()
        if case .sqliteFile = config.storage, let sql = app.db as? any SQLDatabase {
            // Readers need not wait for the writer: the write-ahead log.
            try await sql.raw("PRAGMA journal_mode=WAL").run()
        }

        app.sessions.use { _ in QuietDatabaseSessions() }
        app.sessions.configuration = .init(cookieName: "luoshi-session") { id in
            // Max-Age, not Expires: Vapor formats an Expires date with a DateFormatter on every response,
            // a sixth of a page view's time. The server ends the session on its own clock anyway.
            HTTPCookies.Value(
                string: id.string, expires: nil, maxAge: Int(WebSession.lifetime), path: "/", isSecure: false,
                isHTTPOnly: true, sameSite: .lax)
        }
        app.middleware = .init()
        app.middleware.use(SecurityHeadersMiddleware(servedOverHTTPS: config.publicURL?.hasPrefix("https://") ?? false))
        app.middleware.use(LuoshiErrorMiddleware())
        // The public site has no session, no sign-in and no form token: it reads nothing of them, and
        // skipping them is most of what makes its pages fast (`PublicController`).
        app.middleware.use(PublicPaths.skipping(app.sessions.middleware))
        app.middleware.use(PublicPaths.skipping(EmptySessionMiddleware()))
        app.middleware.use(WriteInvalidationMiddleware())
        app.middleware.use(PublicPaths.skipping(CachedUserSessionAuthenticator()))
        app.middleware.use(PublicPaths.skipping(TokenAuthenticator()))
        // Before any handler or upload: another government's records do not exist for this caller.
        app.middleware.use(PublicPaths.skipping(JurisdictionMiddleware()))
        app.middleware.use(BodyGuardMiddleware())
        app.middleware.use(PublicPaths.skipping(CSRFMiddleware()))
        app.middleware.use(PublicPaths.skipping(UnreadCountMiddleware()))
        app.routes.defaultMaxBodySize = "1mb"
        // Request bodies held in memory at once, all requests together (uploads are up to 60 MB each).
        app.storage[BodyBudgetKey.self] = BodyBudget(limit: 128 << 20)
        app.storage[PublicUploadsKey.self] = PublicUploads()
        app.storage[PublicPageCacheKey.self] = PublicPageCache()
        app.http.server.configuration.hostname = config.host
        app.http.server.configuration.port = config.port
        // A connection that sends nothing and is sent nothing for 30 s is closed: half-sent requests
        // (a slow client, or one that means harm) cannot hold connections open.
        app.http.server.configuration.idleTimeout = .seconds(30)
        // Webhooks are called where they were set up to go, never where their answer points.
        app.http.client.configuration.redirectConfiguration = .disallow
        try routes(app)
        app.storage[KnownPagesKey.self] = KnownPages(app.routes)
        if config.background { app.lifecycle.use(BackgroundWork()) }
    }

    static func routes(_ app: Application) throws {
        app.get("healthz") { _ in Health(status: "ok") }
            .documented(.init(summary: "Liveness, without a session", roles: nil, response: Health.self))
        app.get("assets", "app.css") { req -> Response in
            let sheet = req.application.storage[StylesheetKey.self]!
            let cached = req.headers.first(name: .ifNoneMatch) == sheet.etag
            let r = Response(status: cached ? .notModified : .ok, body: cached ? .empty : .init(string: sheet.css))
            r.headers.contentType = HTTPMediaType(type: "text", subType: "css", parameters: ["charset": "utf-8"])
            r.headers.replaceOrAdd(name: .cacheControl, value: "public, max-age=3600")
            r.headers.replaceOrAdd(name: .eTag, value: sheet.etag)
            return r
        }
        app.get { req -> Response in
            guard let user = req.auth.get(User.self) else { return req.redirect(to: .login()) }
            switch user.role {
            case .reporter: return req.redirect(to: .myTasks)
            case .leader: return req.redirect(to: .portfolio())
            default:
                if let plan = try await Jurisdiction.of(req).plans(on: req.db).filter(\.$status == .published)
                    .sort(\.$year, .descending).first()
                {
                    return req.redirect(to: .plan(plan.id!))
                }
                return req.redirect(to: .plans)
            }
        }
        try app.register(collection: SessionController())
        try app.register(collection: PlanController())
        try app.register(collection: ItemController())
        try app.register(collection: AssignController())
        try app.register(collection: AuditController())
        try app.register(collection: EditController())
        try app.register(collection: APIController())
        try app.register(collection: SupervisionController())
        try app.register(collection: ExportController())
        try app.register(collection: BreakdownImportController())
        try app.register(collection: PublicController())
        try app.register(collection: FeedbackController())
        try app.register(collection: CongressController())
        try app.register(collection: AssessmentController())
        try app.register(collection: SupervisionAPIController())
        try app.register(collection: DirectoryController())
        try app.register(collection: PortfolioController())
        try app.register(collection: SearchController())
        try app.register(collection: HandDownController())
        try app.register(collection: StandingController())
        // Made from the routes just registered: what they decode and encode is what it describes.
        let spec = try JSONEncoder().encode(try OpenAPIBuilder.document(app.routes.all))
        app.storage[OpenAPIKey.self] = String(decoding: spec, as: UTF8.self)
        app.get("api", "openapi.json") { req -> Response in
            let r = Response(status: .ok, body: .init(string: req.application.storage[OpenAPIKey.self]!))
            r.headers.contentType = .json
            return r
        }
        OpenAPIBuilder.refuseOtherMethods(app)
    }
}

struct Health: Content { var status: String }

struct OpenAPIKey: StorageKey { typealias Value = String }

struct BcryptCostKey: StorageKey { typealias Value = Int }
