import Foundation
import LuoshiCore
import Vapor

/// The one place errors become answers: a domain error, an abort, a decoding error or anything else
/// turns into a status and a page (browsers) or a JSON body (`/api`), in the request's language.
/// Nothing escapes as a crash, and an unexpected error is logged and shown without its internals.
struct LuoshiErrorMiddleware: Middleware {
    /// Future-based: no task started per request (see `SecurityHeadersMiddleware`).
    func respond(to request: Request, chainingTo next: any Responder) -> EventLoopFuture<Response> {
        next.respond(to: request).flatMapErrorThrowing { error in Self.response(for: error, request: request) }
    }

    static func classify(_ error: any Error) -> (HTTPStatus, String, String) {
        switch error {
        case let e as LuoshiError:
            switch e {
            case .notFound: return (.notFound, "not_found", e.message)
            case .forbidden: return (.forbidden, "forbidden", e.message)
            case .invalid: return (.unprocessableEntity, "invalid", e.message)
            case .conflict: return (.conflict, "conflict", e.message)
            case .unauthenticated: return (.unauthorized, "unauthenticated", e.message)
            case .wrongCredentials: return (.unauthorized, "wrong_credentials", e.message)
            }
        case let e as DocumentError:
            return (.unprocessableEntity, "unreadable_document", e.message)
        case let e as DecodingError:
            return (.badRequest, "malformed_request", "请求格式不正确：\(describe(e)) (malformed request)")
        case let e as any AbortError:
            let message: String
            switch e.status {
            case .payloadTooLarge: message = "上传内容过大 (payload too large)"
            case .notFound: message = "页面不存在 (not found)"
            case .unsupportedMediaType: message = "不支持的内容类型 (unsupported media type)"
            case .badRequest: message = "请求格式不正确：\(e.reason) (bad request)"
            case .tooManyRequests: message = e.reason
            case .methodNotAllowed: message = "此地址不接受该方法 (method not allowed)"
            default: message = e.reason
            }
            return (e.status, e.status.code < 500 ? "request_error" : "server_error", message)
        // MultipartKit's parser throws a private error type for a body that is not form data.
        case _ where String(reflecting: type(of: error)).hasPrefix("MultipartKit."):
            return (.badRequest, "malformed_request", "表单格式不正确 (malformed form data)")
        default:
            return (.internalServerError, "server_error", "服务器内部错误，已记录 (internal error, logged)")
        }
    }

    static func describe(_ e: DecodingError) -> String {
        switch e {
        case .keyNotFound(let key, _): return "缺少字段 \(key.stringValue) (missing field)"
        case .typeMismatch(_, let c):
            return "字段 \(c.codingPath.map(\.stringValue).joined(separator: ".")) 类型不对 (wrong type)"
        case .valueNotFound(_, let c):
            return "字段 \(c.codingPath.map(\.stringValue).joined(separator: ".")) 为空 (missing value)"
        case .dataCorrupted(let c):
            return c.codingPath.isEmpty
                ? "不是有效的 JSON (not valid JSON)" : "字段 \(c.codingPath.map(\.stringValue).joined(separator: ".")) 无效"
        @unknown default: return "\(e)"
        }
    }

    static func response(for error: any Error, request: Request) -> Response {
        let (status, code, message) = classify(error)
        if status == .internalServerError {
            request.logger.report(error: error)
        }
        let wantsJSON =
            request.url.path.hasPrefix("/api/")
            || (request.headers.first(name: .accept)?.contains("application/json") ?? false)
        if wantsJSON {
            let body = ["error": ["code": code, "message": message]]
            let response = Response(status: status, headers: (error as? any AbortError)?.headers ?? [:])
            try? response.content.encode(body, as: .json)
            return response
        }
        if status == .unauthorized {
            return request.redirect(to: .login(next: request.url.path == "/login" ? nil : request.url.path))
        }
        let page = request.render(
            ErrorPage.View(model: .init(status: Int(status.code), message: message)), status: status)
        for (name, value) in (error as? any AbortError)?.headers ?? [:] {
            page.headers.replaceOrAdd(name: name, value: value)
        }
        return page
    }
}
