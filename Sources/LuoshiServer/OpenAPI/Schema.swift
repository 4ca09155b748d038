import Foundation
import LuoshiCore
import Vapor

/// A JSON value with its keys in the order they were given, for the OpenAPI document.
indirect enum JSONValue: Encodable, Sendable, Equatable, ExpressibleByStringLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByFloatLiteral, ExpressibleByBooleanLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral
{
    case string(String), number(Double), bool(Bool), array([JSONValue]), object([(String, JSONValue)]), null

    init(stringLiteral value: String) { self = .string(value) }
    init(integerLiteral value: Int) { self = .number(Double(value)) }
    init(floatLiteral value: Double) { self = .number(value) }
    init(booleanLiteral value: Bool) { self = .bool(value) }
    init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    init(dictionaryLiteral elements: (String, JSONValue)...) { self = .object(elements) }

    static func == (a: JSONValue, b: JSONValue) -> Bool {
        switch (a, b) {
        case (.string(let x), .string(let y)): return x == y
        case (.number(let x), .number(let y)): return x == y
        case (.bool(let x), .bool(let y)): return x == y
        case (.array(let x), .array(let y)): return x == y
        case (.object(let x), .object(let y)): return x.map(\.0) == y.map(\.0) && x.map(\.1) == y.map(\.1)
        case (.null, .null): return true
        default: return false
        }
    }

    typealias Key = String
    typealias Value = JSONValue

    private struct Name: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    func encode(to encoder: any Encoder) throws {
        switch self {
        case .string(let s):
            var c = encoder.singleValueContainer()
            try c.encode(s)
        case .number(let n):
            var c = encoder.singleValueContainer()
            if n == n.rounded(), abs(n) < 1e15 { try c.encode(Int(n)) } else { try c.encode(n) }
        case .bool(let b):
            var c = encoder.singleValueContainer()
            try c.encode(b)
        case .null:
            var c = encoder.singleValueContainer()
            try c.encodeNil()
        case .array(let list):
            var c = encoder.unkeyedContainer()
            for v in list { try c.encode(v) }
        case .object(let pairs):
            var c = encoder.container(keyedBy: Name.self)
            for (k, v) in pairs { try c.encode(v, forKey: Name(stringValue: k)) }
        }
    }

    /// The object with `extra`'s keys added or replaced.
    func merging(_ extra: [(String, JSONValue)]) -> JSONValue {
        guard case .object(var pairs) = self else { return self }
        for (k, v) in extra {
            if let i = pairs.firstIndex(where: { $0.0 == k }) { pairs[i].1 = v } else { pairs.append((k, v)) }
        }
        return .object(pairs)
    }

    subscript(key: String) -> JSONValue? {
        guard case .object(let pairs) = self else { return nil }
        return pairs.first { $0.0 == key }?.1
    }
}

/// A type whose schema is not what its `Decodable` conformance shows (a file, a value checked on
/// decoding): it says its schema, and gives a value the reflector can hand back.
protocol CustomSchema {
    static var schema: JSONValue { get }
    static var schemaSample: Self { get }
}

/// Constraints the type system does not carry (a period's pattern, a text's length, a count's range),
/// added to the properties' reflected schemas; validation in the type says the same.
protocol SchemaConstraints {
    static var constraints: [String: [(String, JSONValue)]] { get }
}

extension SchemaConstraints {
    /// Text that must say something (not only spaces) and fit in `max` characters.
    static func text(max: Int) -> [(String, JSONValue)] {
        [("pattern", "\\S"), ("maxLength", .number(Double(max)))]
    }
}

extension File: CustomSchema {
    static var schema: JSONValue { ["type": "string", "format": "binary"] }
    static var schemaSample: File { File(data: "", filename: "") }
}

extension Date: CustomSchema {
    static var schema: JSONValue { ["type": "string", "format": "date-time"] }
    static var schemaSample: Date { Date(timeIntervalSince1970: 0) }
}

extension UUID: CustomSchema {
    static var schema: JSONValue { ["type": "string", "format": "uuid"] }
    static var schemaSample: UUID { UUID() }
}

private protocol ArraySchema { static var element: any Decodable.Type { get } }
extension Array: ArraySchema where Element: Decodable {
    static var element: any Decodable.Type { Element.self }
}

