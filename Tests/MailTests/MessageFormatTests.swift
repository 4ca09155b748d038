import Foundation
import Testing

@testable import Mail

@Suite("SMTP 应答解析 (SMTP reply parsing)")
struct SMTPReplyTests {
    @Test("多行 EHLO 应答 (a multi-line EHLO reply)")
    func multiLineEHLO() throws {
        let lines = [
            "250-mail.zhangzhishan.gov.cn Hello luoshi",
            "250-PIPELINING",
            "250-SIZE 52428800",
            "250-auth login plain",
            "250-AUTH=LOGIN",
            "250-ENHANCEDSTATUSCODES",
            "250 8BITMIME",
        ]
        let reply = try SMTPReplyParser.parse(lines)
        #expect(reply.code == 250)
        #expect(reply.lines == lines)
        #expect(reply.text == lines.joined(separator: "\n"))
        #expect(
            reply.extensions.map(\.keyword) == [
                "PIPELINING", "SIZE", "AUTH", "AUTH=LOGIN", "ENHANCEDSTATUSCODES", "8BITMIME",
            ])
        #expect(reply.extensions[1].parameters == ["52428800"])
        #expect(reply.authMechanisms == ["LOGIN", "PLAIN"])
    }

    @Test("逐行输入，最后一行才得到应答 (fed line by line, the reply appears with its last line)")
    func incremental() throws {
        var parser = SMTPReplyParser()
        #expect(try parser.feed("250-first") == nil)
        #expect(try parser.feed("250-") == nil)
        let reply = try #require(try parser.feed("250 last"))
        #expect(reply == SMTPReply(code: 250, lines: ["250-first", "250-", "250 last"]))
        // The parser starts afresh for the next reply; a bare code is a complete reply too.
        #expect(try parser.feed("221") == SMTPReply(code: 221, lines: ["221"]))
        #expect(try parser.feed("354 End data with <CR><LF>.<CR><LF>")?.code == 354)
    }

    @Test(
        "畸形应答被拒 (malformed replies are refused)",
        arguments: [
            ["25"], ["abc hello"], ["250x"], ["650 not a class"], ["250-first", "251 second"], ["250-no end"],
            ["250 one", "250 two"], [""],
        ]
    )
    func malformed(lines: [String]) {
        #expect(throws: SMTPError.self) { try SMTPReplyParser.parse(lines) }
    }

    @Test("一个应答的行数有上限 (a reply's line count is bounded)")
    func boundedLines() {
        var parser = SMTPReplyParser()
        #expect(throws: SMTPError.self) {
            for _ in 0...SMTPReplyParser.maximumLines { _ = try parser.feed("250-again") }
        }
    }
}

@Suite("邮件格式 (message format)")
struct MessageFormatTests {
    @Test(
        "RFC 5322 日期与 date(1) 一致 (dates match date -R)",
        arguments: [
            (0, 0, "Thu, 01 Jan 1970 00:00:00 +0000"),
            (0, 28_800, "Thu, 01 Jan 1970 08:00:00 +0800"),
            (0, -12_600, "Wed, 31 Dec 1969 20:30:00 -0330"),
            (1_767_196_800, 0, "Wed, 31 Dec 2025 16:00:00 +0000"),
            (1_767_196_800, 28_800, "Thu, 01 Jan 2026 00:00:00 +0800"),
            (1_709_164_800, 28_800, "Thu, 29 Feb 2024 08:00:00 +0800"),
            (951_782_400, 0, "Tue, 29 Feb 2000 00:00:00 +0000"),
            (951_782_400, -12_600, "Mon, 28 Feb 2000 20:30:00 -0330"),
            (-86_400, 0, "Wed, 31 Dec 1969 00:00:00 +0000"),
            (1_234_567_890, 28_800, "Sat, 14 Feb 2009 07:31:30 +0800"),
        ] as [(Int64, Int, String)]
    )
    func dates(epoch: Int64, offset: Int, expected: String) {
        #expect(MessageFormat.rfc5322Date(epochSeconds: epoch, utcOffsetSeconds: offset) == expected)
    }

    @Test("行首句点加倍 (a leading dot is doubled on every line)")
    func dotStuffing() {
        #expect(MessageFormat.dotStuffed(".a\r\nb.\r\n..c\r\n.\r\n") == "..a\r\nb.\r\n...c\r\n..\r\n")
        #expect(MessageFormat.dotStuffed("no dots\r\n") == "no dots\r\n")
    }

