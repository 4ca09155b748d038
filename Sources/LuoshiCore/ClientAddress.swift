/// Who sent a request, when a reverse proxy (nginx, a load balancer) stands between the client and
/// the server: the connection then comes from the proxy, and the client's address is in the
/// `X-Forwarded-For` header the proxy adds to. Anyone can write that header, so it is read only from
/// proxies the operator names, and only as far back as the proxies it names: the first address,
/// counting from the right, that is not one of them is the client.
public enum ClientAddress {
    /// The client of a request that came from `peer` carrying these `X-Forwarded-For` values (every
    /// occurrence of the header, in order). With no trusted proxies, or from a peer that is not one,
    /// the peer is the client, whatever the header says.
    public static func resolve(peer: String, forwardedFor: [String], trusted: [IPNetwork]) -> String {
        guard !trusted.isEmpty, let peerBytes = IPAddress.parse(peer),
            trusted.contains(where: { $0.contains(peerBytes) })
        else { return peer }
        let hops = forwardedFor.flatMap { $0.split(separator: ",") }.map { $0.trimmingSpaces }
        var client = peer
        for hop in hops.reversed() {
            // An entry the proxy did not write in address form is the client's own text: stop at the
            // proxy that passed it on.
            guard let bytes = IPAddress.parse(hop) else { break }
            client = IPAddress.format(bytes)
            if !trusted.contains(where: { $0.contains(bytes) }) { break }
        }
        return client
    }

    /// What failed sign-ins are counted against: the address itself for IPv4, and the /64 network for
    /// IPv6, since one subscriber is given a whole /64 and could otherwise take a fresh address for
    /// every guess. An IPv4 address in IPv6 dress counts as that IPv4 address.
    public static func throttleKey(_ address: String) -> String {
        guard let bytes = IPAddress.parse(address) else { return address }
        guard bytes.count == 16 else { return IPAddress.format(bytes) }
        return IPAddress.format(Array(bytes[0..<8]) + Array(repeating: 0, count: 8)) + "/64"
    }
}

/// An IPv4 or IPv6 address as its bytes (4 or 16), parsed strictly: dotted decimal for IPv4, the
/// RFC 4291 text forms for IPv6 (with `::`, an IPv4 tail, brackets and a zone id allowed).
public enum IPAddress {
    public static func parse(_ text: String) -> [UInt8]? {
        var s = Substring(text)
        if s.hasPrefix("["), s.hasSuffix("]") { s = s.dropFirst().dropLast() }
        if let zone = s.firstIndex(of: "%") { s = s[..<zone] }
        if !s.contains(":") { return parseIPv4(s) }
        guard let mapped = parseIPv6(s) else { return nil }
        // ::ffff:a.b.c.d is the IPv4 address it carries (how dual-stack sockets report IPv4 clients).
        if mapped[0..<10].allSatisfy({ $0 == 0 }) && mapped[10] == 0xFF && mapped[11] == 0xFF {
            return Array(mapped[12..<16])
        }
        return mapped
    }

    static func parseIPv4(_ s: Substring) -> [UInt8]? {
        let parts = s.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var bytes: [UInt8] = []
        for part in parts {
            guard (1...3).contains(part.count), part.allSatisfy({ $0.isASCII && $0.isNumber }),
                part.count == 1 || part.first != "0", let value = UInt8(part)
            else { return nil }
            bytes.append(value)
        }
        return bytes
    }

