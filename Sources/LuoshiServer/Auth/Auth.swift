import Fluent
import Foundation
import LuoshiCore
import NIOConcurrencyHelpers
import Vapor

/// Cross-site request forgery tokens: one per session, in a hidden field of every form, or in the
/// `X-CSRF-Token` header of an API call signed in by cookie. A call signed in by bearer token alone
/// needs none.
///
/// Before anyone signs in there is no session (an anonymous page view writes nothing to the database):
/// the sign-in form's token is then a random value in a cookie of its own, which the form must repeat.
enum CSRF {
    static let signInCookie = "luoshi-signin"

    struct MintedKey: StorageKey { typealias Value = String }

    /// Whether the request is the sign-in form's post. Decided by the route, not by the path's spelling:
    /// `/login/` and `//login` reach the same handler and must meet the same check.
    static func isSignIn(_ req: Request) -> Bool {
        req.method == .POST && req.route?.path.map(\.description) == ["login"]
    }

    static func token(_ req: Request) -> String {
        // Only a session that holds something (a user, a token) is one: a cookie naming no stored
        // session gets the visitor's token, so random cookies cannot make the server write sessions.
        if req.auth.has(User.self) || (req.hasSession && req.session.data["csrf"] != nil) {
            if let t = req.session.data["csrf"] { return t }
            let t = [UInt8].random(count: 24).base64URL
            req.session.data["csrf"] = t
            return t
        }
        if let t = req.cookies[signInCookie]?.string, t.count == 32 { return t }
        if let t = req.storage[MintedKey.self] { return t }
        let t = [UInt8].random(count: 24).base64URL
        req.storage[MintedKey.self] = t
        return t
    }

    /// What a write must show to prove it came from the app's own pages or a script of this browser's.
    enum Need { case none, header, formField }

    static func need(_ req: Request) -> Need {
        // A session signed in by cookie is ambient authority a forged request would carry along, whatever
        // else it sends (an `Authorization` header included).
        let cookieSignedIn = req.hasSession && req.session.authenticated(User.self) != nil
        if req.url.path.hasPrefix("/api/") { return cookieSignedIn ? .header : .none }
        // A form from someone not signed in can change nothing but signing in, which has its own token.
        return cookieSignedIn || isSignIn(req) ? .formField : .none
    }

    /// An API write by cookie carries the token in `X-CSRF-Token`.
    static func checkHeader(_ req: Request) throws {
        guard accepts(req.headers.first(name: "X-CSRF-Token"), req) else {
            throw LuoshiError.forbidden(reason: "缺少或错误的 X-CSRF-Token (missing CSRF token)")
        }
    }

    static let expiredForm = LuoshiError.forbidden(reason: "表单已过期，请刷新页面后重试 (form expired: reload the page)")

    /// Whether a form's token is the one this browser was given.
    static func accepts(_ sent: String?, _ req: Request) -> Bool {
        guard let sent, !sent.isEmpty else { return false }
        if req.hasSession, let expected = req.session.data["csrf"], sent == expected { return true }
        // Only the sign-in form may be sent with the cookie token: it is all an anonymous visitor has.
        return isSignIn(req) && req.cookies[signInCookie]?.string == sent
    }
}

struct CSRFMiddleware: AsyncMiddleware {
    func respond(to req: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let response = try await check(req, next)
        if let minted = req.storage[CSRF.MintedKey.self] {
            response.cookies[CSRF.signInCookie] = HTTPCookies.Value(
                string: minted, maxAge: 12 * 3600, path: "/login", isHTTPOnly: true, sameSite: .strict)
        }
        return response
    }

    private func check(_ req: Request, _ next: any AsyncResponder) async throws -> Response {
        guard [.POST, .PUT, .PATCH, .DELETE].contains(req.method) else { return try await next.respond(to: req) }
        // No route, or one that only refuses the method: nothing is changed, so nothing to forge.
        guard let route = req.route, !route.refusesMethod else { return try await next.respond(to: req) }
        switch CSRF.need(req) {
        case .none: break
        case .header: try CSRF.checkHeader(req)
        case .formField:
            guard CSRF.accepts(try? req.content.get(String.self, at: "_csrf"), req) else { throw CSRF.expiredForm }
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
                .filter(\.$value == StoredSecret.digest(bearer.token)).first(),
            token.expiresAt > Date()
        else { return }
        let user = try token.joined(User.self)
        guard user.disabledAt == nil else { return }
        req.auth.login(user)
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

    /// Checks a username and password under the sign-in throttle (`LoginThrottle`).
    ///
    /// The attempt is recorded before the password is looked at and is the throttle's count: a hundred
    /// guesses sent at once are each counted before any is evaluated. A wrong guess leaves its record,
    /// a refused one and a right one remove their own (and only their own). An unknown username costs
    /// the same bcrypt work as a known one, so the answer's timing does not tell which names exist.
    static func signIn(
        username: String, password: String, address: String, on db: any Database, checker: PasswordChecker
    ) async throws -> User {
        let attempt = LoginAttempt(username: username, address: address, at: Date())
        try await attempt.create(on: db)
        do {
            try await LoginThrottle.admit(attempt, on: db)
        } catch {
            try await attempt.delete(on: db)
            throw error
        }
        let user = try await User.query(on: db).filter(\.$username == username).first()
        let matches = checker.verify(password, hash: user?.passwordHash)
        guard let user, matches else { throw LuoshiError.wrongCredentials }
        // Said only to whoever knows the password: a disabled account is no secret to them.
        guard user.disabledAt == nil else {
            throw LuoshiError.forbidden(reason: "账号已停用，请联系督查办 (this account is disabled)")
        }
        try await attempt.delete(on: db)
        return user
    }
}

/// Verifies passwords with bcrypt. For an unknown user it verifies against a decoy hash of the same
/// cost, so both take the same time; it counts what it verifies, which tests read.
final class PasswordChecker: Sendable {
    let decoy: String
    private let count = NIOLockedValueBox(0)

    init(cost: Int) {
        decoy = (try? Bcrypt.hash([UInt8].random(count: 16).base64URL, cost: cost)) ?? ""
    }

    func verify(_ password: String, hash: String?) -> Bool {
        count.withLockedValue { $0 += 1 }
        let verified = (try? Bcrypt.verify(password, created: hash ?? decoy)) ?? false
        return hash != nil && verified
    }

    /// How many passwords have been verified, for tests.
    var verifications: Int { count.withLockedValue { $0 } }
}

struct PasswordCheckerKey: StorageKey { typealias Value = PasswordChecker }

extension Application {
    /// Set once by `configure`, before the server takes requests.
    var passwords: PasswordChecker { storage[PasswordCheckerKey.self]! }
}
