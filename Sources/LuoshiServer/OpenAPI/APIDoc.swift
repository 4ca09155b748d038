import Foundation
import LuoshiCore
import Vapor

/// What an API route says of itself: attached to the route where it is registered, so the OpenAPI
/// document is made from the routes that exist and the types they decode and encode. (Unchecked: it
/// holds only metatypes and values, and is read once, when the document is made.)
struct APIDoc: @unchecked Sendable {
    enum Body {
        case json(any Decodable.Type)
        case multipart(any Decodable.Type)
    }

    var summary: String
    /// The roles allowed; empty: anyone signed in. `nil`: no sign-in (health, signing in).
    var roles: [Role]? = []
    var request: [Body] = []
    var requestRequired = true
    var status: HTTPStatus = .ok
    var response: (any Decodable.Type)?
    var query: (any Decodable.Type)?
    /// Statuses beyond those the route's shape implies (a conflict, a sign-in limit).
    var errors: [HTTPStatus] = []
}

extension Route {
    private static let docKey = "luoshi.openapi"

    /// Describes the route in the OpenAPI document.
    @discardableResult
    func documented(_ doc: APIDoc) -> Route {
        userInfo[Self.docKey] = doc
        return self
    }

    var apiDoc: APIDoc? { userInfo[Self.docKey] as? APIDoc }

    private static let refusalKey = "luoshi.refusesMethod"

    /// Whether the route only answers 405 (it changes nothing, so it needs no form token).
    var refusesMethod: Bool {
        get { userInfo[Self.refusalKey] as? Bool ?? false }
        set { userInfo[Self.refusalKey] = newValue }
    }
}

/// The error body every 4xx answer of the API has.
struct APIErrorBody: Decodable {
    struct Detail: Decodable {
        var code: String
        var message: String
    }
    var error: Detail
}

/// The OpenAPI 3.0 document of the documented routes, made once when the routes are in place.
enum OpenAPIBuilder {
    static let methods: [HTTPMethod] = [.GET, .PUT, .POST, .DELETE, .PATCH, .OPTIONS, .TRACE, .RAW(value: "QUERY")]

    static func document(_ routes: [Route]) throws -> JSONValue {
        let reflector = SchemaReflector()
        let errorSchema = try reflector.schema(APIErrorBody.self)
        var paths: [(String, [(String, JSONValue)])] = []
        for route in routes {
            guard let doc = route.apiDoc else { continue }
            let path = "/" + route.path.map(segment).joined(separator: "/")
            let op = try operation(doc, route: route, reflector: reflector)
            if let i = paths.firstIndex(where: { $0.0 == path }) {
                paths[i].1.append((route.method.rawValue.lowercased(), op))
            } else {
                paths.append((path, [(route.method.rawValue.lowercased(), op)]))
            }
        }
        return [
            "openapi": "3.0.3",
            "info": [
                "title": "落实 Luoshi API", "version": "1.0.0",
                "description": """
                Everything the pages do. Sign in with POST /api/v1/session; send the token as \
                'Authorization: Bearer …', or use the session cookie with the X-CSRF-Token header. \
                Errors are {"error": {"code", "message"}} with a 4xx status, the message in Chinese then English.
                """,
            ],
            "servers": [["url": "/"]],
            "components": [
                "securitySchemes": [
                    "bearer": ["type": "http", "scheme": "bearer"],
                    "cookie": ["type": "apiKey", "in": "cookie", "name": "luoshi-session"],
                ],
                "schemas": .object(reflector.components),
                "responses": [
                    "Error": [
                        "description": "A clear message in the request's language",
                        "content": ["application/json": ["schema": errorSchema]],
                    ]
                ],
            ],
            "security": [["bearer": []], ["cookie": []]],
            "paths": .object(paths.map { ($0.0, .object($0.1)) }),
        ]
    }

    private static func segment(_ c: PathComponent) -> String {
        switch c {
        case .constant(let s): return s
        case .parameter(let p): return "{\(p)}"
        case .anything: return "*"
        case .catchall: return "**"
        }
    }

