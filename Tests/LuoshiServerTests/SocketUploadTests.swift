import Fluent
import Foundation
import LuoshiCore
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import Testing
import Vapor
import VaporTesting

@testable import LuoshiServer

/// Uploads as a browser sends them, over a real socket: a body of more than a few kilobytes arrives in
/// pieces, which in-process tests (handing over a whole body) never showed.
extension ServerTests {
    /// The app serving on a port of loopback, and a client that does not follow redirects.
    struct Live {
        let app: Application
        let base: String

        static func start(_ app: Application) async throws -> Live {
            app.http.client.configuration.redirectConfiguration = .disallow
            try await app.server.start(address: .hostname("127.0.0.1", port: 0))
            let port = try #require(app.http.server.shared.localAddress?.port)
            return Live(app: app, base: "http://127.0.0.1:\(port)")
        }

        func send(_ method: HTTPMethod, _ path: String, headers: HTTPHeaders = [:], body: ByteBuffer? = nil)
            async throws -> ClientResponse
        {
            try await app.client.send(method, headers: headers, to: URI(string: base + path)) { req in
                req.body = body
            }
        }

        func stop() async { await app.server.shutdown() }
    }

    /// Signs in through the login form over TCP, as a browser does.
    func browserSignIn(_ live: Live, _ username: String?) async throws -> BrowserSession {
        try await BrowserSession.signIn(username) { method, path, headers, body in
            let res = try await live.send(method, path, headers: headers, body: body)
            return (res.status, res.headers, String(buffer: res.body ?? ByteBuffer()))
        }
    }

    static func multipart(
        boundary: String, fields: [(String, String)], file: (field: String, name: String, data: Data)?
    ) -> ByteBuffer {
        var body = ByteBuffer()
        for (name, value) in fields {
            body.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n")
        }
        if let file {
            body.writeString(
                "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(file.field)\"; filename=\"\(file.name)\"\r\n"
                    + "Content-Type: text/plain\r\n\r\n")
            body.writeBytes(file.data)
            body.writeString("\r\n")
        }
        body.writeString("--\(boundary)--\r\n")
        return body
    }

    @Test("浏览器上传大于 2 KB 的文件：经由套接字导入计划文档 (a browser upload over 2 KB, over a socket)")
    func browserImportOverSocket() async throws {
        try await TestApp.with { app in
            let live = try await Live.start(app)
            let session = try await browserSignIn(live, "duchaban")
            // The seed document itself, made a new one (16 KB, arriving in pieces).
            var document = try Data(contentsOf: TestApp.fixture)
            document.append(Data("\n附：另行印发。\n".utf8))
            let boundary = "----LuoshiSocketTest7MA4YWxkTrZu0gW"
            var headers = session.headers
            headers.replaceOrAdd(name: .contentType, value: "multipart/form-data; boundary=\(boundary)")
            let before = try await Plan.query(on: app.db).count()
            let imported = try await live.send(
                .POST, "/plans", headers: headers,
                body: Self.multipart(
                    boundary: boundary, fields: [("_csrf", session.csrf)],
                    file: ("document", "张芝山镇2015.txt", document)))
            #expect(imported.status == .seeOther, "\(imported.status) \(String(buffer: imported.body ?? ByteBuffer()))")
            #expect(imported.headers.first(name: .location)?.contains("/review") == true)
            #expect(try await Plan.query(on: app.db).count() == before + 1)
            // The same post with a wrong form token keeps nothing.
            let forged = try await live.send(
                .POST, "/plans", headers: headers,
                body: Self.multipart(
                    boundary: boundary, fields: [("_csrf", "forged")], file: ("document", "b.txt", document)))
            #expect(forged.status == .forbidden)
            #expect(String(buffer: forged.body ?? ByteBuffer()).contains("表单已过期"))
            #expect(try await Plan.query(on: app.db).count() == before + 1)
            // A forged form with a large file: refused at its token, which comes first; no file is kept.
            let incoming = app.luoshi.evidenceDirectory + "/" + UploadReceiver.incoming
            let large = try await live.send(
                .POST, "/plans", headers: headers,
                body: Self.multipart(
                    boundary: boundary, fields: [("_csrf", "forged")],
                    file: ("document", "c.txt", Data(repeating: 0x41, count: 8_000_000))))
            #expect(large.status == .forbidden)
            #expect(((try? FileManager.default.contentsOfDirectory(atPath: incoming)) ?? []).isEmpty)
            await live.stop()
        }
    }

