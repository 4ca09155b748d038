import Fluent
import Foundation
import LuoshiCore
import NIOCore
import Testing
import Vapor

@testable import LuoshiServer

/// A real HTTP receiver on loopback that records what arrives and answers as told.
private actor Received {
    struct Request: Sendable {
        var path: String
        var query: String?
        var headers: HTTPHeaders
        var body: [UInt8]
    }

    var requests: [Request] = []
    func add(_ r: Request) -> Int {
        requests.append(r)
        return requests.filter { $0.path == r.path }.count
    }
    func on(_ path: String) -> [Request] { requests.filter { $0.path == path } }
}

/// Runs `body` with a receiver listening on a loopback port, shut down however the body ends.
private func withReceiver(_ body: (Received, Int) async throws -> Void) async throws {
    let received = Received()
    let (receiver, port) = try await startReceiver(received)
    do {
        try await body(received, port)
    } catch {
        await receiver.server.shutdown()
        try? await receiver.asyncShutdown()
        throw error
    }
    await receiver.server.shutdown()
    try await receiver.asyncShutdown()
}

private func startReceiver(_ received: Received) async throws -> (Application, Int) {
    let app = try await Application.make(.testing)
    app.logger.logLevel = .critical
    for path in ["hook", "flaky", "wecom", "ding", "stuck", "robot-error", "moved", "inside", "chatty"] {
        app.on(.POST, PathComponent(stringLiteral: path), body: .collect(maxSize: "1mb")) {
            req async throws -> Response in
            let count = await received.add(
                .init(
                    path: path, query: req.url.query, headers: req.headers,
                    body: req.body.data.map { Array($0.readableBytesView) } ?? []))
            switch path {
            case "flaky" where count <= 2: return Response(status: .internalServerError, body: "down for maintenance")
            case "stuck":
                try await Task.sleep(for: .seconds(3))
                return Response(status: .ok)
            case "wecom", "ding": return Response(status: .ok, body: #"{"errcode":0,"errmsg":"ok"}"#)
            case "moved":
                // Points the caller at a path the webhook was never set to (an address inside, say).
                return Response(status: .temporaryRedirect, headers: ["Location": "/inside"])
            case "chatty":
                let page = "<html>\u{1B}[31m" + String(repeating: "内部页面 internal page ", count: 300) + "</html>"
                return Response(status: .internalServerError, body: .init(string: page))
            case "robot-error":
                return Response(status: .ok, body: #"{"errcode":310000,"errmsg":"keywords not in content"}"#)
            default: return Response(status: .ok, body: "ok")
            }
        }
    }
    try await app.server.start(address: .hostname("127.0.0.1", port: 0))
    let port = try #require(app.http.server.shared.localAddress?.port)
    return (app, port)
}

/// Runs the delivery worker until nothing is queued or sending (at most 20 s).
private func deliverAll(_ app: Application, every pause: Duration) async throws {
    let started = Date()
    while Date().timeIntervalSince(started) < 20 {
        try await Deliveries.runOnce(app: app)
        let open = try await Delivery.query(on: app.db).filter(\.$state ~~ [.queued, .sending]).count()
        if open == 0 { return }
        try await Task.sleep(for: pause)
    }
}

extension ServerTests {
    /// Every channel format arrives as its receiver expects; a failing receiver is retried until it
    /// answers; a stuck one costs only its own delivery, up to the timeout; every attempt is logged.
    @Test("推送：三种 Webhook 格式、失败重试、卡死的接收方 (deliveries to a real receiver)")
    func deliveries() async throws {
        try await withReceiver { received, port in
            try await TestApp.with { app in
                app.luoshi.delivery.baseDelay = 0.3
                app.luoshi.delivery.timeoutSeconds = 1
                // The receiver listens on loopback, which only an operator's allow list opens.
                app.luoshi.delivery.allowedHosts = ["127.0.0.1"]
                app.luoshi.delivery.maxAttempts = 3
                let db = app.db
                let admin = try #require(try await User.query(on: db).filter(\.$username == "duchaban").first())
                let (item, reporter) = try await app.assignedItem()
                let unit = try #require(reporter.$organization.id)
                let base = "http://127.0.0.1:\(port)"
                let channels: [(String, ChannelKind, String, String?)] = [
                    ("通用", .webhook, "\(base)/hook", "s3cret"), ("企业微信", .wecom, "\(base)/wecom?key=abc", nil),
                    ("钉钉", .dingtalk, "\(base)/ding?access_token=tok", "SEC123"),
                    ("时好时坏", .webhook, "\(base)/flaky", nil),
                    ("卡死", .webhook, "\(base)/stuck", nil), ("关键词不符", .wecom, "\(base)/robot-error", nil),
                    ("邮件", .email, "dept@example.gov.cn", nil),
                ]
                var ids: [String: UUID] = [:]
                for (name, kind, target, secret) in channels {
                    ids[name] = try await Channels.add(
                        .init(name: name, kind: kind, target: target, secret: secret, organization: unit), by: admin,
                        allowedHosts: app.luoshi.delivery.allowedHosts, on: app.store, now: Date()
                    ).id
                }
                let notice = try await Notices.issue(
                    .init(item: item.id!, unit: unit, level: .red, reason: "进度滞后", requiredAction: "说明原因"), by: admin,
                    on: app.store, now: app.clock.now())
                #expect(try await Delivery.query(on: db).count() == channels.count)

                try await deliverAll(app, every: .milliseconds(350))
                func delivery(_ name: String) async throws -> (Delivery, [DeliveryAttempt]) {
                    let d = try #require(try await Delivery.query(on: db).filter(\.$channel.$id == ids[name]!).first())
                    let attempts = try await DeliveryAttempt.query(on: db).filter(\.$delivery.$id == d.id!).sort(\.$at)
                        .all()
                    return (d, attempts)
                }
                let title = "【督办】\(notice.number)（红色）\(String(item.title.prefix(30)))"

                // The generic webhook: JSON signed with HMAC-SHA256 over "timestamp.body".
                let hook = try #require(await received.on("hook").first)
                let timestamp = try #require(hook.headers.first(name: "X-Luoshi-Timestamp"))
                #expect(
                    hook.headers.first(name: "X-Luoshi-Signature")
                        == "sha256="
                        + MessageAuthentication.hmacSHA256Hex(
                            Array("\(timestamp).".utf8) + hook.body, key: Array("s3cret".utf8)))
                let json = try #require(try JSONSerialization.jsonObject(with: Data(hook.body)) as? [String: Any])
                #expect(json["title"] as? String == title)
                #expect(json["event"] as? String == "notice")
                #expect((json["url"] as? String)?.hasSuffix("/notices/\(notice.id!)") == true)
                #expect(try await delivery("通用").0.state == .sent)

                // 企业微信: markdown content, the robot's key kept in the query.
                let wecom = try #require(await received.on("wecom").first)
                #expect(wecom.query == "key=abc")
                let wecomJSON = try #require(try JSONSerialization.jsonObject(with: Data(wecom.body)) as? [String: Any])
                #expect(wecomJSON["msgtype"] as? String == "markdown")
                #expect(
                    ((wecomJSON["markdown"] as? [String: Any])?["content"] as? String)?.contains(notice.number) == true)

                // 钉钉: signed in the query: Base64(HMAC-SHA256("timestamp\nsecret")).
                let ding = try #require(await received.on("ding").first)
                let query = Dictionary(
                    uniqueKeysWithValues: (ding.query ?? "").split(separator: "&").map {
                        let kv = $0.split(separator: "=", maxSplits: 1)
                        return (String(kv[0]), String(kv.count > 1 ? kv[1] : "").removingPercentEncoding ?? "")
                    })
                let ms = try #require(query["timestamp"])
                #expect(query["access_token"] == "tok")
                #expect(
                    query["sign"]
                        == Data(
                            MessageAuthentication.hmacSHA256(Array("\(ms)\nSEC123".utf8), key: Array("SEC123".utf8))
                        )
                        .base64EncodedString())

                // Failing twice, then answering: three attempts, all logged with the receiver's answer.
                let (flaky, flakyAttempts) = try await delivery("时好时坏")
                #expect(flaky.state == .sent)
                #expect(flakyAttempts.map(\.ok) == [false, false, true])
                #expect(flakyAttempts.prefix(2).allSatisfy { $0.status == 500 && $0.answer == "down for maintenance" })
                #expect(await received.on("flaky").count == 3)

                // Stuck: each attempt gives up at the timeout; after the last, the delivery is failed.
                let (stuck, stuckAttempts) = try await delivery("卡死")
                #expect(stuck.state == .failed)
                #expect(stuckAttempts.count == 3 && stuckAttempts.allSatisfy { !$0.ok && $0.durationMs < 2500 })
                // …and cost the others nothing: the plain webhook answered in its own time.
                #expect(try await delivery("通用").1.map(\.ok) == [true])
                #expect(try await delivery("通用").1.first.map { $0.durationMs < 1000 } == true)

                // E-mail without a relay configured: each attempt fails with a clear answer, and it gives up.
                let (mail, mailAttempts) = try await delivery("邮件")
                #expect(mail.state == .failed && mailAttempts.count == 3)
                #expect(mailAttempts.allSatisfy { $0.answer.contains("SMTP not configured") })

                // A robot that answers 200 with an error code is a failure, kept with its answer.
                let (robot, robotAttempts) = try await delivery("关键词不符")
                #expect(robot.state == .failed)
                #expect(robotAttempts.first?.answer.contains("310000") == true)
            }
        }
    }
}

