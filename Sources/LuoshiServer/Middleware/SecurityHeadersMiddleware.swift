import Foundation
import Vapor

/// What every answer tells the browser about itself: no scripts, style sheets only from this site (and
/// `style` attributes, which the progress bars set their widths with: all text is escaped, and
/// without scripts a style can do no more than look wrong), never in
/// a frame, no address leaked to other sites, no guessing of content types. Cookies are `Secure` when
/// the site is served over HTTPS: its public address says so, or the proxy in front of it does
/// (`X-Forwarded-Proto: https`).
///
/// Future-based, as the other middleware every request passes: an async middleware starts a task per
/// request, which was a large part of serving a cached public page.
struct SecurityHeadersMiddleware: Middleware {
    static let contentSecurityPolicy =
        "default-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

    let servedOverHTTPS: Bool

    func respond(to request: Request, chainingTo next: any Responder) -> EventLoopFuture<Response> {
        next.respond(to: request).map { response in self.secure(response, request) }
    }

    func secure(_ response: Response, _ request: Request) -> Response {
        let h = response.headers
        if !h.contains(name: "Content-Security-Policy") {
            response.headers.add(name: "Content-Security-Policy", value: Self.contentSecurityPolicy)
        }
        response.headers.replaceOrAdd(name: "X-Frame-Options", value: "DENY")
        response.headers.replaceOrAdd(name: "X-Content-Type-Options", value: "nosniff")
        response.headers.replaceOrAdd(name: "Referrer-Policy", value: "same-origin")
        let https =
            servedOverHTTPS || request.headers.first(name: "X-Forwarded-Proto")?.lowercased() == "https"
        if https {
            response.headers.replaceOrAdd(name: "Strict-Transport-Security", value: "max-age=31536000")
            for (name, var cookie) in response.cookies.all {
                cookie.isSecure = true
                response.cookies[name] = cookie
            }
        }
        return response
    }
}