    @Test("不该上传的人在读取正文之前即被拒绝 (an upload from someone who may not is refused before its body is read)")
    func uploadRefusedFromHeaders() async throws {
        try await TestApp.with { app in
            let live = try await Live.start(app)
            let deputy = try await browserSignIn(live, "daibiao")
            let (item, _) = try await app.assignedItem()
            let boundary = "----LuoshiSocketTestDeputy"
            var headers = deputy.headers
            headers.replaceOrAdd(name: .contentType, value: "multipart/form-data; boundary=\(boundary)")
            let evidence = Data(repeating: 0x41, count: 300_000)
            let refused = try await live.send(
                .POST, "/items/\(item.id!)/reports", headers: headers,
                body: Self.multipart(
                    boundary: boundary, fields: [("_csrf", deputy.csrf), ("period", "2015-06"), ("narrative", "x")],
                    file: ("evidence[]", "a.pdf", evidence)))
            #expect(refused.status == .forbidden)
            #expect(String(buffer: refused.body ?? ByteBuffer()).contains("无权上传"))
            // A comment larger than a form takes (1 MB), said by its length: 413, and nothing kept.
            let staff = try await browserSignIn(live, "duchaban")
            let comments = try await Comment.query(on: app.db).count()
            let huge = "_csrf=\(staff.csrf)&text=" + String(repeating: "a", count: 1_200_000)
            let tooLarge = try await live.send(
                .POST, "/items/\(item.id!)/comments", headers: staff.headers, body: ByteBuffer(string: huge))
            #expect(tooLarge.status == .payloadTooLarge)
            #expect(try await Comment.query(on: app.db).count() == comments)
            await live.stop()
        }
    }

