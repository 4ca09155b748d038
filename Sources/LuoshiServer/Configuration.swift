import Foundation
import LuoshiCore
import Vapor

/// Everything the server reads at start-up, in one typed value: flags, then environment, then defaults.
public struct ServerConfiguration: Sendable {
    public enum Storage: Sendable, Equatable {
        /// An SQLite file in this folder (created on first start).
        case sqliteFile(directory: String)
        /// An SQLite database in memory (tests).
        case sqliteMemory
        /// PostgreSQL at this URL (`DATABASE_URL`).
        case postgres(url: String)
    }

    public var host: String
    public var port: Int
    public var storage: Storage
    /// Load the demo township around the fixture plan.
    public var demo: Bool
    /// The moment the app believes it is; nil for the system clock.
    public var fixedNow: Date?
    /// Largest upload accepted (documents, evidence files).
    public var uploadLimit: Int
    /// Where evidence files are kept, outside any public path.
    public var evidenceDirectory: String
    /// The address people reach Luoshi at, for links in webhooks and e-mail (http://host:port when unset).
    public var publicURL: String?
    /// Run the supervision scheduler and the delivery worker in this process (`luoshi serve`; tests drive
    /// passes themselves).
    public var background: Bool = false
    /// How notifications are delivered and retried.
    public var delivery = DeliverySettings()
    /// The SMTP relay for e-mail channels; none, and e-mail deliveries fail with a clear answer.
    public var mail: MailSettings?
    /// The audit log's sealing key: a file outside the database (made on first start, mode 0600). Every
    /// app server of one database reads the same file. Nil: a key for this process only (tests).
    public var auditKeyFile: String?
    /// Where the audit log's head is written down from time to time, outside the database, so that
    /// removing entries from its end shows. Every app server appends to the same file.
    public var auditCheckpointFile: String?
    /// Reverse proxies whose `X-Forwarded-For` names the client (`LUOSHI_TRUSTED_PROXIES`): failed
    /// sign-ins are counted against the client, not against the proxy every client comes through.
    public var trustedProxies: [IPNetwork] = []

    /// An SMTP relay, from `LUOSHI_SMTP_HOST` (and `_PORT`, `_USER`, `_PASSWORD`, `LUOSHI_MAIL_FROM`).
    public struct MailSettings: Sendable {
        public var host: String
        public var port: Int
        public var username: String?
        public var password: String?
        public var from: String

        public init(host: String, port: Int = 25, username: String? = nil, password: String? = nil, from: String) {
            self.host = host
            self.port = port
            self.username = username
            self.password = password
            self.from = from
        }

        public static func from(environment env: [String: String]) -> MailSettings? {
            guard let host = env["LUOSHI_SMTP_HOST"], !host.isEmpty else { return nil }
            return MailSettings(
                host: host, port: env["LUOSHI_SMTP_PORT"].flatMap { Int($0) } ?? 25, username: env["LUOSHI_SMTP_USER"],
                password: env["LUOSHI_SMTP_PASSWORD"], from: env["LUOSHI_MAIL_FROM"] ?? "luoshi@localhost")
        }
    }

    public init(
        host: String = "127.0.0.1", port: Int = 8080, storage: Storage = .sqliteFile(directory: "./data"),
        demo: Bool = false, fixedNow: Date? = nil, uploadLimit: Int = 20 * 1024 * 1024,
        evidenceDirectory: String? = nil
    ) {
        self.host = host
        self.port = port
        self.storage = storage
        self.demo = demo
        self.fixedNow = fixedNow
        self.uploadLimit = uploadLimit
        switch storage {
        case .sqliteFile(let dir):
            self.evidenceDirectory = evidenceDirectory ?? dir + "/evidence"
            auditKeyFile = dir + "/audit.key"
            auditCheckpointFile = dir + "/audit-checkpoints"
        default: self.evidenceDirectory = evidenceDirectory ?? NSTemporaryDirectory() + "luoshi-evidence"
        }
    }

