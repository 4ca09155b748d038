import Foundation
import NIOCore
import NIOPosix

/// Sends one message per connection to an SMTP relay, over plain TCP.
///
/// No TLS and no STARTTLS, on purpose: the relays this serves sit on a government intranet and take
/// submissions on port 25 or 587 without encryption. See ``SMTPSettings``.
public enum SMTPClient {
    /// Delivers `message` and returns the server's reply to the end of DATA, e.g.
    /// "250 2.0.0 Ok: queued as 4Z1"; that reply is the relay's receipt, worth logging.
    ///
    /// Everything is checked before a connection is opened, and the whole exchange is bounded by
    /// ``SMTPSettings/timeout``: a relay that stops answering costs at most that long. The connection is closed
    /// on every path, including cancellation of the calling task.
    public static func send(
        _ message: MailMessage, settings: SMTPSettings, group: any EventLoopGroup
    ) async throws -> String {
        try MessageFormat.validate(message, settings: settings)
        let now = Date()
        let data = MessageFormat.render(
            message, epochSeconds: Int64(now.timeIntervalSince1970.rounded(.down)),
            utcOffsetSeconds: TimeZone.current.secondsFromGMT(for: now),
            messageID: MessageFormat.makeMessageID(heloName: settings.heloName))
        let payload = MessageFormat.dotStuffed(data) + ".\r\n"

        let deadline = NIODeadline.now() + settings.timeout
        guard let bootstrap = ClientBootstrap(validatingGroup: group) else {
            throw SMTPError.connect("the event loop group is not one NIOPosix can use")
        }
        let connection: NIOAsyncChannel<String, ByteBuffer>
        do {
            connection = try await bootstrap.connectTimeout(settings.timeout)
                .connect(host: settings.host, port: settings.port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(SMTPLineDecoder()))
                        return try NIOAsyncChannel<String, ByteBuffer>(wrappingChannelSynchronously: channel)
                    }
                }
        } catch ChannelError.connectTimeout {
            throw SMTPError.timeout(during: "connect")
        } catch {
            throw SMTPError.connect("\(settings.host):\(settings.port): \(error)")
        }

        // One timer for the whole dialogue: closing the channel at the deadline ends any pending read or write,
        // whatever step it is in, and the step that fails then reports the timeout (see `Dialogue.failure`).
        let channel = connection.channel
        let timer = channel.eventLoop.scheduleTask(deadline: deadline) {
            channel.close(promise: nil)
        }
        defer { timer.cancel() }
        return try await withTaskCancellationHandler {
            try await connection.executeThenClose { inbound, outbound in
                var dialogue = Dialogue(lines: inbound.makeAsyncIterator(), outbound: outbound, deadline: deadline)
                return try await dialogue.run(message, settings: settings, payload: payload)
            }
        } onCancel: {
            channel.close(promise: nil)
        }
    }
}

/// The command/reply exchange on an open connection, one command at a time (no PIPELINING: a notification
/// mail is small and the sequential form makes each failure name its step).
private struct Dialogue {
    var lines: NIOAsyncChannelInboundStream<String>.AsyncIterator
    let outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>
    let deadline: NIODeadline

    mutating func run(_ message: MailMessage, settings: SMTPSettings, payload: String) async throws -> String {
        do {
            let receipt = try await transaction(message, settings: settings, payload: payload)
            // The mail is queued at this point; a relay that fumbles QUIT must not turn that into a failure.
            _ = try? await command("QUIT", step: "QUIT")
            return receipt
        } catch let error as SMTPError {
            if case .rejected = error {
                // The server is in a sane state and merely said no: take leave politely. The writes are
                // ordered before the close that follows, so QUIT reaches the server; its reply is not awaited,
                // which would only delay reporting the real error.
                try? await outbound.write(ByteBuffer(string: "QUIT\r\n"))
            }
            throw error
        }
    }

    private mutating func transaction(
        _ message: MailMessage, settings: SMTPSettings, payload: String
    ) async throws -> String {
        try expect(await readReply(step: "greeting"), [220], step: "greeting")

        var capabilities: SMTPReply?
        let ehlo = try await command("EHLO \(settings.heloName)", step: "EHLO")
        if ehlo.code == 250 {
            capabilities = ehlo
        } else if (500..<600).contains(ehlo.code) {
            // An RFC 821 server that does not know EHLO: HELO offers no extensions, AUTH included.
            try expect(await command("HELO \(settings.heloName)", step: "HELO"), [250], step: "HELO")
        } else {
            try expect(ehlo, [250], step: "EHLO")
        }

        if let username = settings.username, let password = settings.password {
            let mechanisms = capabilities?.authMechanisms ?? []
            if mechanisms.contains("LOGIN") && !mechanisms.contains("PLAIN") {
                try await authLogin(username: username, password: password)
            } else {
                // PLAIN also when nothing is advertised: the server's refusal then says more than a guess would.
                let credential = MessageFormat.base64(Array("\0\(username)\0\(password)".utf8))
                try expect(await command("AUTH PLAIN \(credential)", step: "AUTH PLAIN"), [235], step: "AUTH PLAIN")
            }
        }

        try expect(await command("MAIL FROM:<\(message.from)>", step: "MAIL FROM"), [250], step: "MAIL FROM")
        for recipient in message.to {
            // 251: "user not local; will forward", still an acceptance.
            try expect(await command("RCPT TO:<\(recipient)>", step: "RCPT TO"), [250, 251], step: "RCPT TO")
        }
        try expect(await command("DATA", step: "DATA"), [354], step: "DATA")
        try await write(payload, step: "message")
        let receipt = try await readReply(step: "message")
        try expect(receipt, [250], step: "message")
        return receipt.text
    }

    private mutating func authLogin(username: String, password: String) async throws {
        let step = "AUTH LOGIN"
        try expect(await command("AUTH LOGIN", step: step), [334], step: step)
        try expect(await command(MessageFormat.base64(Array(username.utf8)), step: step), [334], step: step)
        try expect(await command(MessageFormat.base64(Array(password.utf8)), step: step), [235], step: step)
    }

    private func expect(_ reply: SMTPReply, _ codes: Set<Int>, step: String) throws(SMTPError) {
        guard codes.contains(reply.code) else {
            throw .rejected(code: reply.code, reply: reply.text, during: step)
        }
    }

    private mutating func command(_ line: String, step: String) async throws -> SMTPReply {
        try await write(line + "\r\n", step: step)
        return try await readReply(step: step)
    }

    private func write(_ text: String, step: String) async throws {
        do {
            try await outbound.write(ByteBuffer(string: text))
        } catch {
            throw failure(error, step: step)
        }
    }

    private mutating func readReply(step: String) async throws -> SMTPReply {
        var parser = SMTPReplyParser()
        while true {
            let line: String?
            do {
                line = try await lines.next()
            } catch {
                throw failure(error, step: step)
            }
            guard let line else {
                throw failure(nil, step: step)
            }
            if let reply = try parser.feed(line) {
                return reply
            }
        }
    }

    /// Names what went wrong with the connection. The deadline timer only closes the channel, so a read that
    /// ends or a write that fails after the deadline is the timeout, whatever error NIO reports for it.
    private func failure(_ error: (any Error)?, step: String) -> any Error {
        if let error = error as? SMTPError {
            return error
        }
        if NIODeadline.now() >= deadline {
            return SMTPError.timeout(during: step)
        }
        if Task.isCancelled {
            return CancellationError()
        }
        if let error {
            return SMTPError.connect("connection failed during \(step): \(error)")
        }
        return SMTPError.connect("the server closed the connection during \(step)")
    }
}