    @Test("正文发送过慢的请求被中止 (a body that trickles in is stopped)")
    func tricklingBodyIsStopped() async throws {
        try await TestApp.with { app in
            app.bodyGrace = .milliseconds(300)
            let live = try await Live.start(app)
            let port = try #require(app.http.server.shared.localAddress?.port)
            let answer = app.eventLoopGroup.next().makePromise(of: String.self)
            let channel = try await ClientBootstrap(group: app.eventLoopGroup)
                .channelInitializer { channel in channel.pipeline.addHandler(FirstAnswer(answer)) }
                .connect(host: "127.0.0.1", port: port).get()
            try await channel.writeAndFlush(
                ByteBuffer(
                    string: "POST /login HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                        + "Content-Length: 1000\r\n\r\nusername=a")
            ).get()
            try await Task.sleep(for: .seconds(1))
            try await channel.writeAndFlush(ByteBuffer(string: "bbbbbbbbbb")).get()
            let status = try await answer.futureResult.get()
            #expect(status.hasPrefix("HTTP/1.1 408"), "\(status)")
            try await channel.close()
            await live.stop()
        }
    }

    @Test(
        "群众留言附照片：经由套接字，无需登录；照片只给工作人员和答复单位看，不公开；不是图片、过大被拒且不留文件 (a photo with feedback over a socket: seen by staff and the unit only)"
    )
    func feedbackPhotoOverSocket() async throws {
        try await TestApp.with { app in
            let live = try await Live.start(app)
            let (planID, admin, item, reporter) = try await app.releasedDemo()
            let day = CivilDay(app.clock.now(), calendar: .beijing)
            let (a, b) = FeedbackService.question(key: app.auditKey, plan: planID, day: day)
            let boundary = "----LuoshiPhoto9x2"
            var headers = HTTPHeaders()
            headers.replaceOrAdd(name: .contentType, value: "multipart/form-data; boundary=\(boundary)")
            func send(_ name: String, _ data: Data, text: String) async throws -> ClientResponse {
                try await live.send(
                    .POST, "/public/plans/\(planID)/feedback", headers: headers,
                    body: Self.multipart(
                        boundary: boundary,
                        fields: [
                            ("item", item.code), ("day", Breakdown.iso(day)), ("answer", "\(a + b)"), ("text", text),
                        ], file: (field: "photo", name: name, data: data)))
            }
            // A phone's photo, 3 MB, arriving in pieces.
            var png = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
            png.append(Data(repeating: 0x5A, count: 3 << 20))
            let sent = try await send("路灯.png", png, text: "PHOTO-FEEDBACK 路灯不亮，见照片")
            #expect(sent.status == .seeOther)
            let f = try #require(
                try await Feedback.query(on: app.db).filter(\.$text == "PHOTO-FEEDBACK 路灯不亮，见照片").first())
            let photo = try #require(f.photoID)
            #expect(f.photoType == "image/png" && f.photoSHA256 == Fingerprint.sha256Hex(Array(png)))
            #expect(FileManager.default.fileExists(atPath: EvidenceStore.path(photo, in: app.luoshi.evidenceDirectory)))
            // Not an image, or an image's name on something else: refused with the words kept, no file left.
            let files = { try FileManager.default.contentsOfDirectory(atPath: app.luoshi.evidenceDirectory).count }
            let kept = try files()
            for (name, data) in [("a.pdf", Data("%PDF-1.4".utf8)), ("b.png", Data("%PDF-1.4 not a png".utf8))] {
                let refused = try await send(name, data, text: "REFUSED-PHOTO")
                #expect(refused.status == .unprocessableEntity)
                #expect(String(buffer: refused.body ?? ByteBuffer()).contains("REFUSED-PHOTO"))
            }
            // Over the limit: refused from its headers.
            let big = try await send(
                "big.jpg", Data([0xFF, 0xD8, 0xFF]) + Data(repeating: 1, count: 9 << 20), text: "BIG")
            #expect(big.status == .payloadTooLarge)
            #expect(try files() == kept)
            #expect(try await Feedback.query(on: app.db).count() == 1)

            // Staff see it; once routed, the unit does; another unit and the public never.
            let photoPath = SiteURL.feedbackPhoto(f.id!).path
            let staff = try await browserSignIn(live, "duchaban")
            let seen = try await live.send(.GET, photoPath, headers: staff.headers)
            #expect(seen.status == .ok && seen.headers.contentType?.description.hasPrefix("image/png") == true)
            #expect(seen.body?.readableBytes == png.count)
            try await FeedbackService.moderate(
                f.id!, .init(action: "publish", reason: nil, unit: nil), actor: admin, on: app.store,
                now: app.clock.now())
            let unit = try await browserSignIn(live, reporter.username)
            #expect(try await live.send(.GET, photoPath, headers: unit.headers).status == .ok)
            let (_, other) = try await app.assignedItem(otherThan: reporter.$organization.id)
            let stranger = try await browserSignIn(live, other.username)
            #expect(try await live.send(.GET, photoPath, headers: stranger.headers).status == .notFound)
            let anonymous = try await live.send(.GET, photoPath)
            #expect(anonymous.status != .ok)
            let page = try await live.send(.GET, SiteURL.publicItem(plan: planID, code: item.code).path)
            let html = String(buffer: page.body ?? ByteBuffer())
            #expect(
                html.contains("PHOTO-FEEDBACK") && !html.contains(photo.uuidString.lowercased())
                    && !html.contains("/photo"))
            let list = try await live.send(.GET, "/feedback", headers: staff.headers)
            #expect(String(buffer: list.body ?? ByteBuffer()).contains(photoPath))
            await live.stop()
        }
    }
}

/// The first bytes a server answers on a raw connection.
private final class FirstAnswer: ChannelInboundHandler, Sendable {
    typealias InboundIn = ByteBuffer
    let promise: EventLoopPromise<String>
    let answered = NIOLockedValueBox(false)

    init(_ promise: EventLoopPromise<String>) { self.promise = promise }

    private func answer(_ text: String) {
        guard
            answered.withLockedValue({ done in
                defer { done = true }; return !done
            })
        else { return }
        promise.succeed(text)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var bytes = unwrapInboundIn(data)
        answer(bytes.readString(length: bytes.readableBytes) ?? "")
    }

    func channelInactive(context: ChannelHandlerContext) { answer("(closed)") }
}