    /// The files kept beside the database, as the environment says (`LUOSHI_AUDIT_KEY_FILE`,
    /// `LUOSHI_AUDIT_CHECKPOINT`, `LUOSHI_EVIDENCE_DIR`), else in the data folder; PostgreSQL deployments
    /// point every app server at the same shared files. Evidence is what units reported: on PostgreSQL it
    /// too lives under the data folder, never in the system's temporary directory, which is emptied at a
    /// reboot and which another deployment's start would sweep for files its database does not know.
    public mutating func dataFiles(environment: [String: String], dataDirectory: String) {
        auditKeyFile = environment["LUOSHI_AUDIT_KEY_FILE"] ?? auditKeyFile ?? dataDirectory + "/audit.key"
        auditCheckpointFile =
            environment["LUOSHI_AUDIT_CHECKPOINT"] ?? auditCheckpointFile ?? dataDirectory + "/audit-checkpoints"
        if let shared = environment["LUOSHI_EVIDENCE_DIR"], !shared.isEmpty {
            evidenceDirectory = shared
        } else if case .postgres = storage {
            // Deployments before this kept evidence in the temporary folder: it is read there until an
            // operator moves it (`serve` warns), never left behind unread.
            let legacy = NSTemporaryDirectory() + "luoshi-evidence"
            let fresh = dataDirectory + "/evidence"
            let fm = FileManager.default
            evidenceDirectory = !fm.fileExists(atPath: fresh) && fm.fileExists(atPath: legacy) ? legacy : fresh
        }
    }

    /// The proxies `LUOSHI_TRUSTED_PROXIES` names (addresses or networks, comma-separated). An entry
    /// that is neither stops the start with its text, rather than quietly trusting less.
    public mutating func proxies(environment: [String: String]) throws {
        switch IPNetwork.list(environment["LUOSHI_TRUSTED_PROXIES"] ?? "") {
        case .success(let networks): trustedProxies = networks
        case .failure(let bad):
            throw LuoshiError.invalid(
                field: "LUOSHI_TRUSTED_PROXIES",
                reason: "“\(bad.text)” 不是地址或网段 (is not an address or a network, e.g. 10.0.0.0/8)")
        }
    }

    /// `DATABASE_URL` chooses PostgreSQL; otherwise the SQLite file under `dataDirectory`.
    public static func storage(dataDirectory: String, environment: [String: String]) -> Storage {
        if let url = environment["DATABASE_URL"], !url.isEmpty { return .postgres(url: url) }
        return .sqliteFile(directory: dataDirectory)
    }

    /// 09:00 Beijing time on `day`: when a pass "on a day" runs (`luoshi remind --at`, `serve --as-of`).
    public static func morning(of day: CivilDay) -> Date {
        day.start(in: .beijing).addingTimeInterval(9 * 3600)
    }

    /// The demo runs at a fixed moment inside the plan year, so that statuses mean something.
    public static let demoNow: Date = {
        var c = DateComponents()
        c.year = 2015
        c.month = 6
        c.day = 30
        c.hour = 10
        return Calendar.beijing.date(from: c)!
    }()
}

/// The clock of the app: the only place "now" comes from.
struct AppClock: Sendable {
    let now: @Sendable () -> Date
    static let system = AppClock(now: { Date() })
    static func fixed(_ date: Date) -> AppClock { AppClock(now: { date }) }
}

struct AppClockKey: StorageKey { typealias Value = AppClock }
struct ConfigurationKey: StorageKey { typealias Value = ServerConfiguration }

extension Application {
    var clock: AppClock {
        get { storage[AppClockKey.self] ?? .system }
        set { storage[AppClockKey.self] = newValue }
    }
    var luoshi: ServerConfiguration {
        get { storage[ConfigurationKey.self]! }
        set { storage[ConfigurationKey.self] = newValue }
    }
}

extension Request {
    var now: Date { application.clock.now() }
}