private protocol OptionalSchema { static var wrapped: any Decodable.Type { get } }
extension Optional: OptionalSchema where Wrapped: Decodable {
    static var wrapped: any Decodable.Type { Wrapped.self }
}

private protocol DictionarySchema { static var value: any Decodable.Type { get } }
extension Dictionary: DictionarySchema where Key == String, Value: Decodable {
    static var value: any Decodable.Type { Value.self }
}

/// What went wrong reflecting a type: the document could not say what the code does.
struct SchemaReflectionError: Error, CustomStringConvertible {
    var type: String
    var reason: String
    var description: String { "OpenAPI: cannot describe \(type): \(reason)" }
}

/// JSON Schemas read from `Decodable` types by decoding them with a decoder that records every key
/// asked for (`decode`: required; `decodeIfPresent` or a `decodeNil` check: optional) and answers with
/// a sample value. The API's bodies and answers are those same types, so the document cannot drift from
/// the code. Struct types become named components.
final class SchemaReflector {
    private(set) var components: [(String, JSONValue)] = []
    private var names: [ObjectIdentifier: String] = [:]
    private var inProgress: Set<ObjectIdentifier> = []

    /// The schema of `type`: a `$ref` for struct types, inline for the rest.
    func schema(_ type: any Decodable.Type) throws -> JSONValue {
        try reflect(type).schema
    }

    fileprivate func reflect(_ type: any Decodable.Type) throws -> (schema: JSONValue, sample: Any?) {
        switch type {
        case is String.Type: return (["type": "string"], "")
        case is Bool.Type: return (["type": "boolean"], false)
        case is Int.Type, is Int64.Type, is Int32.Type: return (["type": "integer"], 0)
        case is Double.Type, is Float.Type: return (["type": "number"], 0.0)
        default: break
        }
        if let custom = type as? any CustomSchema.Type { return (custom.schema, custom.schemaSample) }
        if let e = type as? any CaseIterable.Type, let cases = Self.cases(e) {
            return (["type": "string", "enum": .array(cases.raw.map { .string($0) })], cases.first)
        }
        if let o = type as? any OptionalSchema.Type {
            return (try reflect(o.wrapped).schema, nil)
        }
        if let a = type as? any ArraySchema.Type {
            // An empty sample: a type can hold an array of itself.
            return (["type": "array", "items": try reflect(a.element).schema], Self.emptyArray(type))
        }
        if let d = type as? any DictionarySchema.Type {
            return (["type": "object", "additionalProperties": try reflect(d.value).schema], Self.emptyArray(type))
        }
        let id = ObjectIdentifier(type)
        let name = componentName(type)
        if inProgress.contains(id) { return (["$ref": .string("#/components/schemas/\(name)")], nil) }
        inProgress.insert(id)
        defer { inProgress.remove(id) }
        let decoder = ReflectingDecoder(reflector: self)
        let sample: Any
        do {
            sample = try type.init(from: decoder)
        } catch {
            throw SchemaReflectionError(type: "\(type)", reason: "\(error)")
        }
        guard var object = decoder.objectSchema() else {
            return (decoder.singleValue ?? ["type": "string"], sample)
        }
        if let constrained = type as? any SchemaConstraints.Type {
            object = Self.constrain(object, constrained.constraints)
        }
        if !components.contains(where: { $0.0 == name }) { components.append((name, object)) }
        return (["$ref": .string("#/components/schemas/\(name)")], sample)
    }

    /// A struct's properties as query parameters.
    func parameters(_ type: any Decodable.Type) throws -> [JSONValue] {
        let decoder = ReflectingDecoder(reflector: self)
        _ = try type.init(from: decoder)
        let constraints = (type as? any SchemaConstraints.Type)?.constraints ?? [:]
        return decoder.properties.map { p in
            var schema = p.schema
            if let extra = constraints[p.name] { schema = schema.merging(extra) }
            return ["name": .string(p.name), "in": "query", "required": .bool(p.required), "schema": schema]
        }
    }

    private func componentName(_ type: any Decodable.Type) -> String {
        let id = ObjectIdentifier(type)
        if let n = names[id] { return n }
        // The name in the code without the module (Notices.Issue, APIController.ReportView): unique, and
        // what a reader of the code would search for.
        let full = String(reflecting: type).split(separator: ".").dropFirst().joined(separator: ".")
        let name = String(full.map { $0.isLetter || $0.isNumber || $0 == "." ? $0 : "_" })
        names[id] = name
        return name
    }

