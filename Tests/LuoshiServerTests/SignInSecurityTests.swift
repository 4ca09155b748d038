import Fluent
import Foundation
import LuoshiCore
import NIOCore
import SQLKit
import Testing
import Vapor
import VaporTesting

@testable import LuoshiServer

/// Signing in, sessions and tokens, attacked as the hardening review attacked them: over a socket
/// where it matters (concurrency, addresses), in process where the database must be looked at.
extension ServerTests {
    static func credentials(_ username: String, _ password: String) -> ByteBuffer {
        ByteBuffer(string: #"{"username":"\#(username)","password":"\#(password)"}"#)
    }

    static var jsonHeaders: HTTPHeaders { ["Content-Type": "application/json"] }

    @Test(
        "同时猜一百次密码：只有前 5 次被核对，账号主人在别处照常登录 (a hundred guesses at once: five are checked; the owner signs in from elsewhere)"
    )
    func parallelGuessesAreCounted() async throws {
        try await TestApp.with { app in
            let live = try await Live.start(app)
            let before = app.passwords.verifications
            let statuses = try await withThrowingTaskGroup(of: HTTPStatus.self) { group in
                for _ in 0..<100 {
                    group.addTask {
                        try await live.send(
                            .POST, "/api/v1/session", headers: Self.jsonHeaders,
                            body: Self.credentials("duchaban", "guess")
                        ).status
                    }
                }
                return try await group.reduce(into: [HTTPStatus]()) { $0.append($1) }
            }
            #expect(app.passwords.verifications - before <= 5)
            #expect(statuses.filter { $0 == .unauthorized }.count <= 5)
            #expect(statuses.filter { $0 == .tooManyRequests }.count >= 95)
            // Only guesses that were checked are kept: refused ones leave no record to fill the table.
            #expect(try await LoginAttempt.query(on: app.db).count() <= 5)
            // The owner, at another address (in process), is not shut out by someone else's guesses.
            _ = try await app.signIn("duchaban")
            await live.stop()
        }
    }

    @Test("登录限制按地址计、用真实时间，成功登录不清零地址的计数 (limits count per address in real time; a success does not wipe the count)")
    func throttleIsPerAddressAndSlowsDown() async throws {
        try await TestApp.with { app in
            func attempt(_ username: String, _ password: String) async throws -> (HTTPStatus, String?, String) {
                var out: (HTTPStatus, String?, String) = (.ok, nil, "")
                try await app.testing().test(
                    .POST, "/api/v1/session", headers: Self.jsonHeaders, body: Self.credentials(username, password)
                ) { res in out = (res.status, res.headers.first(name: "Retry-After"), res.body.string) }
                return out
            }
            for _ in 0..<4 { #expect(try await attempt("duchaban", "wrong").0 == .unauthorized) }
            // Someone else signing in from the same address does not wipe the four failures.
            #expect(try await attempt("zhenzhang", Demo.password).0 == .created)
            let fifth = try await attempt("duchaban", "wrong")
            #expect(fifth.0 == .unauthorized)
            #expect(fifth.2.contains("用户名或密码不正确"))
            // The sixth waits a minute of real time (the demo's clock is pinned to 2015; the wait is not).
            let sixth = try await attempt("duchaban", Demo.password)
            #expect(sixth.0 == .tooManyRequests)
            let wait = try #require(sixth.1.flatMap(Int.init))
            #expect(wait > 0 && wait <= 60)
            #expect(LoginThrottle.wait(count: 6, limit: 5) == 60)
            #expect(LoginThrottle.wait(count: 8, limit: 5) == 240)
            #expect(LoginThrottle.wait(count: 40, limit: 5) == LoginThrottle.window)
            // A minute later (the failures moved back in time), the owner gets in.
            try await (app.db as! any SQLDatabase).raw(
                "UPDATE login_attempts SET at = \(bind: Date().addingTimeInterval(-61))"
            ).run()
            #expect(try await attempt("duchaban", Demo.password).0 == .created)
        }
    }

    @Test(
        "代理之后：只信任运营者列出的代理所报的客户地址；IPv6 按 /64 计 (behind a proxy: X-Forwarded-For only from named proxies; IPv6 counted per /64)"
    )
    func signInsBehindAProxy() async throws {
        try await TestApp.with { app in
            let live = try await Live.start(app)
            func attempt(_ username: String, _ password: String, from client: String) async throws -> HTTPStatus {
                var headers = Self.jsonHeaders
                headers.add(name: .xForwardedFor, value: client)
                return try await live.send(
                    .POST, "/api/v1/session", headers: headers, body: Self.credentials(username, password)
                ).status
            }
            // No proxy named: a client that writes a fresh X-Forwarded-For for each guess is still one
            // address, and the sixth guess waits.
            for n in 1...5 { #expect(try await attempt("fuzhen1", "wrong", from: "198.51.100.\(n)") == .unauthorized) }
            #expect(try await attempt("fuzhen1", "wrong", from: "198.51.100.6") == .tooManyRequests)
            #expect(
                try await LoginAttempt.query(on: app.db).all().map(\.address) == Array(repeating: "127.0.0.1", count: 5)
            )

            // The server sits behind nginx on the same machine: the proxy's word names the client.
            app.luoshi.trustedProxies = [IPNetwork("127.0.0.1")!]
            for _ in 1...5 { #expect(try await attempt("fuzhen2", "wrong", from: "203.0.113.7") == .unauthorized) }
            #expect(try await attempt("fuzhen2", Demo.password, from: "203.0.113.7") == .tooManyRequests)
            // Every user's sign-ins are not shut out with the guesser's, as they would be if all counted
            // against the proxy: the owner, elsewhere, gets in.
            #expect(try await attempt("fuzhen2", Demo.password, from: "203.0.113.8") == .created)
            // A client's own X-Forwarded-For before the proxy's entry changes nothing.
            #expect(
                try await attempt("fuzhen2", Demo.password, from: "203.0.113.8, 203.0.113.7") == .tooManyRequests)

            // One IPv6 subscriber holds a /64: new addresses in it are the same guesser.
            for n in 1...5 {
                #expect(try await attempt("fuzhen3", "wrong", from: "2001:db8:5:6::\(n)") == .unauthorized)
            }
            #expect(try await attempt("fuzhen3", Demo.password, from: "2001:db8:5:6:ffff::1") == .tooManyRequests)
            #expect(try await attempt("fuzhen3", Demo.password, from: "2001:db8:5:7::1") == .created)
            let recorded = Set(try await LoginAttempt.query(on: app.db).all().map(\.address))
            #expect(recorded == ["127.0.0.1", "203.0.113.7", "2001:db8:5:6::/64"])
            await live.stop()
        }
    }

    @Test("未知用户名与已知用户名走同样的密码核对 (an unknown username costs the same password check)")
    func unknownUsersAreHashedToo() async throws {
        try await TestApp.with { app in
            var counts: [Int] = []
            for username in ["duchaban", "nobody-here"] {
                let before = app.passwords.verifications
                try await app.testing().test(
                    .POST, "/api/v1/session", headers: Self.jsonHeaders, body: Self.credentials(username, "wrong")
                ) { res in
                    #expect(res.status == .unauthorized)
                    #expect(res.body.string.contains("wrong_credentials"))
                }
                counts.append(app.passwords.verifications - before)
            }
            #expect(counts == [1, 1])
        }
    }

    @Test(
        "接口登录：只收 JSON，只发令牌不设 Cookie；令牌只存哈希；退出即吊销 (API sign-in: JSON only, a token and no cookie; tokens hashed; sign-out revokes)"
    )
    func apiSessionIsTokenOnly() async throws {
        try await TestApp.with { app in
            try await app.testing().test(
                .POST, "/api/v1/session", headers: ["Content-Type": "application/x-www-form-urlencoded"],
                body: ByteBuffer(string: "username=duchaban&password=\(Demo.password)")
            ) { res in
                #expect(res.status == .unsupportedMediaType)
                #expect(res.headers.setCookie == nil)
            }
            var token = ""
            try await app.testing().test(
                .POST, "/api/v1/session", headers: Self.jsonHeaders,
                body: Self.credentials("duchaban", Demo.password)
            ) { res in
                #expect(res.status == .created)
                #expect(res.headers.setCookie?["luoshi-session"] == nil)
                token = (try? res.content.get(String.self, at: "token")) ?? ""
            }
            let stored = try await UserToken.query(on: app.db).all().map(\.value)
            #expect(!stored.contains(token))
            #expect(stored.contains(Fingerprint.sha256Hex(Array(token.utf8))))
            let caller = Caller(token: token)
            try await app.testing().test(.GET, "/api/v1/plans", headers: caller.headers) { res in
                #expect(res.status == .ok)
            }
            try await app.testing().test(.DELETE, "/api/v1/session", headers: caller.headers) { res in
                #expect(res.status == .noContent)
            }
            try await app.testing().test(.GET, "/api/v1/plans", headers: caller.headers) { res in
                #expect(res.status == .unauthorized)
            }
        }
    }

    @Test(
        "带 Cookie 会话的接口写入即使另带 Bearer 头也要 CSRF (a cookie-signed-in API write needs its CSRF token, whatever Authorization it carries)"
    )
    func bearerHeaderDoesNotSkipCSRF() async throws {
        try await TestApp.with { app in
            let browser = try await app.browser("duchaban")
            let plan = try await app.demoPlanID()
            var headers = browser.headers
            headers.contentType = .json
            headers.bearerAuthorization = BearerAuthorization(token: "anything")
            let rules = String(decoding: try JSONEncoder().encode(["rules": SupervisionRules.standard]), as: UTF8.self)
            try await app.testing().test(
                .PUT, "/api/v1/plans/\(plan)/supervision", headers: headers, body: ByteBuffer(string: rules)
            ) { res in
                #expect(res.status == .forbidden)
                #expect(res.body.string.contains("X-CSRF-Token"))
            }
            headers.add(name: "X-CSRF-Token", value: browser.csrf)
            try await app.testing().test(
                .PUT, "/api/v1/plans/\(plan)/supervision", headers: headers, body: ByteBuffer(string: rules)
            ) { res in
                #expect(res.status == .ok)
            }
        }
    }

    @Test(
        "会话：匿名访问不写会话；登录换新会话号和表单令牌；服务器端到期；改密码后全部失效 (sessions: none for visitors; renewed at sign-in; expire on the server; end with a password reset)"
    )
    func sessionLifecycle() async throws {
        try await TestApp.with { app in
            let visitor = try await app.browser(nil)
            #expect(visitor.cookie.isEmpty)
            #expect(!visitor.csrf.isEmpty)
            #expect(try await WebSession.query(on: app.db).count() == 0)
            // A made-up session cookie does not make the server store a session either.
            try await app.testing().test(.GET, "/login", headers: ["Cookie": "luoshi-session=made-up"]) { res in
                #expect(res.headers.setCookie?["luoshi-session"]?.expires ?? .distantFuture < Date())
            }
            #expect(try await WebSession.query(on: app.db).count() == 0)
            // The sign-in form's check holds however its path is spelt (a cross-site login of the victim
            // into the attacker's account).
            for path in ["/login/", "//login"] {
                try await app.testing().test(
                    .POST, path, headers: ["Content-Type": "application/x-www-form-urlencoded"],
                    body: ByteBuffer(string: "username=dept1&password=\(Demo.password)")
                ) { res in
                    #expect(res.status == .forbidden, "\(path)")
                }
            }
            // Someone plants their own signed-in session in a browser; signing in there gives a new one.
            let planted = try await app.browser("dept1")
            var browser = planted
            browser.cookies["luoshi-signin"] = visitor.cookies["luoshi-signin"]
            let form = "_csrf=\(visitor.csrf)&username=duchaban&password=\(Demo.password)"
            try await app.testing().test(.POST, "/login", headers: browser.headers, body: ByteBuffer(string: form)) {
                res in
                #expect(res.status == .seeOther)
                browser.take(res.headers)
            }
            #expect(browser.cookie != planted.cookie)
            try await app.testing().test(.GET, "/inbox", headers: planted.headers) { res in
                #expect(res.status == .seeOther)  // the planted session is gone
            }
            try await app.testing().test(.GET, "/inbox", headers: browser.headers) { res in
                #expect(res.status == .ok)
                #expect(BrowserSession.formToken(in: res.body.string) != planted.csrf)
            }
            // The table keeps no session key, only its hash.
            let hashes = try await WebSession.query(on: app.db).all().map(\.keyHash)
            #expect(!hashes.contains(browser.cookie))
            #expect(hashes.contains(StoredSecret.digest(browser.cookie)))
            // A session ends on the server at its time, whatever the browser keeps.
            try await WebSession.query(on: app.db).filter(\.$keyHash == StoredSecret.digest(browser.cookie))
                .set(\.$expiresAt, to: Date().addingTimeInterval(-1)).update()
            try await app.testing().test(.GET, "/inbox", headers: browser.headers) { res in
                #expect(res.status == .seeOther)
            }
            // A password reset ends the user's browser sessions and tokens.
            let again = try await app.browser("zhenzhang")
            let token = try await app.signIn("zhenzhang")
            _ = try await LuoshiServer.resetPassword(app, username: "zhenzhang")
            try await app.testing().test(.GET, "/inbox", headers: again.headers) { res in
                #expect(res.status == .seeOther)
            }
            try await app.testing().test(.GET, "/api/v1/plans", headers: token.headers) { res in
                #expect(res.status == .unauthorized)
            }
        }
    }

    @Test("登录后只跳转到本站页面 (after sign-in, only pages of this site)")
    func redirectsStayHome() async throws {
        try await TestApp.with { app in
            let item = try await app.assignedItem().item.id!
            let attacks = [
                "/\\evil.example", "/\t/evil.example", "//evil.example", "https://evil.example", "/%2F%2Fevil.example",
                "/plans\r\nSet-Cookie: x=1", "/nowhere/at/all", "/../evil",
            ]
            for (next, expected) in attacks.map({ ($0, "/") }) + [("/items/\(item)", "/items/\(item)")] {
                let visitor = try await app.browser(nil)
                let body =
                    "_csrf=\(visitor.csrf)&username=duchaban&password=\(Demo.password)&next="
                    + (next.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")
                try await app.testing().test(.POST, "/login", headers: visitor.headers, body: ByteBuffer(string: body))
                {
                    res in
                    #expect(res.status == .seeOther)
                    #expect(res.headers.first(name: .location) == expected, "next=\(next.debugDescription)")
                }
            }
            // The page a form came from is followed only when it is one of ours.
            let admin = try await app.browser("duchaban")
            for (referer, expected) in [
                ("http://x///evil.example", "/"), ("http://x/%2F%2Fevil", "/"), ("http://x/plans", "/plans"),
            ] {
                var headers = admin.headers
                headers.replaceOrAdd(name: .referer, value: referer)
                try await app.testing().test(
                    .POST, "/account/language", headers: headers,
                    body: ByteBuffer(string: "_csrf=\(admin.csrf)&language=zh")
                ) { res in
                    #expect(res.headers.first(name: .location) == expected, "\(referer)")
                }
            }
        }
    }

    @Test("安全响应头；经 HTTPS 代理时 Cookie 为 Secure (security headers; Secure cookies behind HTTPS)")
    func securityHeaders() async throws {
        try await TestApp.with { app in
            for path in ["/login", "/api/v1/plans", "/healthz", "/nowhere"] {
                try await app.testing().test(.GET, path) { res in
                    #expect(
                        res.headers.first(name: "Content-Security-Policy")?.contains("frame-ancestors 'none'") == true)
                    #expect(res.headers.first(name: "X-Frame-Options") == "DENY")
                    #expect(res.headers.first(name: "Referrer-Policy") == "same-origin")
                    #expect(res.headers.first(name: "X-Content-Type-Options") == "nosniff")
                }
            }
            try await app.testing().test(.GET, "/login") { res in
                #expect(res.headers.setCookie?["luoshi-signin"]?.isSecure == false)
            }
            try await app.testing().test(.GET, "/login", headers: ["X-Forwarded-Proto": "https"]) { res in
                #expect(res.headers.setCookie?["luoshi-signin"]?.isSecure == true)
                #expect(res.headers.first(name: "Strict-Transport-Security") != nil)
            }
        }
    }
}
