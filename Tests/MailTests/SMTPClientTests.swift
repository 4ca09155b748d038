import Foundation
import NIOCore
import NIOPosix
import Testing

@testable import Mail

// The time limit turns a client that hangs into a failure instead of a stuck CI run.
@Suite("SMTP 客户端 (SMTP client against a fake server)", .timeLimit(.minutes(1)))
struct SMTPClientTests {
    let group = MultiThreadedEventLoopGroup.singleton

    // Generous, because the client's own steps run on the cooperative threads that the rest of the suite
    // shares: a busy moment elsewhere in the process must not read as a slow relay. The timeout tests set
    // their own.
    func settings(_ server: FakeSMTPServer, timeout: TimeAmount = .seconds(30)) -> SMTPSettings {
        SMTPSettings(host: "127.0.0.1", port: server.port, timeout: timeout)
    }

    @Test("中文主题和正文送达两位收件人，原样解码 (Chinese subject and body reach two recipients intact)")
    func deliversChineseMail() async throws {
        let server = try await FakeSMTPServer.start()
        let subject = "关于2026年第一季度重点工作推进情况的通报（请各部门于3月31日前在洛书系统中反馈）"
        let body =
            "各位同事：\r\n\r\n本季度共有12项目标进度滞后，请登录系统查看并更新。\r\n"
            + ".以句点开头的一行也必须完整送达。\r\n\r\n张芝山镇人民政府办公室\r\n"
        let message = MailMessage(
            from: "bangongshi@zhangzhishan.gov.cn",
            to: ["li.wei@zhangzhishan.gov.cn", "wang.fang@zhangzhishan.gov.cn"],
            subject: subject, body: body)

        let receipt = try await SMTPClient.send(message, settings: settings(server), group: group)
        await server.stop()

        #expect(receipt == "250 2.0.0 Ok: queued as FAKE1")
        #expect(
            await server.log.commands == [
                "EHLO luoshi",
                "MAIL FROM:<bangongshi@zhangzhishan.gov.cn>",
                "RCPT TO:<li.wei@zhangzhishan.gov.cn>",
                "RCPT TO:<wang.fang@zhangzhishan.gov.cn>",
                "DATA",
                "QUIT",
            ])
        #expect(await server.log.linesWithBareLineBreaks.isEmpty)
        let payloads = await server.log.messages
        try #require(payloads.count == 1)
        let payload = payloads[0]
        #expect(payload.utf8.allSatisfy { $0 < 0x80 }, "the message must be 7-bit clean")
        #expect(payload.components(separatedBy: "\r\n").allSatisfy { $0.utf8.count <= 78 })

        let mail = try #require(ReceivedMail(payload))
        #expect(mail.header("From") == "bangongshi@zhangzhishan.gov.cn")
        #expect(mail.header("To") == "li.wei@zhangzhishan.gov.cn, wang.fang@zhangzhishan.gov.cn")
        #expect(decodeEncodedWords(try #require(mail.header("Subject"))) == subject)
        #expect(mail.header("MIME-Version") == "1.0")
        #expect(mail.header("Content-Type") == "text/plain; charset=UTF-8")
        #expect(mail.header("Content-Transfer-Encoding") == "base64")
        let date = try #require(mail.header("Date"))
        #expect(
            date.wholeMatch(of: /(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d [+-]\d{4}/)
                != nil)
        let messageID = try #require(mail.header("Message-ID"))
        #expect(messageID.wholeMatch(of: /<[0-9a-f]{32}@luoshi>/) != nil)

