import Fluent
import Foundation
import LuoshiCore
import Mail
import SQLKit
import Vapor

/// How notifications are delivered and retried.
public struct DeliverySettings: Sendable {
    /// The wait before the second attempt; each later wait doubles, up to `maxDelay`.
    public var baseDelay: Double = 30
    public var maxDelay: Double = 6 * 3600
    /// After this many failed attempts a delivery is given up (and shown as failed).
    public var maxAttempts = 8
    /// One attempt's limit: a receiver that does not answer costs this much, and only its own delivery.
    public var timeoutSeconds: Int64 = 10
    /// Deliveries in flight at once.
    public var concurrency = 16
    /// Deliveries in flight to one channel at once: a stuck receiver holds at most these slots.
    public var perChannel = 4
    /// Hosts a webhook may reach although they resolve to private addresses (`LUOSHI_WEBHOOK_ALLOW`,
    /// comma-separated): an intranet gateway the operator vouches for. Empty: public addresses only.
    public var allowedHosts: Set<String> = []
    public init() {}
}

/// What a receiver answered.
struct AttemptOutcome: Sendable {
    var ok: Bool
    var status: Int?
    var answer: String
    var milliseconds: Int
}

/// The durable delivery queue: deliveries are rows; a worker claims the due ones, sends each on its own
/// (a stuck endpoint holds only its own delivery, up to the timeout), and records every attempt with the
/// receiver's answer; failures are retried with exponential backoff. Claims are leases in the database, so
/// several servers share the queue and a crashed one's claims come back when the lease runs out.
enum Deliveries {
    /// The wait after `attempts` failed attempts.
    static func backoff(after attempts: Int, settings: DeliverySettings) -> Double {
        min(settings.maxDelay, settings.baseDelay * pow(2, Double(max(0, attempts - 1))))
    }

    /// What a worker has in flight, in all and per channel.
    actor InFlight {
        private(set) var count = 0
        private(set) var perChannel: [UUID: Int] = [:]

        func add(_ channel: UUID) {
            count += 1
            perChannel[channel, default: 0] += 1
        }

        func remove(_ channel: UUID) {
            count -= 1
            perChannel[channel, default: 1] -= 1
        }
    }

    /// Claims up to `limit` due deliveries (queued, or claimed by someone whose lease ran out), at most
    /// `settings.perChannel` in flight per channel counting `busy`, so one stuck receiver cannot take every
    /// slot. Returns the claimed ids with their channels.
    static func claim(
        limit: Int, busy: [UUID: Int] = [:], settings: DeliverySettings, on store: Store
    ) async throws -> [(id: UUID, channel: UUID)] {
        let db = store.db
        guard limit > 0 else { return [] }
        // Most of the time nothing is due: find that out without taking the write lock.
        let probe = try await (db as! any SQLDatabase).select().column("id").from(Delivery.schema)
            .where("state", .in, [DeliveryState.queued.rawValue, DeliveryState.sending.rawValue])
            .where("next_attempt_at", .lessThanOrEqual, Date()).limit(1).first()
        guard probe != nil else { return [] }
        // Channels this worker already keeps at their cap are left out, so they cannot fill the batch.
        let saturated = busy.filter { $0.value >= settings.perChannel }.map(\.key)
        // Deliveries are the office's plumbing, not its record: written in order, with no audit entry.
        return try await store.write(.office, actor: "system", at: Date()) { tx in
            let sql = tx.sql
            let now = Date()
            var skip = SQLQueryString("")
            if !saturated.isEmpty {
                skip.appendInterpolation(unsafeRaw: " AND channel_id NOT IN (")
                for (n, id) in saturated.enumerated() {
                    if n > 0 { skip.appendInterpolation(unsafeRaw: ", ") }
                    skip.appendInterpolation(bind: id)
                }
                skip.appendInterpolation(unsafeRaw: ")")
            }
            // The first few due of each channel, oldest first: a channel with a long backlog (or a stuck one)
            // never hides the others' deliveries behind its own.
            let due = try await sql.raw(
                """
                SELECT id, channel_id FROM (
                  SELECT id, channel_id, next_attempt_at,
                  ROW_NUMBER() OVER (PARTITION BY channel_id ORDER BY next_attempt_at) AS n
                  FROM \(ident: Delivery.schema)
                  WHERE state IN ('queued', 'sending') AND next_attempt_at <= \(bind: now)\(skip)
                ) due WHERE n <= \(bind: settings.perChannel) ORDER BY next_attempt_at LIMIT \(bind: limit * 4)
                """
            ).all().map {
                (
                    id: try $0.decode(column: "id", as: UUID.self),
                    channel: try $0.decode(column: "channel_id", as: UUID.self)
                )
            }
            var taken = busy
            var claimed: [(id: UUID, channel: UUID)] = []
            for d in due where claimed.count < limit && taken[d.channel, default: 0] < settings.perChannel {
                taken[d.channel, default: 0] += 1
                claimed.append(d)
            }
            let ids = claimed.map(\.id)
            if ids.isEmpty { return [] }
            // The lease: long enough for one attempt and its record.
            let lease = now.addingTimeInterval(Double(settings.timeoutSeconds) * 2 + 5)
            try await sql.update(Delivery.schema).set("state", to: DeliveryState.sending.rawValue)
                .set("next_attempt_at", to: lease).where("id", .in, ids).run()
            return claimed
        }
    }

