import Foundation
import NIOCore
import NIOPosix

/// What the fake server does besides accepting everything.
struct FakeServerScript: Sendable {
    /// Advertise AUTH and answer MAIL FROM with 530 until the client has authenticated as `username`/`password`.
    var requireAuth = false
    var authMechanisms = ["PLAIN", "LOGIN"]
    var username = "luoshi-notify"
    var password = "s3cret!"
    /// RCPT TO for these addresses gets "550 5.1.1".
    var rejectRecipients: Set<String> = []
    /// Send the 220 greeting, then record commands but never answer again.
    var silentAfterGreeting = false
    /// Answer EHLO with 502, as an RFC 821-only server would.
    var refuseEHLO = false
}

/// Everything the fake server saw, for the tests to assert on.
actor FakeServerLog {
    private(set) var commands: [String] = []
    /// The content of each DATA, un-dot-stuffed as a real server would, lines joined by CRLF.
    private(set) var messages: [String] = []
    /// Lines that carried a stray CR or LF, i.e. the client broke the CRLF discipline.
    private(set) var linesWithBareLineBreaks: [String] = []
    private(set) var connections = 0
    private(set) var closedConnections = 0

    func record(command: String) { commands.append(command) }
    func record(message: String) { messages.append(message) }
    func recordBareLineBreak(_ line: String) { linesWithBareLineBreaks.append(line) }
    func opened() { connections += 1 }
    func closed() { closedConnections += 1 }

    /// Waits (a bounded while) for the server side to see `count` connections end: the client closes
    /// asynchronously from the server's point of view.
    func waitForClosedConnections(_ count: Int) async -> Bool {
        for _ in 0..<200 where closedConnections < count {
            try? await Task.sleep(for: .milliseconds(10))
        }
        return closedConnections >= count
    }
}

/// A scriptable SMTP server on 127.0.0.1 with an ephemeral port, speaking just enough RFC 5321 for the client.
struct FakeSMTPServer: Sendable {
    typealias Connection = NIOAsyncChannel<String, ByteBuffer>

    let port: Int
    let log = FakeServerLog()
    private let listener: NIOAsyncChannel<Connection, Never>
    private let acceptLoop: Task<Void, Never>

    static func start(_ script: FakeServerScript = FakeServerScript()) async throws -> FakeSMTPServer {
        let listener = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .bind(host: "127.0.0.1", port: 0) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(CRLFLineDecoder()))
                    return try Connection(wrappingChannelSynchronously: channel)
                }
            }
        guard let port = listener.channel.localAddress?.port else {
            throw ChannelError.unknownLocalAddress
        }
        return FakeSMTPServer(port: port, listener: listener, script: script)
    }

    private init(port: Int, listener: NIOAsyncChannel<Connection, Never>, script: FakeServerScript) {
        self.port = port
        self.listener = listener
        let log = self.log
        self.acceptLoop = Task {
            try? await listener.executeThenClose { connections in
                try await withThrowingDiscardingTaskGroup { group in
                    for try await connection in connections {
                        group.addTask { await Self.serve(connection, script: script, log: log) }
                    }
                }
            }
        }
    }

    func stop() async {
        try? await listener.channel.close()
        acceptLoop.cancel()
        await acceptLoop.value
    }

    private static func serve(_ connection: Connection, script: FakeServerScript, log: FakeServerLog) async {
        await log.opened()
        try? await connection.executeThenClose { inbound, outbound in
            func reply(_ lines: String...) async throws {
                try await outbound.write(ByteBuffer(string: lines.map { $0 + "\r\n" }.joined()))
            }
            try await reply("220 fake.test ESMTP ready")
            var authenticated = false
            var dataLines: [String]?  // non-nil while the message itself is arriving
            var loginStep = 0  // AUTH LOGIN: 1 = expecting the username, 2 = expecting the password
            var loginUser = ""
            for try await line in inbound {
                if line.contains("\r") || line.contains("\n") {
                    await log.recordBareLineBreak(line)
                }
                if var lines = dataLines {
                    if line == "." {
                        await log.record(message: lines.map { $0 + "\r\n" }.joined())
                        dataLines = nil
                        try await reply("250 2.0.0 Ok: queued as FAKE1")
                    } else {
                        lines.append(line.hasPrefix(".") ? String(line.dropFirst()) : line)
                        dataLines = lines
                    }
                    continue
                }
                await log.record(command: line)
                if script.silentAfterGreeting {
                    continue
                }
                if loginStep == 1 {
                    loginUser = decodeBase64(line) ?? ""
                    loginStep = 2
                    try await reply("334 UGFzc3dvcmQ6")
                    continue
                }
                if loginStep == 2 {
                    loginStep = 0
                    authenticated = loginUser == script.username && decodeBase64(line) == script.password
                    try await reply(authenticated ? "235 2.7.0 Authentication successful" : "535 5.7.8 Bad credentials")
                    continue
                }
                let words = line.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
                switch line.prefix(while: { $0 != " " && $0 != ":" }).uppercased() {
                case "EHLO":
                    if script.refuseEHLO {
                        try await reply("502 5.5.2 Error: command not recognized")
                    } else if script.requireAuth {
                        try await reply(
                            "250-fake.test", "250-PIPELINING", "250-SIZE 10240000",
                            "250-AUTH \(script.authMechanisms.joined(separator: " "))", "250 8BITMIME")
                    } else {
                        try await reply("250-fake.test", "250-PIPELINING", "250 8BITMIME")
                    }
                case "HELO":
                    try await reply("250 fake.test")
                case "AUTH" where words.count == 3 && words[1].uppercased() == "PLAIN":
                    authenticated = decodeBase64(words[2]) == "\0\(script.username)\0\(script.password)"
                    try await reply(authenticated ? "235 2.7.0 Authentication successful" : "535 5.7.8 Bad credentials")
                case "AUTH" where words.count == 2 && words[1].uppercased() == "LOGIN":
                    loginStep = 1
                    try await reply("334 VXNlcm5hbWU6")
                case "MAIL":
                    if script.requireAuth && !authenticated {
                        try await reply("530 5.7.0 Authentication required")
                    } else {
                        try await reply("250 2.1.0 Ok")
                    }
                case "RCPT":
                    let address = line.drop { $0 != "<" }.dropFirst().prefix { $0 != ">" }
                    if script.rejectRecipients.contains(String(address)) {
                        try await reply("550 5.1.1 <\(address)>: Recipient address rejected: User unknown")
                    } else {
                        try await reply("250 2.1.5 Ok")
                    }
                case "DATA":
                    dataLines = []
                    try await reply("354 End data with <CR><LF>.<CR><LF>")
                case "QUIT":
                    try await reply("221 2.0.0 Bye")
                    return
                default:
                    try await reply("500 5.5.2 Error: command not recognized")
                }
            }
        }
        await log.closed()
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
