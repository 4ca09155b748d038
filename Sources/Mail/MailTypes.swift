import NIOCore

/// One plain-text mail: a sender, one or more recipients, a subject and a body.
///
/// Addresses are bare `local@domain` forms (no display names): they are written into SMTP commands and
/// headers as they are, so ``SMTPClient`` refuses anything that could break out of those lines.
public struct MailMessage: Sendable {
    public var from: String
    public var to: [String]
    public var subject: String
    public var body: String
    /// An https or http address that stops mail of this kind (RFC 2369's List-Unsubscribe); an https one is
    /// also offered for a one-click POST (RFC 8058). Mail to the public carries one, so a reader's mail program
    /// can offer it.
    public var unsubscribe: String?

    public init(from: String, to: [String], subject: String, body: String, unsubscribe: String? = nil) {
        self.from = from
        self.to = to
        self.subject = subject
        self.body = body
        self.unsubscribe = unsubscribe
    }
}

/// Where and how to deliver: an SMTP relay reached over plain TCP.
///
/// There is deliberately no TLS, not even STARTTLS: the target is a government intranet relay on port 25 or
/// 587 that accepts unencrypted submissions from inside the network. Credentials, if set, therefore cross
/// the wire merely base64-encoded; do not point this client at a relay across an untrusted network.
public struct SMTPSettings: Sendable {
    public var host: String
    public var port: Int
    /// Authentication happens only when both `username` and `password` are set.
    public var username: String?
    public var password: String?
    /// The name this client gives in EHLO/HELO and in the Message-ID's right-hand side.
    public var heloName: String
    /// Bounds the whole exchange, from connecting to the reply to QUIT, not each step separately.
    public var timeout: TimeAmount

    public init(
        host: String, port: Int = 25, username: String? = nil, password: String? = nil, heloName: String = "luoshi",
        timeout: TimeAmount = .seconds(10)
    ) {
        self.host = host
        self.port = port
        self.username = username
        self.password = password
        self.heloName = heloName
        self.timeout = timeout
    }
}

/// Why a mail was not delivered. Every case names enough to write a useful log line without the password.
public enum SMTPError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The TCP connection could not be made or broke off.
    case connect(String)
    /// The server answered a step with a code that step does not accept.
    case rejected(code: Int, reply: String, during: String)
    /// The exchange did not finish within ``SMTPSettings/timeout``.
    case timeout(during: String)
    /// The server's answer was not an SMTP reply.
    case malformedReply(String)
    /// An address (or the HELO name) that could smuggle extra commands or headers, or is no address at all.
    case invalidAddress(String)

    public var description: String {
        switch self {
        case .connect(let detail):
            return "SMTP connection failed: \(detail)"
        case .rejected(let code, let reply, let during):
            return "SMTP server rejected \(during) with \(code): \(reply)"
        case .timeout(let during):
            return "SMTP server did not finish in time (during \(during))"
        case .malformedReply(let detail):
            return "SMTP server sent a malformed reply: \(detail)"
        case .invalidAddress(let detail):
            return "invalid mail address: \(detail)"
        }
    }
}