    private static func constrain(_ object: JSONValue, _ constraints: [String: [(String, JSONValue)]]) -> JSONValue {
        guard case .object(let pairs) = object, case .object(var props)? = object["properties"] else { return object }
        for i in props.indices { if let extra = constraints[props[i].0] { props[i].1 = props[i].1.merging(extra) } }
        return .object(pairs.map { $0.0 == "properties" ? ("properties", .object(props)) : $0 })
    }

    private static func cases<E: CaseIterable>(_ type: E.Type) -> (raw: [String], first: Any)? {
        let all = Array(type.allCases)
        let raw = all.compactMap { ($0 as? any RawRepresentable)?.rawValue as? String }
        guard let first = all.first, raw.count == all.count else { return nil }
        return (raw, first)
    }

    private static func emptyArray(_ type: any Decodable.Type) -> Any? {
        try? type.init(from: EmptyDecoder())
    }
}

/// Decodes every collection as empty: how a sample array or dictionary is made.
private struct EmptyDecoder: Decoder {
    var codingPath: [any CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }
    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        KeyedDecodingContainer(EmptyKeyed<Key>())
    }
    func unkeyedContainer() throws -> any UnkeyedDecodingContainer { EmptyUnkeyed() }
    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        throw DecodingError.typeMismatch(Any.self, .init(codingPath: [], debugDescription: "empty"))
    }

    struct EmptyUnkeyed: UnkeyedDecodingContainer {
        var codingPath: [any CodingKey] { [] }
        var count: Int? { 0 }
        var isAtEnd: Bool { true }
        var currentIndex: Int { 0 }
        mutating func decodeNil() throws -> Bool { true }
        mutating func decode<T: Decodable>(_ type: T.Type) throws -> T { throw end }
        mutating func nestedContainer<N: CodingKey>(keyedBy type: N.Type) throws -> KeyedDecodingContainer<N> {
            throw end
        }
        mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer { throw end }
        mutating func superDecoder() throws -> any Decoder { throw end }
        private var end: any Error {
            DecodingError.valueNotFound(Any.self, .init(codingPath: [], debugDescription: ""))
        }
    }

    struct EmptyKeyed<Key: CodingKey>: KeyedDecodingContainerProtocol {
        var codingPath: [any CodingKey] { [] }
        var allKeys: [Key] { [] }
        func contains(_ key: Key) -> Bool { false }
        func decodeNil(forKey key: Key) throws -> Bool { true }
        func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T { throw missing(key) }
        func nestedContainer<N: CodingKey>(keyedBy type: N.Type, forKey key: Key) throws -> KeyedDecodingContainer<N> {
            throw missing(key)
        }
        func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer { throw missing(key) }
        func superDecoder() throws -> any Decoder { EmptyDecoder() }
        func superDecoder(forKey key: Key) throws -> any Decoder { EmptyDecoder() }
        private func missing(_ key: Key) -> any Error {
            DecodingError.keyNotFound(key, .init(codingPath: [], debugDescription: ""))
        }
    }
}

/// The recording decoder: one per struct being reflected.
private final class ReflectingDecoder: Decoder {
    struct Property {
        var name: String
        var schema: JSONValue
        var required: Bool
    }