    private static func operation(_ doc: APIDoc, route: Route, reflector: SchemaReflector) throws -> JSONValue {
        var op: [(String, JSONValue)] = [("summary", .string(doc.summary))]
        if doc.roles == nil { op.append(("security", [])) }
        var parameters: [JSONValue] = route.path.compactMap {
            guard case .parameter(let name) = $0 else { return nil }
            return [
                "name": .string(name), "in": "path", "required": true, "schema": ["type": "string", "format": "uuid"],
            ]
        }
        if let q = doc.query { parameters += try reflector.parameters(q) }
        if !parameters.isEmpty { op.append(("parameters", .array(parameters))) }
        if !doc.request.isEmpty {
            var content: [(String, JSONValue)] = []
            for body in doc.request {
                switch body {
                case .json(let t): content.append(("application/json", ["schema": try reflector.schema(t)]))
                case .multipart(let t):
                    content.append(("multipart/form-data", ["schema": try formSchema(t, reflector)]))
                }
            }
            op.append(("requestBody", ["required": .bool(doc.requestRequired), "content": .object(content)]))
        }
        var success: [(String, JSONValue)] = [("description", .string(doc.status.reasonPhrase))]
        if let r = doc.response {
            success.append(("content", ["application/json": ["schema": try reflector.schema(r)]]))
        }
        var responses: [(String, JSONValue)] = [("\(doc.status.code)", .object(success))]
        var errors = doc.errors
        if doc.roles != nil { errors.append(.unauthorized) }
        if doc.roles?.isEmpty == false { errors.append(.forbidden) }
        if route.path.contains(where: { if case .parameter = $0 { true } else { false } }) { errors.append(.notFound) }
        if doc.query != nil { errors += [.badRequest, .unprocessableEntity] }
        if !doc.request.isEmpty { errors += [.badRequest, .unsupportedMediaType, .unprocessableEntity] }
        if doc.request.contains(where: { if case .multipart = $0 { true } else { false } }) {
            errors.append(.payloadTooLarge)
        }
        for status in Set(errors.map(\.code)).sorted() {
            responses.append(("\(status)", ["$ref": "#/components/responses/Error"]))
        }
        op.append(("responses", .object(responses)))
        return .object(op)
    }

    /// A form's schema: inline, with array fields named as forms send them (`evidence[]`).
    private static func formSchema(_ type: any Decodable.Type, _ reflector: SchemaReflector) throws -> JSONValue {
        let parameters = try reflector.parameters(type)
        var properties: [(String, JSONValue)] = []
        var required: [JSONValue] = []
        for p in parameters {
            guard case .string(var name)? = p["name"], var schema = p["schema"] else { continue }
            if schema["type"] == "array" { name += "[]" }
            // A form field is there or not; it cannot be null.
            if case .object(let pairs) = schema { schema = .object(pairs.filter { $0.0 != "nullable" }) }
            properties.append((name, schema))
            if p["required"] == true { required.append(.string(name)) }
        }
        return ["type": "object", "required": .array(required), "properties": .object(properties)]
    }

    /// Answers 405 with `Allow` to the methods a documented path does not have (TRACE included), where
    /// the router would otherwise say 404 as if the path did not exist.
    static func refuseOtherMethods(_ app: Application) {
        var byPath: [String: (path: [PathComponent], methods: Set<String>)] = [:]
        let documented = Set(app.routes.all.filter { $0.apiDoc != nil }.map { $0.path.map(\.description) })
        for route in app.routes.all where documented.contains(route.path.map(\.description)) {
            let key = route.path.map(\.description).joined(separator: "/")
            byPath[key, default: (route.path, [])].methods.insert(route.method.rawValue)
        }
        for (_, entry) in byPath.sorted(by: { $0.key < $1.key }) {
            let allow = entry.methods.sorted().joined(separator: ", ")
            for method in methods where !entry.methods.contains(method.rawValue) {
                let route =
                    method == .OPTIONS
                    ? app.on(method, entry.path) { _ -> Response in
                        Response(status: .noContent, headers: ["Allow": allow])
                    }
                    : app.on(method, entry.path) { _ -> Response in
                        throw Abort(.methodNotAllowed, headers: ["Allow": allow])
                    }
                route.refusesMethod = true
            }
        }
    }
}