    /// Sends one claimed delivery and records the attempt.
    static func deliver(_ id: UUID, app: Application) async {
        let settings = app.luoshi.delivery
        do {
            guard let delivery = try await Delivery.query(on: app.db).filter(\.$id == id).with(\.$channel).first()
            else {
                return
            }
            let outcome = await send(delivery, channel: delivery.channel, app: app)
            try await record(outcome, for: delivery, settings: settings, on: app.store)
        } catch {
            app.logger.error(
                "delivery could not be recorded",
                metadata: ["delivery": "\(id)", "error": "\(String(reflecting: error))"])
        }
    }

    /// Sends everything due now, batch by batch, waiting for each (tests and `luoshi remind`); returns
    /// the number of attempts.
    @discardableResult
    static func runOnce(app: Application) async throws -> Int {
        var attempts = 0
        while true {
            let batch = try await claim(
                limit: app.luoshi.delivery.concurrency, settings: app.luoshi.delivery, on: app.store)
            if batch.isEmpty { return attempts }
            attempts += batch.count
            await withTaskGroup(of: Void.self) { group in
                for d in batch { group.addTask { await deliver(d.id, app: app) } }
            }
        }
    }

    /// One turn of the server's worker: tops up to `concurrency` deliveries in flight, each on its own
    /// task. Returns whether there is more to do at once (something was claimed, or every slot is busy).
    @discardableResult
    static func work(app: Application, inFlight: InFlight) async throws -> Bool {
        let settings = app.luoshi.delivery
        let free = settings.concurrency - (await inFlight.count)
        if free <= 0 { return true }
        let claimed = try await claim(limit: free, busy: await inFlight.perChannel, settings: settings, on: app.store)
        for d in claimed {
            await inFlight.add(d.channel)
            Task {
                await deliver(d.id, app: app)
                await inFlight.remove(d.channel)
            }
        }
        return !claimed.isEmpty
    }

    static func record(
        _ outcome: AttemptOutcome, for delivery: Delivery, settings: DeliverySettings, on store: Store
    ) async throws {
        let now = Date()
        let attempts = delivery.attempts + 1
        try await store.write(.office, actor: "system", at: now) { tx in
            let attempt = DeliveryAttempt()
            attempt.$delivery.id = delivery.id!
            attempt.at = now
            attempt.ok = outcome.ok
            attempt.status = outcome.status
            attempt.answer = String(outcome.answer.prefix(500)).storable
            attempt.durationMs = outcome.milliseconds
            try await attempt.create(on: tx.db)
            let sql = tx.sql
            // Only while the claim still stands: if the lease ran out and another worker took the delivery
            // over (or finished it), its outcome is the one that counts; this attempt stays in the log.
            let current = try await sql.select().column("state").column("attempts").from(Delivery.schema)
                .where("id", .equal, delivery.id!).first()
            guard let current, try current.decode(column: "state", as: String.self) == DeliveryState.sending.rawValue,
                try current.decode(column: "attempts", as: Int.self) == delivery.attempts
            else { return }
            let state: DeliveryState = outcome.ok ? .sent : attempts >= settings.maxAttempts ? .failed : .queued
            try await sql.update(Delivery.schema).set("state", to: state.rawValue).set("attempts", to: attempts)
                .set("next_attempt_at", to: now.addingTimeInterval(backoff(after: attempts, settings: settings)))
                .set("last_error", to: outcome.ok ? nil : String(outcome.answer.prefix(200)).storable)
                .set("delivered_at", to: outcome.ok ? now : nil)
                .where("id", .equal, delivery.id!).run()
        }
    }

