import Foundation
import NIOCore
import NIOPosix
import Synchronization

/// What the fake server does besides accepting everything.
struct FakeServerScript: Sendable {
    /// Advertise AUTH and answer MAIL FROM with 530 until the client has authenticated as `username`/`password`.
    var requireAuth = false
    var authMechanisms = ["PLAIN", "LOGIN"]
    var username = "luoshi-notify"
    var password = "s3cret!"
    /// RCPT TO for these addresses gets "550 5.1.1".
    var rejectRecipients: Set<String> = []
    /// Accept the connection, then never send a byte (a relay that hangs before its greeting).
    var silent = false
    /// Send the 220 greeting, then record commands but never answer again.
    var silentAfterGreeting = false
    /// Answer EHLO with 502, as an RFC 821-only server would.
    var refuseEHLO = false
}

/// Everything the fake server saw, for the tests to assert on. The server records from its event loop, so
/// the record is a locked box rather than an actor: nothing the server does waits for Swift's cooperative
/// threads, which other tests in the same process may keep busy for seconds.
final class FakeServerLog: Sendable {
    private struct Record {
        var commands: [String] = []
        var messages: [String] = []
        var linesWithBareLineBreaks: [String] = []
        var connections = 0
        var closedConnections = 0
        var open: [any Channel] = []
    }
    private let record = Mutex(Record())

    var commands: [String] { get async { record.withLock { $0.commands } } }
    /// The content of each DATA, un-dot-stuffed as a real server would, lines joined by CRLF.
    var messages: [String] { get async { record.withLock { $0.messages } } }
    /// Lines that carried a stray CR or LF, i.e. the client broke the CRLF discipline.
    var linesWithBareLineBreaks: [String] { get async { record.withLock { $0.linesWithBareLineBreaks } } }
    var connections: Int { get async { record.withLock { $0.connections } } }

    func record(command: String) { record.withLock { $0.commands.append(command) } }
    func record(message: String) { record.withLock { $0.messages.append(message) } }
    func recordBareLineBreak(_ line: String) { record.withLock { $0.linesWithBareLineBreaks.append(line) } }
    func opened(_ channel: any Channel) {
        record.withLock {
            $0.connections += 1
            $0.open.append(channel)
        }
    }
    func closed(_ channel: any Channel) {
        record.withLock {
            $0.closedConnections += 1
            $0.open.removeAll { $0 === channel }
        }
    }
    fileprivate func stillOpen() -> [any Channel] { record.withLock { $0.open } }

    /// Waits (a bounded while) for the server side to see `count` connections end: the client closes
    /// asynchronously from the server's point of view.
    func waitForClosedConnections(_ count: Int) async -> Bool {
        let deadline = ContinuousClock.now + .seconds(20)
        while record.withLock({ $0.closedConnections }) < count, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(10))
        }
        return record.withLock { $0.closedConnections } >= count
    }
}

/// A scriptable SMTP server on 127.0.0.1 with an ephemeral port, speaking just enough RFC 5321 for the client.
/// It answers from NIO's event loop, as a server in another process would, whatever the test process's
/// cooperative threads are doing.
struct FakeSMTPServer: Sendable {
    let port: Int
    let log: FakeServerLog
    private let listener: any Channel

    static func start(_ script: FakeServerScript = FakeServerScript()) async throws -> FakeSMTPServer {
        let log = FakeServerLog()
        let listener = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(CRLFLineDecoder()))
                    try channel.pipeline.syncOperations.addHandler(FakeSMTPSession(script: script, log: log))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        guard let port = listener.localAddress?.port else {
            throw ChannelError.unknownLocalAddress
        }
        return FakeSMTPServer(port: port, log: log, listener: listener)
    }

    func stop() async {
        try? await listener.close()
        for connection in log.stillOpen() {
            try? await connection.close()
        }
    }
}

/// One client's SMTP session, driven line by line on the connection's event loop.
private final class FakeSMTPSession: ChannelInboundHandler {
    typealias InboundIn = String
    typealias OutboundOut = ByteBuffer

    let script: FakeServerScript
    let log: FakeServerLog
    var authenticated = false
    var dataLines: [String]?  // non-nil while the message itself is arriving
    var loginStep = 0  // AUTH LOGIN: 1 = expecting the username, 2 = expecting the password
    var loginUser = ""

    init(script: FakeServerScript, log: FakeServerLog) {
        self.script = script
        self.log = log
    }

