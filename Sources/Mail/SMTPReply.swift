import NIOCore

/// One complete server reply: a three-digit code and its text lines (RFC 5321 4.2).
struct SMTPReply: Sendable, Equatable {
    var code: Int
    /// The lines as received, code and separator included, e.g. `["250-mail.example", "250 8BITMIME"]`.
    var lines: [String]

    /// The reply as one string for errors and the caller: lines joined by "\n".
    var text: String { lines.joined(separator: "\n") }

    /// EHLO keywords (upper-cased) with their parameters, from every line but the first, which names the host.
    var extensions: [(keyword: String, parameters: [String])] {
        lines.dropFirst().compactMap { line in
            let words = line.dropFirst(4).split(separator: " ").map { String($0).uppercased() }
            guard let keyword = words.first else { return nil }
            return (keyword, Array(words.dropFirst()))
        }
    }

    /// The SASL mechanisms an EHLO reply advertises. Also reads the pre-standard "AUTH=LOGIN PLAIN" form that
    /// some older relays still send.
    var authMechanisms: [String] {
        var mechanisms: [String] = []
        for (keyword, parameters) in extensions {
            var found: [String] = []
            if keyword == "AUTH" {
                found = parameters
            } else if keyword.hasPrefix("AUTH=") {
                found = [String(keyword.dropFirst(5))] + parameters
            }
            for mechanism in found where !mechanism.isEmpty && !mechanisms.contains(mechanism) {
                mechanisms.append(mechanism)
            }
        }
        return mechanisms
    }
}

/// Assembles replies line by line: "250-..." continues, "250 ..." (or a bare "250") ends.
struct SMTPReplyParser {
    /// A reply longer than this is not a mail server talking; refusing it bounds memory.
    static let maximumLines = 1000

    private var lines: [String] = []
    private var code: Int?

    /// Takes one line (without CRLF); returns the reply once its last line has arrived.
    mutating func feed(_ line: String) throws(SMTPError) -> SMTPReply? {
        let bytes = Array(line.utf8)
        guard bytes.count >= 3, bytes[0...2].allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }),
            (UInt8(ascii: "2")...UInt8(ascii: "5")).contains(bytes[0])
        else {
            throw .malformedReply("not an SMTP reply line: \(String(reflecting: line))")
        }
        let lineCode = bytes[0...2].reduce(0) { $0 * 10 + Int($1 - UInt8(ascii: "0")) }
        let isLast: Bool
        switch bytes.count > 3 ? bytes[3] : UInt8(ascii: " ") {
        case UInt8(ascii: " "): isLast = true
        case UInt8(ascii: "-"): isLast = false
        default: throw .malformedReply("bad separator after the code: \(String(reflecting: line))")
        }
        if let code, code != lineCode {
            throw .malformedReply("a multi-line reply changed its code from \(code) to \(lineCode)")
        }
        code = lineCode
        lines.append(line)
        if isLast {
            defer { lines = []; code = nil }
            return SMTPReply(code: lineCode, lines: lines)
        }
        guard lines.count < Self.maximumLines else {
            throw .malformedReply("a reply of more than \(Self.maximumLines) lines")
        }
        return nil
    }

    /// Parses lines that must form exactly one reply, nothing more, nothing less.
    static func parse(_ lines: [String]) throws(SMTPError) -> SMTPReply {
        var parser = SMTPReplyParser()
        for (index, line) in lines.enumerated() {
            if let reply = try parser.feed(line) {
                guard index == lines.count - 1 else {
                    throw .malformedReply("lines after the end of the reply")
                }
                return reply
            }
        }
        throw .malformedReply("the reply has no last line")
    }
}

/// Splits the byte stream into lines. Splits on LF and drops a preceding CR, so a relay that ends lines with a
/// bare LF (not rare among small appliances) is still understood; the client itself always sends CRLF.
struct SMTPLineDecoder: ByteToMessageDecoder {
    typealias InboundOut = String

    /// RFC 5321 allows 512 octets per reply line; eight times that tolerates sloppy servers while keeping a
    /// hostile one from filling memory with a line that never ends.
    static let maximumLineLength = 4096

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        let view = buffer.readableBytesView
        guard let newline = view.firstIndex(of: UInt8(ascii: "\n")) else {
            if view.count > Self.maximumLineLength {
                throw SMTPError.malformedReply("a line longer than \(Self.maximumLineLength) bytes")
            }
            return .needMoreData
        }
        let length = newline - view.startIndex
        guard length <= Self.maximumLineLength else {
            throw SMTPError.malformedReply("a line longer than \(Self.maximumLineLength) bytes")
        }
        var bytes = buffer.readBytes(length: length) ?? []
        buffer.moveReaderIndex(forwardBy: 1)
        if bytes.last == UInt8(ascii: "\r") {
            bytes.removeLast()
        }
        context.fireChannelRead(Self.wrapInboundOut(String(decoding: bytes, as: UTF8.self)))
        return .continue
    }

    mutating func decodeLast(
        context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool
    ) throws -> DecodingState {
        // Complete lines still count; an unterminated tail at EOF is not a reply and is dropped.
        while try decode(context: context, buffer: &buffer) == .continue {}
        return .needMoreData
    }
}
