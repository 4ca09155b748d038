import Foundation

/// Turns a ``MailMessage`` into the exact bytes sent after DATA, and checks everything that ends up inside an
/// SMTP command line. Pure functions, so the format can be tested without a server.
enum MessageFormat {
    // MARK: Validation

    /// Refuses addresses that could inject commands or headers, and non-addresses.
    ///
    /// Beyond CR, LF, "<", ">" and a missing "@" this also refuses other control characters, spaces and commas
    /// (which would split the To header or the command), and non-ASCII: without the SMTPUTF8 extension, which
    /// this client does not negotiate, a relay may reject or mangle them.
    static func validateAddress(_ address: String) throws(SMTPError) {
        let shown = String(reflecting: address)
        for byte in address.utf8 {
            switch byte {
            case 0x00..<0x20, 0x7F:
                throw .invalidAddress("\(shown) contains a control character")
            case UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: " "), UInt8(ascii: ","):
                throw .invalidAddress("\(shown) contains \(String(UnicodeScalar(byte)).debugDescription)")
            case 0x80...:
                throw .invalidAddress("\(shown) is not ASCII (SMTPUTF8 is not supported)")
            default:
                continue
            }
        }
        guard let at = address.lastIndex(of: "@"), at != address.startIndex,
            address.index(after: at) != address.endIndex
        else {
            throw .invalidAddress("\(shown) is not of the form local@domain")
        }
    }

    /// The HELO name goes into the EHLO line and the Message-ID, so it gets the same scrutiny as an address:
    /// only the characters of a domain name or an address literal such as `[10.0.0.1]`.
    static func validateHeloName(_ name: String) throws(SMTPError) {
        let allowed = name.utf8.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "["),
                UInt8(ascii: "]"), UInt8(ascii: ":"):
                return true
            default:
                return false
            }
        }
        guard allowed, !name.isEmpty else {
            throw .invalidAddress("HELO name \(String(reflecting: name)) is not a domain name or address literal")
        }
    }

    static func validate(_ message: MailMessage, settings: SMTPSettings) throws(SMTPError) {
        try validateHeloName(settings.heloName)
        try validateAddress(message.from)
        guard !message.to.isEmpty else { throw .invalidAddress("the message has no recipients") }
        for recipient in message.to {
            try validateAddress(recipient)
        }
        if let link = message.unsubscribe {
            // Inside a header: printable ASCII only, and nothing that would close the angle brackets.
            let printable = link.utf8.allSatisfy { $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: ">") }
            guard printable, link.hasPrefix("https://") || link.hasPrefix("http://"), link.count <= 900 else {
                throw .invalidAddress("unsubscribe link \(String(reflecting: link)) is not a plain http(s) URL")
            }
        }
    }

    // MARK: Rendering

    /// The message as sent after DATA, before dot-stuffing: headers, blank line, base64 body, CRLF throughout,
    /// ending in CRLF. Everything non-ASCII is encoded, so the result is 7-bit clean and needs no 8BITMIME.
    static func render(
        _ message: MailMessage, epochSeconds: Int64, utcOffsetSeconds: Int, messageID: String
    ) -> String {
        var out = ""
        out += "From: \(message.from)\r\n"
        out += addressHeader("To", message.to)
        out += subjectHeader(message.subject)
        out += "Date: \(rfc5322Date(epochSeconds: epochSeconds, utcOffsetSeconds: utcOffsetSeconds))\r\n"
        out += "Message-ID: \(messageID)\r\n"
        if let link = message.unsubscribe {
            out += "List-Unsubscribe: <\(link)>\r\n"
            // One click is for https addresses only (RFC 8058 section 3.1); an http one is still a link.
            if link.hasPrefix("https://") { out += "List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n" }
        }
        out += "MIME-Version: 1.0\r\n"
        out += "Content-Type: text/plain; charset=UTF-8\r\n"
        out += "Content-Transfer-Encoding: base64\r\n"
        out += "\r\n"
        // RFC 2045 wants text in canonical form (CRLF line breaks) before it is base64-encoded, so a body typed
        // with bare LF still shows its line breaks in every reader.
        for line in wrap(base64(canonicalLineEndings(message.body)), width: 76) {
            out += line + "\r\n"
        }
        return out
    }

    /// `<32 random hex digits@heloName>`: 128 random bits make collisions irrelevant without any state.
    static func makeMessageID(heloName: String) -> String {
        var generator = SystemRandomNumberGenerator()
        let high = generator.next() as UInt64
        let low = generator.next() as UInt64
        return "<\(hex16(high))\(hex16(low))@\(heloName)>"
    }

    private static func hex16(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }

    /// "To: a@x, b@y", folded before an address whenever the line would pass 78 characters (RFC 5322 2.1.1).
    static func addressHeader(_ name: String, _ addresses: [String]) -> String {
        var out = "\(name): "
        var lineLength = out.count
        for (index, address) in addresses.enumerated() {
            let piece = index == addresses.count - 1 ? address : address + ","
            if index > 0 {
                if lineLength + 1 + piece.count > 78 {
                    out += "\r\n "
                    lineLength = 1
                } else {
                    out += " "
                    lineLength += 1
                }
            }
            out += piece
            lineLength += piece.count
        }
        return out + "\r\n"
    }

    /// The Subject header as RFC 2047 encoded words, always, even for ASCII: that keeps a CR or LF typed into a
    /// subject from ever reaching the header block, and Chinese subjects are the norm anyway.
    static func subjectHeader(_ subject: String) -> String {
        let words = encodedWords(subject)
        guard !words.isEmpty else { return "Subject:\r\n" }
        return "Subject: " + words.joined(separator: "\r\n ") + "\r\n"
    }

    /// Splits the text into `=?UTF-8?B?...?=` words of at most 39 UTF-8 bytes each, never inside a character
    /// (RFC 2047 section 5 forbids splitting a multi-octet character). 39 bytes make 52 base64 characters, a
    /// 64-character word, so even the first line ("Subject: " + word) stays under the 76 that RFC 2047 allows
    /// for lines holding encoded words. Readers join adjacent words, ignoring the folding whitespace between.
    static func encodedWords(_ text: String, maximumBytes: Int = 39) -> [String] {
        var words: [String] = []
        var chunk: [UInt8] = []
        for scalar in text.unicodeScalars {
            let bytes = Array(String(scalar).utf8)
            if chunk.count + bytes.count > maximumBytes {
                words.append("=?UTF-8?B?\(base64(chunk))?=")
                chunk = []
            }
            chunk += bytes
        }
        if !chunk.isEmpty {
            words.append("=?UTF-8?B?\(base64(chunk))?=")
        }
        return words
    }

    /// Every line break (CRLF, lone LF, lone CR) becomes CRLF.
    static func canonicalLineEndings(_ text: String) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count)
        var previousWasCR = false
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\r"):
                out += [0x0D, 0x0A]
                previousWasCR = true
            case UInt8(ascii: "\n"):
                if !previousWasCR { out += [0x0D, 0x0A] }
                previousWasCR = false
            default:
                out.append(byte)
                previousWasCR = false
            }
        }
        return out
    }

    static func base64(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString()
    }

    static func wrap(_ text: String, width: Int) -> [String] {
        var lines: [String] = []
        var rest = Substring(text)
        while !rest.isEmpty {
            lines.append(String(rest.prefix(width)))
            rest = rest.dropFirst(width)
        }
        return lines
    }

    /// Doubles a leading "." on every line (RFC 5321 4.5.2), so no line of the message can read as the
    /// end-of-data marker. A base64 body never starts a line with ".", but headers are not base64, and the
    /// function must not rely on what its caller happens to pass.
    static func dotStuffed(_ text: String) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count + 8)
        var atLineStart = true
        for byte in text.utf8 {
            if atLineStart && byte == UInt8(ascii: ".") {
                out.append(UInt8(ascii: "."))
            }
            out.append(byte)
            atLineStart = byte == UInt8(ascii: "\n")
        }
        return String(decoding: out, as: UTF8.self)
    }

    // MARK: Date

    private static let weekdays = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// "Thu, 01 Jan 2026 08:00:00 +0800" (RFC 5322 3.3), by arithmetic on the Unix time rather than through a
    /// DateFormatter, whose output depends on the process locale and calendar (a Chinese locale would happily
    /// produce "周四" or a non-Gregorian year).
    static func rfc5322Date(epochSeconds: Int64, utcOffsetSeconds: Int) -> String {
        let local = epochSeconds + Int64(utcOffsetSeconds)
        let days = floorDivide(local, 86_400)
        let secondOfDay = local - days * 86_400
        let (year, month, day) = civilDate(daysSinceEpoch: days)
        // 1970-01-01 was a Thursday (index 4 with Sunday as 0).
        let weekday = Int((days % 7 + 7 + 4) % 7)
        let offsetMinutes = abs(utcOffsetSeconds) / 60
        let sign = utcOffsetSeconds < 0 ? "-" : "+"
        return "\(weekdays[weekday]), \(pad(day)) \(months[month - 1]) \(year) "
            + "\(pad(Int(secondOfDay / 3600))):\(pad(Int(secondOfDay / 60 % 60))):\(pad(Int(secondOfDay % 60))) "
            + "\(sign)\(pad(offsetMinutes / 60))\(pad(offsetMinutes % 60))"
    }

    private static func pad(_ value: Int) -> String {
        value < 10 ? "0\(value)" : "\(value)"
    }

    private static func floorDivide(_ a: Int64, _ b: Int64) -> Int64 {
        let quotient = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? quotient - 1 : quotient
    }

    /// Proleptic Gregorian (year, month, day) for a day count since 1970-01-01, using the era-based method
    /// (400-year eras of 146,097 days, years starting on 1 March so the leap day falls at the end).
    static func civilDate(daysSinceEpoch: Int64) -> (year: Int64, month: Int, day: Int) {
        let shifted = daysSinceEpoch + 719_468  // days from 0000-03-01 to 1970-01-01
        let era = floorDivide(shifted, 146_097)
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153  // 0 = March
        let day = Int(dayOfYear - (153 * monthIndex + 2) / 5 + 1)
        let month = Int(monthIndex < 10 ? monthIndex + 3 : monthIndex - 9)
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return (year, month, day)
    }
}
