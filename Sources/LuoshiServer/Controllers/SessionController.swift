import Fluent
import Foundation
import LuoshiCore
import Vapor

/// Signing in and out, in the browser.
struct SessionController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("login", use: form)
        routes.post("login", use: signIn)
        routes.post("logout", use: signOut)
        routes.post("account", "language", use: language)
    }

    struct SignIn: Content {
        var username: String
        var password: String
        var next: String?
    }

    @Sendable func form(req: Request) async throws -> Response {
        req.render(
            Login.View(
                model: .init(
                    next: req.knownPage(req.query[String.self, at: "next"]) ?? "",
                    failed: req.query[String.self, at: "failed"] == "1")
            ))
    }

    @Sendable func signIn(req: Request) async throws -> Response {
        let input = try req.content.decode(SignIn.self)
        let address = req.signInAddress
        do {
            let user = try await Accounts.signIn(
                username: input.username, password: input.password, address: address, on: req.db,
                checker: req.application.passwords)
            try await req.startSession(for: user)
            return req.redirect(to: req.localPage(input.next), redirectType: .normal)
        } catch LuoshiError.wrongCredentials {
            return req.redirect(
                to: .login(next: req.knownPage(input.next), failed: true))
        }
    }

    struct LanguageForm: Content { var language: String }

    /// The signed-in user's language, remembered for every page.
    @Sendable func language(req: Request) async throws -> Response {
        let user = try req.user()
        let choice = try req.content.decode(LanguageForm.self).language
        guard choice == "zh" || choice == "en" else {
            throw LuoshiError.invalid(field: "language", reason: "应为 zh 或 en")
        }
        let userID = try user.requireID()
        try await req.store.write(.office, actor: user.username, at: req.now) { tx in
            guard let stored = try await User.find(userID, on: tx.db) else { throw LuoshiError.unauthenticated }
            stored.language = choice
            try await stored.save(on: tx.db)
            tx.record(.userLanguage, .user, userID, after: ["language": choice])
        }
        let back = req.headers.first(name: .referer).flatMap { URL(string: $0)?.path }
        return req.redirect(to: req.localPage(back), redirectType: .normal)
    }

    @Sendable func signOut(req: Request) async throws -> Response {
        // A bearer token presented here is ended too: signing out means no way in is left open.
        try await SignOut.token(of: req)
        req.auth.logout(User.self)
        if req.hasSession { req.session.destroy() }
        return req.redirect(to: .login())
    }
}