extension ServerTests {
    /// Finding 17 of "Hardening": a webhook could be pointed at loopback or a private network, followed
    /// redirects, and showed the answer in the delivery log.
    @Test("Webhook 不发往内网与本机，不跟随重定向，只留简短应答 (webhooks: no internal address, no redirect, a short answer)")
    func webhooksStayOutside() async throws {
        try await withReceiver { received, port in
            try await TestApp.with { app in
                app.luoshi.delivery.maxAttempts = 1
                app.luoshi.delivery.timeoutSeconds = 2
                let live = try await Live.start(app)
                let admin = try await app.signIn("duchaban")
                let (item, reporter) = try await app.assignedItem()
                let unit = try #require(reporter.$organization.id)
                // Set up over the API: what is plainly inside is refused with the reason, and nothing is kept.
                var headers = admin.headers
                headers.contentType = .json
                let before = try await NotificationChannel.query(on: app.db).count()
                for target in [
                    "http://127.0.0.1:\(port)/hook", "http://2130706433:\(port)/hook", "http://localhost:5432/",
                    "http://10.1.2.3/hook", "http://169.254.169.254/latest/meta-data/", "http://[::1]:\(port)/hook",
                    "http://[::ffff:192.168.1.1]/hook",
                ] {
                    let body = #"{"name":"内网","kind":"webhook","target":"\#(target)","organization":"\#(unit)"}"#
                    let answer = try await live.send(
                        .POST, "/api/v1/channels", headers: headers, body: ByteBuffer(string: body))
                    #expect(answer.status == .unprocessableEntity, "\(target)")
                    #expect(String(buffer: answer.body ?? ByteBuffer()).contains("内网"), "\(target)")
                }
                #expect(try await NotificationChannel.query(on: app.db).count() == before)

                // A name that resolves inside is refused when the call would be made (checked after DNS).
                // Channels written straight to the table, as an older version may have left them.
                let admitted = try #require(try await User.query(on: app.db).filter(\.$username == "duchaban").first())
                var ids: [String: UUID] = [:]
                for (name, target) in [
                    ("名字在内网", "http://localhost:\(port)/hook"), ("重定向", "http://127.0.0.1:\(port)/moved"),
                    ("话多", "http://127.0.0.1:\(port)/chatty"),
                ] {
                    let c = NotificationChannel()
                    c.id = UUID()
                    c.name = name
                    c.kind = .webhook
                    c.target = target
                    c.$organization.id = unit
                    c.active = true
                    c.createdAt = Date()
                    try await c.create(on: app.db)
                    ids[name] = c.id
                }
                // The receiver on loopback is one the operator vouched for: reached, but not by its name.
                app.luoshi.delivery.allowedHosts = ["127.0.0.1"]
                _ = try await Notices.issue(
                    .init(item: item.id!, unit: unit, level: .yellow, reason: "进度滞后", requiredAction: "说明原因"),
                    by: admitted, on: app.store, now: app.clock.now())
                try await deliverAll(app, every: .milliseconds(200))
                func attempt(_ name: String) async throws -> DeliveryAttempt {
                    let d = try #require(
                        try await Delivery.query(on: app.db).filter(\.$channel.$id == ids[name]!).first())
                    #expect(d.state == .failed, "\(name)")
                    return try #require(
                        try await DeliveryAttempt.query(on: app.db).filter(\.$delivery.$id == d.id!).first())
                }
                #expect(try await attempt("名字在内网").answer.contains("内网"))
                #expect(await received.on("hook").isEmpty)
                // The redirect is reported, not followed.
                #expect(try await attempt("重定向").status == 307)
                #expect(await received.on("moved").count == 1)
                #expect(await received.on("inside").isEmpty)
                // What a receiver said is kept short and without control characters.
                let chatty = try await attempt("话多").answer
                #expect(chatty.count <= 200)
                #expect(!chatty.unicodeScalars.contains { $0.value < 0x20 })
                // Over the API the log shows the same short words.
                let log = try await live.send(.GET, "/api/v1/deliveries", headers: admin.headers)
                #expect(
                    !String(buffer: log.body ?? ByteBuffer()).contains(
                        String(repeating: "内部页面 internal page ", count: 20)))
                await live.stop()
            }
        }
    }

    @Test("群机器人的 Markdown：用户文字不能加链接或标题 (robot Markdown: user text adds no link or heading)")
    func robotMarkdownEscapesUserText() throws {
        for kind in [ChannelKind.wecom, .dingtalk] {
            let request = WebhookFormat.request(
                kind: kind, target: "https://robot.example/send?key=k", secret: nil, deliveryID: UUID(),
                event: .notice, title: "【督办】[点此领奖](http://evil.example)\n# 标题", text: "说明 **加粗** <img src=x> `代码`",
                link: "https://luoshi.example/notices/1", now: Date())
            let json = try #require(try JSONSerialization.jsonObject(with: Data(request.body)) as? [String: Any])
            let markdown = try #require(json["markdown"] as? [String: Any])
            let content = try #require((markdown["content"] ?? markdown["text"]) as? String)
            #expect(content.contains("［点此领奖］（http://evil.example）"))
            #expect(!content.contains("](http://evil.example)"))
            #expect(!content.contains("\n# "))
            #expect(content.contains("＜img src=x＞"))
            #expect(content.contains("＊＊加粗＊＊"))
            // Luoshi's own link stays a link.
            #expect(content.contains("[查看详情](https://luoshi.example/notices/1)"))
        }
    }
}
