import Foundation
import LuoshiCore
import Vapor

/// The stylesheet, `Assets/app.css`: a resource of this module, found beside the binary
/// (`Luoshi_LuoshiServer.resources`, which SwiftPM puts next to every product it builds and which an
/// install copies with the binary) and read once at start, with its digest as the ETag.
struct Stylesheet: Sendable {
    var css: String
    var etag: String

    static let resourceBundle = "Luoshi_LuoshiServer.resources"

    /// Where it may be: beside the running binary, beside the test bundle, or in the source tree of a
    /// development checkout.
    static func candidates() -> [URL] {
        let executable = URL(fileURLWithPath: CommandLine.arguments.first ?? ".").resolvingSymlinksInPath()
            .deletingLastPathComponent()
        return [
            Bundle.main.bundleURL.appendingPathComponent(resourceBundle),
            executable.appendingPathComponent(resourceBundle),
            URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent(),
        ].map { $0.appendingPathComponent("Assets/app.css") }
    }

    static func load() throws -> Stylesheet {
        for url in candidates() {
            if let data = FileManager.default.contents(atPath: url.path), let css = String(data: data, encoding: .utf8)
            {
                return Stylesheet(css: css, etag: "\"" + String(Fingerprint.sha256Hex(data).prefix(16)) + "\"")
            }
        }
        throw LuoshiError.invalid(
            field: "Assets/app.css",
            reason:
                "找不到样式表，请把 \(resourceBundle) 与 luoshi 放在同一目录 (the stylesheet was not found: keep \(resourceBundle) beside the binary)"
        )
    }
}

struct StylesheetKey: StorageKey { typealias Value = Stylesheet }
