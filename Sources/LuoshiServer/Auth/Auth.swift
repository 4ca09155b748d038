import Fluent
import Foundation
import LuoshiCore
import Vapor

/// Cross-site request forgery tokens: one per session, in a hidden field of every form, or in the
/// `X-CSRF-Token` header of an API call signed in by cookie. A bearer token needs none.
enum CSRF {
    static func token(_ req: Request) -> String {
        if let t = req.session.data["csrf"] { return t }
        let t = [UInt8].random(count: 24).base64URL
        req.session.data["csrf"] = t
        return t
    }
}

struct CSRFMiddleware: AsyncMiddleware {
    func respond(to req: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard [.POST, .PUT, .PATCH, .DELETE].contains(req.method) else { return try await next.respond(to: req) }
        // No route, or one that only refuses the method: nothing is changed, so nothing to forge.
        guard let route = req.route, !route.refusesMethod else { return try await next.respond(to: req) }
        let path = req.url.path
        if path.hasPrefix("/api/") {
            // Bearer calls carry no ambient authority; signing in creates the session.
            // Without a signed-in session there is no ambient authority to forge: the route answers 401.
            if req.headers.bearerAuthorization != nil || path == "/api/v1/session" || !req.auth.has(User.self) {
                return try await next.respond(to: req)
            }
            guard let expected = req.session.data["csrf"], req.headers.first(name: "X-CSRF-Token") == expected else {
                throw LuoshiError.forbidden(reason: "缺少或错误的 X-CSRF-Token (missing CSRF token)")
            }
            return try await next.respond(to: req)
        }
        let sent = try? req.content.get(String.self, at: "_csrf")
        guard let expected = req.session.data["csrf"], let sent, sent == expected else {
            throw LuoshiError.forbidden(reason: "表单已过期，请刷新页面后重试 (form expired: reload the page)")
        }
        return try await next.respond(to: req)
    }
}

/// Signs in API callers by bearer token.
struct TokenAuthenticator: AsyncBearerAuthenticator {
    func authenticate(bearer: BearerAuthorization, for req: Request) async throws {
        // One query: the token joined with its user.
        guard
            let token = try await UserToken.query(on: req.db).join(User.self, on: \UserToken.$user.$id == \User.$id)
                .filter(\.$value == bearer.token).first(),
            token.expiresAt > Date()
        else { return }
        req.auth.login(try token.joined(User.self))
    }
}

extension [UInt8] {
    var base64URL: String {
        Data(self).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(
            of: "/", with: "_"
        )
        .replacingOccurrences(of: "=", with: "")
    }
}

extension Request {
    /// The signed-in user, or an unauthenticated error.
    func user() throws -> User {
        guard let user = auth.get(User.self) else { throw LuoshiError.unauthenticated }
        return user
    }

    /// The signed-in user, who must have one of these roles.
    func user(_ roles: Role...) throws -> User {
        let user = try user()
        guard roles.contains(user.role) else {
            throw LuoshiError.forbidden(reason: "需要\(roles.map(\.chinese).joined(separator: "或"))权限")
        }
        return user
    }
}

/// Passwords and sign-in.
enum Accounts {
    static let bcryptCostKey = "LUOSHI_BCRYPT_COST"

    static func hash(_ password: String, cost: Int) throws -> String {
        try Bcrypt.hash(password, cost: cost)
    }

    /// A password that is printed once: 16 letters and digits, no look-alikes.
    static func randomPassword() -> String {
        let alphabet = Array("abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789")
        return String((0..<16).map { _ in alphabet.randomElement()! })
    }

    /// Checks a username and password, counting failures in the database so that the limit holds
    /// across app servers: 5 failures for a name, or 20 from one address, in 15 minutes lock it out.
    static func signIn(username: String, password: String, address: String, on db: any Database, now: Date)
        async throws -> User
    {
        let since = now.addingTimeInterval(-15 * 60)
        let byName = try await LoginAttempt.query(on: db).filter(\.$username == username).filter(\.$at > since).count()
        let byAddress = try await LoginAttempt.query(on: db).filter(\.$address == address).filter(\.$at > since).count()
        if byName >= 5 || byAddress >= 20 {
            throw Abort(
                .tooManyRequests, reason: "登录失败次数过多，请 15 分钟后再试 (too many failed sign-ins: try again in 15 minutes)")
        }
        guard let user = try await User.query(on: db).filter(\.$username == username).first(),
            (try? Bcrypt.verify(password, created: user.passwordHash)) == true
        else {
            try await LoginAttempt(username: username, address: address, at: now).create(on: db)
            throw LuoshiError.invalid(field: "用户名或密码", reason: "不正确 (wrong username or password)")
        }
        try await LoginAttempt.query(on: db).filter(\.$username == username).delete()
        return user
    }
}
