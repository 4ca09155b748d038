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

private func startReceiver(_ received: Received) async throws -> (Application, Int) {
    let app = try await Application.make(.testing)
    app.logger.logLevel = .critical
    for path in ["hook", "flaky", "wecom", "ding", "stuck", "robot-error"] {
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

extension ServerTests {
    /// Every channel format arrives as its receiver expects; a failing receiver is retried until it
    /// answers; a stuck one costs only its own delivery, up to the timeout; every attempt is logged.
    @Test("推送：三种 Webhook 格式、失败重试、卡死的接收方 (deliveries to a real receiver)")
    func deliveries() async throws {
        let received = Received()
        let (receiver, port) = try await startReceiver(received)
        do {
            try await TestApp.with { app in
                app.luoshi.delivery.baseDelay = 0.3
                app.luoshi.delivery.timeoutSeconds = 1
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
                        on: app.store, now: Date()
                    ).id
                }
                let notice = try await Notices.issue(
                    .init(item: item.id!, unit: unit, level: .red, reason: "进度滞后", requiredAction: "说明原因"), by: admin,
                    on: app.store, now: app.clock.now())
                #expect(try await Delivery.query(on: db).count() == channels.count)

                let started = Date()
                while Date().timeIntervalSince(started) < 20 {
                    try await Deliveries.runOnce(app: app)
                    let open = try await Delivery.query(on: db).filter(\.$state ~~ [.queued, .sending]).count()
                    if open == 0 { break }
                    try await Task.sleep(for: .milliseconds(350))
                }
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
        } catch {
            await receiver.server.shutdown()
            try? await receiver.asyncShutdown()
            throw error
        }
        await receiver.server.shutdown()
        try await receiver.asyncShutdown()
    }
}