    static func parseIPv6(_ s: Substring) -> [UInt8]? {
        let gaps = Array(s.ranges(of: "::"))
        guard gaps.count <= 1 else { return nil }
        let halves = gaps.first.map { [s[..<$0.lowerBound], s[$0.upperBound...]] } ?? [s]
        func groups(_ text: Substring, allowIPv4Tail: Bool) -> [UInt8]? {
            if text.isEmpty { return [] }
            var bytes: [UInt8] = []
            let parts = text.split(separator: ":", omittingEmptySubsequences: false)
            for (i, part) in parts.enumerated() {
                if i == parts.count - 1, allowIPv4Tail, part.contains(".") {
                    guard let v4 = parseIPv4(part) else { return nil }
                    bytes += v4
                } else {
                    guard (1...4).contains(part.count), let value = UInt16(part, radix: 16) else { return nil }
                    bytes += [UInt8(value >> 8), UInt8(value & 0xFF)]
                }
            }
            return bytes
        }
        if halves.count == 1 {
            guard let bytes = groups(halves[0], allowIPv4Tail: true), bytes.count == 16 else { return nil }
            return bytes
        }
        guard let head = groups(halves[0], allowIPv4Tail: false), let tail = groups(halves[1], allowIPv4Tail: true),
            head.count + tail.count <= 14
        else { return nil }
        return head + Array(repeating: 0, count: 16 - head.count - tail.count) + tail
    }

    /// The usual text of an address: dotted decimal, or lowercase IPv6 with the longest run of zero
    /// groups (two or more) shortened to `::` (RFC 5952), so that one address has one spelling.
    public static func format(_ bytes: [UInt8]) -> String {
        if bytes.count == 4 { return bytes.map(String.init).joined(separator: ".") }
        let groups = stride(from: 0, to: 16, by: 2).map { UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1]) }
        var best = (start: -1, length: 0)
        var i = 0
        while i < 8 {
            guard groups[i] == 0 else {
                i += 1
                continue
            }
            var j = i
            while j < 8 && groups[j] == 0 { j += 1 }
            if j - i > best.length && j - i >= 2 { best = (i, j - i) }
            i = j
        }
        let hex = groups.map { String($0, radix: 16) }
        guard best.start >= 0 else { return hex.joined(separator: ":") }
        let left = hex[..<best.start].joined(separator: ":")
        let right = hex[(best.start + best.length)...].joined(separator: ":")
        return left + "::" + right
    }
}

/// A network in CIDR form (`10.0.0.0/8`, `2001:db8::/32`), or one address (`127.0.0.1`).
public struct IPNetwork: Sendable, Equatable {
    public let base: [UInt8]
    public let prefix: Int

    public init?(_ text: String) {
        let parts = text.trimmingSpaces.split(separator: "/", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), let base = IPAddress.parse(String(parts[0])) else { return nil }
        let bits = parts[0].contains(":") ? 128 : 32
        if parts.count == 2 {
            guard parts[1].allSatisfy({ $0.isASCII && $0.isNumber }), let prefix = Int(parts[1]), prefix <= bits
            else { return nil }
            // A /n written on an IPv4-mapped address keeps meaning the same IPv4 addresses.
            self.prefix = parts[0].contains(":") && base.count == 4 ? max(0, prefix - 96) : prefix
        } else {
            self.prefix = base.count * 8
        }
        self.base = base
    }

    public func contains(_ address: [UInt8]) -> Bool {
        guard address.count == base.count else { return false }
        var remaining = prefix
        for (a, b) in zip(address, base) where remaining > 0 {
            let mask: UInt8 = remaining >= 8 ? 0xFF : ~(0xFF >> UInt8(remaining))
            if a & mask != b & mask { return false }
            remaining -= 8
        }
        return true
    }

    /// A comma-separated list, as `LUOSHI_TRUSTED_PROXIES` gives it; nil names the first entry that is
    /// not an address or a network, so that a typo stops the server at start rather than trusting less.
    public static func list(_ text: String) -> Result<[IPNetwork], BadEntry> {
        var networks: [IPNetwork] = []
        for entry in text.split(separator: ",").map({ $0.trimmingSpaces }) where !entry.isEmpty {
            guard let network = IPNetwork(entry) else { return .failure(BadEntry(text: entry)) }
            networks.append(network)
        }
        return .success(networks)
    }

    public struct BadEntry: Error, Equatable, Sendable {
        public let text: String
        public init(text: String) { self.text = text }
    }
}

extension StringProtocol {
    fileprivate var trimmingSpaces: String {
        String(drop(while: { $0 == " " || $0 == "\t" }).reversed().drop(while: { $0 == " " || $0 == "\t" }).reversed())
    }
}
