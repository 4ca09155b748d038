import Foundation
import Vapor

/// Where the server may send a browser on the word of a request (a sign-in's `next`, the page a form
/// came from): only to a page of this site that a route serves. Anything else, however it is spelt
/// (`//host`, `/\host`, a tab, an encoded slash, CR/LF), is not a page of this site and goes home.
struct KnownPages: Sendable {
    /// The GET routes' paths, each a list of constant parts and parameters (nil).
    let patterns: [[String?]]

    init(_ routes: Routes) {
        patterns = routes.all.filter { $0.method == .GET && !$0.refusesMethod }.map { route in
            route.path.map { component -> String? in
                if case .constant(let s) = component { return s }
                return nil
            }
        }
    }

    /// The path itself when it is a page of this site, else nil.
    func page(_ raw: String?) -> String? {
        guard let raw, raw.hasPrefix("/"), raw.count <= 512,
            raw.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F && $0 != "\\" }),
            !raw.hasPrefix("//")
        else { return nil }
        let (path, query) =
            raw.firstIndex(of: "?").map { (String(raw[..<$0]), String(raw[$0...])) } ?? (raw, "")
        // Paths are matched as they are sent: an encoded character in a path is not a page here.
        guard !path.contains("%"), !query.contains("#") else { return nil }
        let parts = path.split(separator: "/", omittingEmptySubsequences: false).dropFirst().map(String.init)
        if parts.contains(where: { $0.isEmpty || $0 == "." || $0 == ".." }) && path != "/" { return nil }
        let segments = path == "/" ? [] : parts
        let known = patterns.contains { pattern in
            pattern.count == segments.count
                && zip(pattern, segments).allSatisfy { p, s in p == nil || p == s }
        }
        return known ? raw : nil
    }
}

struct KnownPagesKey: StorageKey { typealias Value = KnownPages }

extension Request {
    /// The path when it is a page of this site, else nil.
    func knownPage(_ raw: String?) -> String? { application.storage[KnownPagesKey.self]?.page(raw) }

    /// A page of this site named by the request, or the home page.
    func localPage(_ raw: String?) -> String { knownPage(raw) ?? "/" }
}