    /// One attempt: the request in the channel's format, and what came back.
    static func send(_ d: Delivery, channel: NotificationChannel, app: Application) async -> AttemptOutcome {
        let started = Date()
        func done(_ ok: Bool, _ status: Int?, _ answer: String) -> AttemptOutcome {
            AttemptOutcome(
                ok: ok, status: status, answer: answer, milliseconds: Int(Date().timeIntervalSince(started) * 1000))
        }
        guard channel.active else { return done(false, nil, "通道已停用 (channel disabled)") }
        let link = d.link.map { PublicData.base(app.luoshi) + $0 }
        if channel.kind == .email {
            guard let mail = app.luoshi.mail else { return done(false, nil, "未配置邮件服务器 (SMTP not configured)") }
            let message = MailMessage(
                from: mail.from, to: [channel.target], subject: d.title,
                body: d.body + (link.map { "\n\n\($0)" } ?? "") + "\n\n— 落实 Luoshi",
                // A follower's mail links to the page that stops it; the header lets a mail program offer that.
                unsubscribe: d.event.toPublic ? link : nil)
            let settings = SMTPSettings(
                host: mail.host, port: mail.port, username: mail.username, password: mail.password,
                timeout: .seconds(app.luoshi.delivery.timeoutSeconds))
            do {
                let reply = try await SMTPClient.send(message, settings: settings, group: app.eventLoopGroup)
                return done(true, Int(reply.prefix(3)), reply)
            } catch {
                return done(false, nil, "\(error)")
            }
        }
        if let refused = await OutboundGuard.refusal(
            channel.target, allowed: app.luoshi.delivery.allowedHosts, pool: app.threadPool)
        {
            return done(false, nil, refused)
        }
        let request = WebhookFormat.request(
            kind: channel.kind, target: channel.target, secret: channel.secret, deliveryID: d.id!, event: d.event,
            title: d.title, text: d.body, link: link, now: Date())
        var client = ClientRequest(
            method: .POST, url: URI(string: request.url), headers: [:], body: ByteBuffer(bytes: request.body),
            timeout: .seconds(app.luoshi.delivery.timeoutSeconds))
        client.headers.contentType = .json
        for (name, value) in request.headers { client.headers.replaceOrAdd(name: name, value: value) }
        do {
            let response = try await app.client.send(client).get()
            let answer = WebhookFormat.shortAnswer(response.body.map { String(buffer: $0) } ?? "")
            let status = Int(response.status.code)
            guard (200..<300).contains(status) else { return done(false, status, answer) }
            // The group robots answer 200 with an error code in the body.
            if channel.kind != .webhook, let code = WebhookFormat.robotErrorCode(answer), code != 0 {
                return done(false, status, answer)
            }
            return done(true, status, answer)
        } catch {
            return done(false, nil, WebhookFormat.failure(error))
        }
    }
}

/// The three webhook formats, as pure request builders.
enum WebhookFormat {
    struct Request: Equatable {
        var url: String
        var headers: [(String, String)]
        var body: [UInt8]

        static func == (a: Request, b: Request) -> Bool {
            a.url == b.url && a.body == b.body
                && a.headers.map { "\($0.0): \($0.1)" } == b.headers.map { "\($0.0): \($0.1)" }
        }
    }