    func channelActive(context: ChannelHandlerContext) {
        log.opened(context.channel)
        if !script.silent {
            reply(context, "220 fake.test ESMTP ready")
        }
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        log.closed(context.channel)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    private func reply(_ context: ChannelHandlerContext, _ lines: String...) {
        context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: lines.map { $0 + "\r\n" }.joined())), promise: nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let line = unwrapInboundIn(data)
        if line.contains("\r") || line.contains("\n") {
            log.recordBareLineBreak(line)
        }
        if var lines = dataLines {
            if line == "." {
                log.record(message: lines.map { $0 + "\r\n" }.joined())
                dataLines = nil
                reply(context, "250 2.0.0 Ok: queued as FAKE1")
            } else {
                lines.append(line.hasPrefix(".") ? String(line.dropFirst()) : line)
                dataLines = lines
            }
            return
        }
        log.record(command: line)
        if script.silent || script.silentAfterGreeting {
            return
        }
        if loginStep == 1 {
            loginUser = decodeBase64(line) ?? ""
            loginStep = 2
            reply(context, "334 UGFzc3dvcmQ6")
            return
        }
        if loginStep == 2 {
            loginStep = 0
            authenticated = loginUser == script.username && decodeBase64(line) == script.password
            reply(context, authenticated ? "235 2.7.0 Authentication successful" : "535 5.7.8 Bad credentials")
            return
        }
        let words = line.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
        switch line.prefix(while: { $0 != " " && $0 != ":" }).uppercased() {
        case "EHLO":
            if script.refuseEHLO {
                reply(context, "502 5.5.2 Error: command not recognized")
            } else if script.requireAuth {
                reply(
                    context, "250-fake.test", "250-PIPELINING", "250-SIZE 10240000",
                    "250-AUTH \(script.authMechanisms.joined(separator: " "))", "250 8BITMIME")
            } else {
                reply(context, "250-fake.test", "250-PIPELINING", "250 8BITMIME")
            }
        case "HELO":
            reply(context, "250 fake.test")
        case "AUTH" where words.count == 3 && words[1].uppercased() == "PLAIN":
            authenticated = decodeBase64(words[2]) == "\0\(script.username)\0\(script.password)"
            reply(context, authenticated ? "235 2.7.0 Authentication successful" : "535 5.7.8 Bad credentials")
        case "AUTH" where words.count == 2 && words[1].uppercased() == "LOGIN":
            loginStep = 1
            reply(context, "334 VXNlcm5hbWU6")
        case "MAIL":
            if script.requireAuth && !authenticated {
                reply(context, "530 5.7.0 Authentication required")
            } else {
                reply(context, "250 2.1.0 Ok")
            }
        case "RCPT":
            let address = line.drop { $0 != "<" }.dropFirst().prefix { $0 != ">" }
            if script.rejectRecipients.contains(String(address)) {
                reply(context, "550 5.1.1 <\(address)>: Recipient address rejected: User unknown")
            } else {
                reply(context, "250 2.1.5 Ok")
            }
        case "DATA":
            dataLines = []
            reply(context, "354 End data with <CR><LF>.<CR><LF>")
        case "QUIT":
            let session = NIOLoopBound(context, eventLoop: context.eventLoop)
            context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: "221 2.0.0 Bye\r\n"))).whenComplete { _ in
                session.value.close(promise: nil)
            }
        default:
            reply(context, "500 5.5.2 Error: command not recognized")
        }
    }
}

func decodeBase64(_ text: String) -> String? {
    Data(base64Encoded: text).flatMap { String(data: $0, encoding: .utf8) }
}

/// The test server's own framing, strictly on CRLF (unlike the client's lenient decoder), so a bare CR or LF
/// from the client stays inside a line where the server can notice it.
struct CRLFLineDecoder: ByteToMessageDecoder {
    typealias InboundOut = String

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        let bytes = Array(buffer.readableBytesView)
        guard
            let end = bytes.indices.first(where: { $0 + 1 < bytes.count && bytes[$0] == 0x0D && bytes[$0 + 1] == 0x0A })
        else {
            return .needMoreData
        }
        buffer.moveReaderIndex(forwardBy: end + 2)
        context.fireChannelRead(Self.wrapInboundOut(String(decoding: bytes[..<end], as: UTF8.self)))
        return .continue
    }
}

/// A received message split into unfolded headers and the raw body, for assertions.
struct ReceivedMail {
    var headers: [(name: String, value: String)] = []
    var body = ""

    init?(_ payload: String) {
        guard let separator = payload.range(of: "\r\n\r\n") else { return nil }
        // Unfolding (RFC 5322 2.2.3) removes the CRLF before folding whitespace and keeps the whitespace.
        let headerBlock = payload[..<separator.lowerBound].replacingOccurrences(of: "\r\n ", with: " ")
        for line in headerBlock.components(separatedBy: "\r\n") {
            guard let colon = line.firstIndex(of: ":") else { return nil }
            headers.append(
                (String(line[..<colon]), String(line[line.index(after: colon)...]).trimmingCharacters(in: .whitespaces))
            )
        }
        body = String(payload[separator.upperBound...])
    }

    func header(_ name: String) -> String? {
        headers.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
    }
}

/// Decodes a header value made only of `=?UTF-8?B?...?=` words (RFC 2047), written independently of the
/// client's encoder. Adjacent encoded words join without the whitespace between them (RFC 2047 6.2).
func decodeEncodedWords(_ value: String) -> String? {
    var bytes = Data()
    for word in value.split(separator: " ") {
        let prefix = "=?UTF-8?B?"
        guard word.uppercased().hasPrefix(prefix), word.hasSuffix("?="),
            let chunk = Data(base64Encoded: String(word.dropFirst(prefix.count).dropLast(2))),
            String(data: chunk, encoding: .utf8) != nil  // each word must hold whole characters
        else { return nil }
        bytes.append(chunk)
    }
    return String(data: bytes, encoding: .utf8)
}