    @Test("主题编码：每个编码字不超过 75 字符且不拆开字符 (encoded words stay short and keep characters whole)")
    func encodedWords() throws {
        let subject = "关于2026年第一季度重点工作推进情况的通报😀👨‍👩‍👧 and some ASCII too, with a CR\r\nBcc: x@y"
        let words = MessageFormat.encodedWords(subject)
        #expect(words.count > 1)
        #expect(words.allSatisfy { $0.count <= 75 && !$0.contains("\r") && !$0.contains("\n") })
        // Header lines, without the empty string after the final CRLF.
        let lines = MessageFormat.subjectHeader(subject).components(separatedBy: "\r\n")
        #expect(lines.last == "")
        let headerLines = lines.dropLast()
        #expect(headerLines.allSatisfy { $0.count <= 76 })
        #expect(headerLines.first?.hasPrefix("Subject: =?UTF-8?B?") == true)
        #expect(headerLines.dropFirst().allSatisfy { $0.hasPrefix(" =?UTF-8?B?") })
        let unfolded = headerLines.joined(separator: "").dropFirst("Subject: ".count)
        #expect(decodeEncodedWords(String(unfolded)) == subject)
        #expect(MessageFormat.subjectHeader("") == "Subject:\r\n")
        #expect(MessageFormat.subjectHeader("Hi") == "Subject: =?UTF-8?B?SGk=?=\r\n")
    }

    @Test("正文换行规范为 CRLF (body line breaks become CRLF before encoding)")
    func canonicalLineEndings() {
        #expect(MessageFormat.canonicalLineEndings("a\nb\r\nc\rd\n") == Array("a\r\nb\r\nc\r\nd\r\n".utf8))
    }

    @Test("收件人较多时 To 头折行 (a long To header is folded between addresses)")
    func foldedTo() {
        let addresses = (1...6).map { "colleague\($0)@zhangzhishan.gov.cn" }
        let header = MessageFormat.addressHeader("To", addresses)
        let allLines = header.components(separatedBy: "\r\n")
        #expect(allLines.last == "")
        let lines = allLines.dropLast()
        #expect(lines.count > 1)
        #expect(lines.allSatisfy { $0.count <= 78 })
        #expect(lines.dropFirst().allSatisfy { $0.hasPrefix(" ") })
        #expect(lines.joined().dropFirst("To: ".count) == addresses.joined(separator: ", ")[...])
        #expect(MessageFormat.addressHeader("To", ["a@b.cn"]) == "To: a@b.cn\r\n")
    }

    @Test("完整报文 (the whole rendered message)")
    func rendered() {
        let message = MailMessage(from: "a@b.cn", to: ["c@d.cn"], subject: "Hi", body: "hello\n")
        let text = MessageFormat.render(message, epochSeconds: 0, utcOffsetSeconds: 28_800, messageID: "<x@luoshi>")
        #expect(
            text
                == "From: a@b.cn\r\nTo: c@d.cn\r\nSubject: =?UTF-8?B?SGk=?=\r\nDate: Thu, 01 Jan 1970 08:00:00 +0800\r\n"
                + "Message-ID: <x@luoshi>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\n"
                + "Content-Transfer-Encoding: base64\r\n\r\naGVsbG8NCg==\r\n")
    }

    @Test("退订链接：一键退订的两个头，注入被拒 (the unsubscribe headers, and injection refused)")
    func unsubscribe() throws {
        var message = MailMessage(
            from: "a@b.cn", to: ["c@d.cn"], subject: "Hi", body: "x", unsubscribe: "https://gov.cn/public/follow/1/ab")
        let text = MessageFormat.render(message, epochSeconds: 0, utcOffsetSeconds: 0, messageID: "<x@luoshi>")
        #expect(
            text.contains(
                "List-Unsubscribe: <https://gov.cn/public/follow/1/ab>\r\nList-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n"
            ))
        try MessageFormat.validate(message, settings: SMTPSettings(host: "relay"))
        // Plain http: the link, without the one-click promise.
        message.unsubscribe = "http://10.0.0.1:8080/public/follow/1/ab"
        let plain = MessageFormat.render(message, epochSeconds: 0, utcOffsetSeconds: 0, messageID: "<x@luoshi>")
        #expect(plain.contains("List-Unsubscribe: <http://10.0.0.1") && !plain.contains("List-Unsubscribe-Post"))
        for bad in ["https://gov.cn/x>\r\nBcc: e@f.cn", "javascript:alert(1)", "https://gov.cn/ a"] {
            message.unsubscribe = bad
            #expect(throws: SMTPError.self) {
                try MessageFormat.validate(message, settings: SMTPSettings(host: "relay"))
            }
        }
    }

    @Test("错误描述可读且转义控制字符 (error descriptions are readable and escape control characters)")
    func descriptions() throws {
        #expect(
            SMTPError.rejected(code: 550, reply: "550 no", during: "RCPT TO").description
                == "SMTP server rejected RCPT TO with 550: 550 no")
        let error = #expect(throws: SMTPError.self) { try MessageFormat.validateAddress("a@b.cn\r\nX") }
        let description = try #require(error?.description)
        #expect(!description.contains("\r") && !description.contains("\n"))
        #expect(description.contains(#"\r\n"#))
    }
}
