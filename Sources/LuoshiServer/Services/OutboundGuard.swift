import Foundation
import LuoshiCore
import NIOPosix
import Vapor

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The check before Luoshi calls a webhook: the target's name is resolved, and every address it
/// resolves to must be on the public internet (`OutboundAddress`), unless the operator named the host
/// in `LUOSHI_WEBHOOK_ALLOW` (an intranet 政务 robot gateway, say). Redirects are never followed
/// (`Configure`), so a public host cannot bounce the call inward either.
///
/// What remains: a name that resolves to a public address here and to a private one a moment later,
/// when the client resolves it again (DNS rebinding). An office that must close that too sends its
/// webhooks through an egress proxy; SECURITY.md says so.
enum OutboundGuard {
    static let refusedWords = "目标地址属于内网、本机或保留地址，不予发送 (private, loopback, link-local or reserved address refused)"

    /// Why the target may not be called, or nil when it may.
    static func refusal(_ target: String, allowed: Set<String>, pool: NIOThreadPool) async -> String? {
        guard let host = host(of: target) else { return "地址无效 (invalid address)" }
        if allowed.contains(host) { return nil }
        let addresses = (try? await pool.runIfActive { resolve(host) }) ?? []
        guard !addresses.isEmpty else { return "无法解析域名 (the host name does not resolve)" }
        return addresses.allSatisfy(OutboundAddress.isPublic) ? nil : refusedWords
    }

    /// What can be told without the network, when a channel is set up: `localhost`, or an address
    /// literal that is not public.
    static func plainlyInternal(_ target: String, allowed: Set<String>) -> Bool {
        guard let host = host(of: target), !allowed.contains(host) else { return false }
        if host == "localhost" || host.hasSuffix(".localhost") { return true }
        guard let literal = addressLiteral(host) else { return false }
        return !OutboundAddress.isPublic(literal)
    }

    /// The URL's host, lowercased, without an IPv6 literal's brackets or a trailing dot.
    static func host(of target: String) -> String? {
        guard var host = URL(string: target)?.host?.lowercased(), !host.isEmpty else { return nil }
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        while host.hasSuffix(".") { host.removeLast() }
        return host.isEmpty ? nil : host
    }

    /// The bytes of an IPv4 or IPv6 literal, in any spelling the system's parser accepts.
    private static func addressLiteral(_ host: String) -> [UInt8]? {
        var v4 = in_addr()
        if inet_aton(host, &v4) != 0 { return withUnsafeBytes(of: &v4) { Array($0) } }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, host, &v6) == 1 { return withUnsafeBytes(of: &v6) { Array($0) } }
        return nil
    }

    /// Every address a name resolves to (a blocking call: run it on the thread pool).
    static func resolve(_ host: String) -> [[UInt8]] {
        var hints = addrinfo()
        #if canImport(Glibc)
            hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        #else
            hints.ai_socktype = SOCK_STREAM
        #endif
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, nil, &hints, &list) == 0, let first = list else { return [] }
        defer { freeaddrinfo(first) }
        var addresses: [[UInt8]] = []
        var next: UnsafeMutablePointer<addrinfo>? = first
        while let info = next {
            if let address = info.pointee.ai_addr {
                switch info.pointee.ai_family {
                case AF_INET:
                    address.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { sin in
                        var a = sin.pointee.sin_addr
                        addresses.append(withUnsafeBytes(of: &a) { Array($0) })
                    }
                case AF_INET6:
                    address.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { sin6 in
                        var a = sin6.pointee.sin6_addr
                        addresses.append(withUnsafeBytes(of: &a) { Array($0) })
                    }
                default: break
                }
            }
            next = info.pointee.ai_next
        }
        return addresses
    }
}