    let reflector: SchemaReflector
    var properties: [Property] = []
    var keyed = false
    var singleValue: JSONValue?
    var codingPath: [any CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    init(reflector: SchemaReflector) { self.reflector = reflector }

    func record(_ name: String, _ schema: JSONValue, required: Bool) {
        if let i = properties.firstIndex(where: { $0.name == name }) {
            properties[i].required = properties[i].required && required
            if !required { properties[i].schema = Self.nullable(properties[i].schema) }
        } else {
            properties.append(
                Property(name: name, schema: required ? schema : Self.nullable(schema), required: required))
        }
    }

    static func nullable(_ schema: JSONValue) -> JSONValue {
        // OpenAPI 3.0 cannot put `nullable` beside a `$ref`: wrap it.
        if schema["$ref"] != nil { return ["nullable": true, "allOf": [schema]] }
        return schema.merging([("nullable", true)])
    }

    func objectSchema() -> JSONValue? {
        guard keyed else { return nil }
        var pairs: [(String, JSONValue)] = [("type", "object")]
        let required = properties.filter(\.required).map { JSONValue.string($0.name) }
        if !required.isEmpty { pairs.append(("required", .array(required))) }
        pairs.append(("properties", .object(properties.map { ($0.name, $0.schema) })))
        return .object(pairs)
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        keyed = true
        return KeyedDecodingContainer(Keyed<Key>(decoder: self))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer { EmptyDecoder.EmptyUnkeyed() }

    func singleValueContainer() throws -> any SingleValueDecodingContainer { Single(decoder: self) }

    struct Keyed<Key: CodingKey>: KeyedDecodingContainerProtocol {
        let decoder: ReflectingDecoder
        var codingPath: [any CodingKey] { [] }
        var allKeys: [Key] { [] }
        func contains(_ key: Key) -> Bool { true }
        func decodeNil(forKey key: Key) throws -> Bool {
            // Asked whether it is null: the key may be null (or left out).
            if let i = decoder.properties.firstIndex(where: { $0.name == key.stringValue }) {
                decoder.properties[i].required = false
            }
            decoder.record(key.stringValue, [:], required: false)
            return false
        }
        func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
            let (schema, sample) = try decoder.reflector.reflect(type)
            let nullableKey = decoder.properties.first { $0.name == key.stringValue && !$0.required } != nil
            if let i = decoder.properties.firstIndex(where: { $0.name == key.stringValue }) {
                decoder.properties[i].schema = nullableKey ? ReflectingDecoder.nullable(schema) : schema
            } else {
                decoder.record(key.stringValue, schema, required: true)
            }
            guard let value = sample as? T else {
                throw SchemaReflectionError(type: "\(T.self)", reason: "no sample value")
            }
            return value
        }
        func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
            let (schema, _) = try decoder.reflector.reflect(type)
            decoder.record(key.stringValue, schema, required: false)
            return nil
        }
        func nestedContainer<N: CodingKey>(keyedBy type: N.Type, forKey key: Key) throws -> KeyedDecodingContainer<N> {
            throw SchemaReflectionError(type: "\(key.stringValue)", reason: "nested containers are not described")
        }
        func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
            throw SchemaReflectionError(type: "\(key.stringValue)", reason: "nested containers are not described")
        }
        func superDecoder() throws -> any Decoder { decoder }
        func superDecoder(forKey key: Key) throws -> any Decoder { decoder }
    }

    struct Single: SingleValueDecodingContainer {
        let decoder: ReflectingDecoder
        var codingPath: [any CodingKey] { [] }
        func decodeNil() -> Bool { false }
        func decode<T: Decodable>(_ type: T.Type) throws -> T {
            let (schema, sample) = try decoder.reflector.reflect(type)
            decoder.singleValue = schema
            guard let value = sample as? T else {
                throw SchemaReflectionError(type: "\(T.self)", reason: "no sample value")
            }
            return value
        }
    }
}

/// The ranges `SupervisionRules.problems` checks, stated for the API's readers (the window-to-leader
/// bound depends on another field and stays a 422). `PerLevel<Int>` is only ever days in rules; counts
/// by level go out as `LevelCounts`.
extension SupervisionRules: SchemaConstraints {
    static var constraints: [String: [(String, JSONValue)]] {
        [
            "dueDay": [("minimum", 1), ("maximum", 31)], "weeklyDueWeekday": [("minimum", 1), ("maximum", 7)],
            "remindDaysBefore": [("minimum", 0), ("maximum", 30)],
            "reminderWindowDays": [("minimum", 1), ("maximum", 60)],
            "leaderAfterDaysLate": [("minimum", 1), ("maximum", 60)],
            "missedAfterDays": [("minimum", 0), ("maximum", 60)],
            "behindThreshold": [("minimum", 0.01), ("maximum", 1)],
        ]
    }
}

extension PerLevel: SchemaConstraints where T == Int {
    /// Days for each level of notice: 1 to 90.
    static var constraints: [String: [(String, JSONValue)]] {
        Dictionary(uniqueKeysWithValues: NoticeLevel.allCases.map { ($0.rawValue, [("minimum", 1), ("maximum", 90)]) })
    }
}