        let bodyLines = mail.body.components(separatedBy: "\r\n").filter { !$0.isEmpty }
        #expect(bodyLines.allSatisfy { $0.count <= 76 })
        #expect(bodyLines.dropLast().allSatisfy { $0.count == 76 })
        #expect(decodeBase64(bodyLines.joined()) == body)
    }

    @Test("AUTH PLAIN 发送正确的凭据 (AUTH PLAIN sends the right credential)")
    func authPlain() async throws {
        let server = try await FakeSMTPServer.start(FakeServerScript(requireAuth: true))
        var settings = settings(server)
        settings.username = "luoshi-notify"
        settings.password = "s3cret!"
        let message = MailMessage(from: "a@example.gov.cn", to: ["b@example.gov.cn"], subject: "测试", body: "正文")

        let receipt = try await SMTPClient.send(message, settings: settings, group: group)
        await server.stop()

        #expect(receipt == "250 2.0.0 Ok: queued as FAKE1")
        let commands = await server.log.commands
        // base64("\0luoshi-notify\0s3cret!"), computed outside the code under test.
        #expect(
            Array(commands.prefix(3)) == [
                "EHLO luoshi", "AUTH PLAIN AGx1b3NoaS1ub3RpZnkAczNjcmV0IQ==", "MAIL FROM:<a@example.gov.cn>",
            ])
        #expect(await server.log.messages.count == 1)
    }

    @Test("服务器只支持 LOGIN 时改用 AUTH LOGIN (AUTH LOGIN when only LOGIN is advertised)")
    func authLoginFallback() async throws {
        let server = try await FakeSMTPServer.start(FakeServerScript(requireAuth: true, authMechanisms: ["LOGIN"]))
        var settings = settings(server)
        settings.username = "luoshi-notify"
        settings.password = "s3cret!"
        let message = MailMessage(from: "a@example.gov.cn", to: ["b@example.gov.cn"], subject: "测试", body: "正文")

        _ = try await SMTPClient.send(message, settings: settings, group: group)
        await server.stop()

        #expect(
            Array(await server.log.commands.prefix(5)) == [
                "EHLO luoshi", "AUTH LOGIN", "bHVvc2hpLW5vdGlmeQ==", "czNjcmV0IQ==", "MAIL FROM:<a@example.gov.cn>",
            ])
    }

    @Test("密码错误得到 535 (a wrong password is reported as a 535 during AUTH PLAIN)")
    func authRejected() async throws {
        let server = try await FakeSMTPServer.start(FakeServerScript(requireAuth: true))
        var settings = settings(server)
        settings.username = "luoshi-notify"
        settings.password = "wrong"
        let message = MailMessage(from: "a@example.gov.cn", to: ["b@example.gov.cn"], subject: "测试", body: "正文")

        await #expect(throws: SMTPError.rejected(code: 535, reply: "535 5.7.8 Bad credentials", during: "AUTH PLAIN")) {
            try await SMTPClient.send(message, settings: settings, group: group)
        }
        #expect(await server.log.waitForClosedConnections(1))
        await server.stop()
        #expect(await server.log.commands.last == "QUIT")
    }

    @Test("RCPT 被 550 拒绝：报告该步骤，发送 QUIT 并断开 (550 on RCPT names the step, then QUIT and close)")
    func recipientRejected() async throws {
        let server = try await FakeSMTPServer.start(FakeServerScript(rejectRecipients: ["nobody@example.gov.cn"]))
        let message = MailMessage(
            from: "a@example.gov.cn", to: ["b@example.gov.cn", "nobody@example.gov.cn"], subject: "测试", body: "正文")

        await #expect(
            throws: SMTPError.rejected(
                code: 550, reply: "550 5.1.1 <nobody@example.gov.cn>: Recipient address rejected: User unknown",
                during: "RCPT TO")
        ) {
            try await SMTPClient.send(message, settings: settings(server), group: group)
        }
        #expect(await server.log.waitForClosedConnections(1))
        await server.stop()
        #expect(
            await server.log.commands == [
                "EHLO luoshi", "MAIL FROM:<a@example.gov.cn>", "RCPT TO:<b@example.gov.cn>",
                "RCPT TO:<nobody@example.gov.cn>", "QUIT",
            ])
        #expect(await server.log.messages.isEmpty)
    }

    @Test("连上后一字不发的服务器按时超时 (a server that accepts and never greets times out)")
    func muteServerTimesOut() async throws {
        let server = try await FakeSMTPServer.start(FakeServerScript(silent: true))
        let message = MailMessage(from: "a@example.gov.cn", to: ["b@example.gov.cn"], subject: "测试", body: "正文")

        let clock = ContinuousClock()
        let start = clock.now
        await #expect(throws: SMTPError.timeout(during: "greeting")) {
            try await SMTPClient.send(message, settings: settings(server, timeout: .seconds(1)), group: group)
        }
        let elapsed = clock.now - start
        // A bound, not a benchmark: the call must come back around the 1 s timeout, never hang (without the
        // timeout it would wait for the suite's one-minute limit). Loose, because the process may be busy.
        #expect(elapsed < .seconds(20))
        #expect(await server.log.waitForClosedConnections(1))
        await server.stop()
        #expect(await server.log.commands.isEmpty)
    }

    @Test("服务器不再应答时按时超时 (a server that stops answering times out)")
    func silentServerTimesOut() async throws {
        let server = try await FakeSMTPServer.start(FakeServerScript(silentAfterGreeting: true))
        let message = MailMessage(from: "a@example.gov.cn", to: ["b@example.gov.cn"], subject: "测试", body: "正文")

        let clock = ContinuousClock()
        let start = clock.now
        let error = await #expect(throws: SMTPError.self) {
            try await SMTPClient.send(message, settings: settings(server, timeout: .seconds(2)), group: group)
        }
        let elapsed = clock.now - start
        #expect(elapsed < .seconds(20))
        #expect(await server.log.waitForClosedConnections(1))
        await server.stop()
        // The step is EHLO when the client got to send it within the 2 s; a client held up longer by the busy
        // process times out one step earlier. Either way it is the timeout, and the relay saw nothing else.
        let commands = await server.log.commands
        switch error {
        case .timeout(during: "EHLO")?: #expect(commands == ["EHLO luoshi"])
        case .timeout(during: "greeting")?: #expect(commands.isEmpty)
        default: Issue.record("expected a timeout during the greeting or EHLO, got \(String(describing: error))")
        }
    }

    @Test(
        "含换行等字符的地址在连接前被拒 (addresses that could inject are refused before connecting)",
        arguments: [
            "victim@example.gov.cn\r\nRCPT TO:<spy@evil.example>",
            "victim@example.gov.cn\nBcc: spy@evil.example",
            "victim@example.gov.cn\r",
            "victim@example.gov.cn> SIZE=1",
            "<victim@example.gov.cn",
            "no-at-sign.example.gov.cn",
            "@example.gov.cn",
            "victim@",
            "",
            "victim@example.gov.cn, spy@evil.example",
            "李伟@example.gov.cn",
        ]
    )
    func injectionRefused(address: String) async throws {
        let server = try await FakeSMTPServer.start()
        let asRecipient = MailMessage(
            from: "a@example.gov.cn", to: ["b@example.gov.cn", address], subject: "测试", body: "正文")
        let asSender = MailMessage(from: address, to: ["b@example.gov.cn"], subject: "测试", body: "正文")
        for message in [asRecipient, asSender] {
            let error = await #expect(throws: SMTPError.self) {
                try await SMTPClient.send(message, settings: settings(server), group: group)
            }
            guard case .invalidAddress = error else {
                Issue.record("expected invalidAddress, got \(String(describing: error))")
                continue
            }
        }
        await server.stop()
        #expect(await server.log.connections == 0)
    }

    @Test("HELO 名称和空收件人列表同样在连接前被拒 (a bad HELO name or no recipients is refused before connecting)")
    func badHeloAndNoRecipients() async throws {
        let server = try await FakeSMTPServer.start()
        var badHelo = settings(server)
        badHelo.heloName = "luoshi\r\nMAIL FROM:<spy@evil.example>"
        let message = MailMessage(from: "a@example.gov.cn", to: ["b@example.gov.cn"], subject: "测试", body: "正文")
        await #expect(throws: SMTPError.self) {
            try await SMTPClient.send(message, settings: badHelo, group: group)
        }
        var empty = message
        empty.to = []
        await #expect(throws: SMTPError.invalidAddress("the message has no recipients")) {
            try await SMTPClient.send(empty, settings: settings(server), group: group)
        }
        await server.stop()
        #expect(await server.log.connections == 0)
    }

    @Test("EHLO 被拒时改用 HELO (falls back to HELO when EHLO is refused)")
    func heloFallback() async throws {
        let server = try await FakeSMTPServer.start(FakeServerScript(refuseEHLO: true))
        let message = MailMessage(from: "a@example.gov.cn", to: ["b@example.gov.cn"], subject: "测试", body: "正文")

        let receipt = try await SMTPClient.send(message, settings: settings(server), group: group)
        await server.stop()

        #expect(receipt == "250 2.0.0 Ok: queued as FAKE1")
        #expect(
            await server.log.commands == [
                "EHLO luoshi", "HELO luoshi", "MAIL FROM:<a@example.gov.cn>", "RCPT TO:<b@example.gov.cn>", "DATA",
                "QUIT",
            ])
    }

    @Test("无人监听的端口报告连接失败 (a port nobody listens on is a connect error)")
    func connectionRefused() async throws {
        let server = try await FakeSMTPServer.start()
        let port = server.port
        await server.stop()
        let message = MailMessage(from: "a@example.gov.cn", to: ["b@example.gov.cn"], subject: "测试", body: "正文")

        let error = await #expect(throws: SMTPError.self) {
            try await SMTPClient.send(message, settings: SMTPSettings(host: "127.0.0.1", port: port), group: group)
        }
        guard case .connect = error else {
            Issue.record("expected connect, got \(String(describing: error))")
            return
        }
    }
}