    static func request(
        kind: ChannelKind, target: String, secret: String?, deliveryID: UUID, event: MessageKind, title: String,
        text: String,
        link: String?, now: Date
    ) -> Request {
        let json = { (value: [String: Any]) -> [UInt8] in
            Array(
                (try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .withoutEscapingSlashes]))
                    ?? Data())
        }
        switch kind {
        case .webhook, .email:
            var payload: [String: Any] = [
                "id": deliveryID.uuidString, "event": event.rawValue, "title": title, "text": text,
                "sentAt": ISO8601DateFormatter().string(from: now),
            ]
            if let link { payload["url"] = link }
            let body = json(payload)
            let timestamp = String(Int(now.timeIntervalSince1970))
            var headers = [
                ("X-Luoshi-Event", event.rawValue), ("X-Luoshi-Delivery", deliveryID.uuidString),
                ("X-Luoshi-Timestamp", timestamp),
            ]
            // The signature covers the timestamp too, so a captured request cannot be replayed later.
            if let secret, !secret.isEmpty {
                let signed = Array("\(timestamp).".utf8) + body
                headers.append(
                    (
                        "X-Luoshi-Signature",
                        "sha256=" + MessageAuthentication.hmacSHA256Hex(signed, key: Array(secret.utf8))
                    ))
            }
            return Request(url: target, headers: headers, body: body)
        case .wecom:
            let content =
                "**\(robotText(oneLine(title)))**\n\(robotText(text))" + (link.map { "\n[查看详情](\($0))" } ?? "")
            return Request(
                url: target, headers: [], body: json(["msgtype": "markdown", "markdown": ["content": content]]))
        case .dingtalk:
            let markdown =
                "### \(robotText(oneLine(title)))\n\n\(robotText(text))" + (link.map { "\n\n[查看详情](\($0))" } ?? "")
            var url = target
            // 钉钉's signing: HMAC-SHA256 of "timestamp\nsecret" keyed by the secret, Base64, URL-encoded.
            if let secret, !secret.isEmpty {
                let ms = String(Int64(now.timeIntervalSince1970 * 1000))
                let sign = Data(
                    MessageAuthentication.hmacSHA256(Array("\(ms)\n\(secret)".utf8), key: Array(secret.utf8))
                )
                .base64EncodedString()
                let encoded = sign.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? sign
                url += (url.contains("?") ? "&" : "?") + "timestamp=\(ms)&sign=\(encoded)"
            }
            return Request(
                url: url, headers: [],
                body: json(["msgtype": "markdown", "markdown": ["title": oneLine(title), "text": markdown]]))
        }
    }

    /// A title on one line: a line break in it would start a new Markdown block.
    static func oneLine(_ text: String) -> String {
        text.split(whereSeparator: \.isNewline).joined(separator: " ")
    }

    /// What is kept of a receiver's answer: 200 characters, without control characters. Enough to see
    /// a robot's error; too little to make the delivery log a way of reading someone else's pages.
    static func shortAnswer(_ answer: String) -> String {
        String(
            String.UnicodeScalarView(
                answer.unicodeScalars.prefix(200).map { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) ? " " : $0 }
            ))
    }

    /// A failed call in words that say what kind of failure it was, not the client's internals (which
    /// name addresses and ports, and so would tell a prober what listens where).
    static func failure(_ error: any Error) -> String {
        let text = String(describing: error).lowercased()
        if text.contains("timeout") || text.contains("timedout") || text.contains("deadline") {
            return "接收方未在时限内应答 (the receiver did not answer in time)"
        }
        if text.contains("redirect") { return "接收方要求重定向，不予跟随 (the receiver redirected: not followed)" }
        if text.contains("tls") || text.contains("ssl") || text.contains("certificate") {
            return "TLS 握手失败 (TLS handshake failed)"
        }
        return "无法连接接收方 (could not connect to the receiver)"
    }

    /// User text in a group robot's Markdown: the characters that would make links, emphasis, headings
    /// or HTML are given as their full-width forms, so a unit name or a notice's words show as written
    /// and cannot add a link to the message.
    static func robotText(_ text: String) -> String {
        let swaps: [Character: Character] = [
            "[": "［", "]": "］", "(": "（", ")": "）", "*": "＊", "_": "＿", "#": "＃", "<": "＜", ">": "＞",
            "`": "｀", "~": "～", "|": "｜", "!": "！", "\\": "＼",
        ]
        return String(text.map { swaps[$0] ?? $0 })
    }

    /// The `errcode` of a group robot's answer.
    static func robotErrorCode(_ answer: String) -> Int? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(answer.utf8)) as? [String: Any] else {
            return nil
        }
        return (object["errcode"] as? NSNumber)?.intValue
    }
}
