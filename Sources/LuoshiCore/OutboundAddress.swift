/// Where the server may send a notification: only to addresses of the public internet. A webhook set to
/// `http://127.0.0.1:5432/` or `http://169.254.169.254/` (a cloud's metadata service) would otherwise
/// make Luoshi a tool for reaching what sits behind its own firewall.
public enum OutboundAddress {
    /// Whether an address (4 bytes for IPv4, 16 for IPv6, as the resolver gives them) is one the
    /// public internet routes: not loopback, private, shared (carrier NAT), link-local, multicast,
    /// unspecified, reserved for documentation or benchmarks, nor an IPv6 form of such an IPv4 address.
    public static func isPublic(_ bytes: [UInt8]) -> Bool {
        switch bytes.count {
        case 4: return isPublicIPv4(bytes)
        case 16: return isPublicIPv6(bytes)
        default: return false
        }
    }

    static func isPublicIPv4(_ b: [UInt8]) -> Bool {
        let (a, c) = (b[0], b[1])
        switch a {
        case 0, 10, 127: return false  // this network, private, loopback
        case 100 where (64...127).contains(c): return false  // shared address space (RFC 6598)
        case 169 where c == 254: return false  // link-local, where cloud metadata services listen
        case 172 where (16...31).contains(c): return false  // private
        case 192 where c == 168: return false  // private
        case 192 where c == 0 && (b[2] == 0 || b[2] == 2): return false  // IETF protocol, TEST-NET-1
        case 198 where c == 18 || c == 19: return false  // benchmarking
        case 198 where c == 51 && b[2] == 100: return false  // TEST-NET-2
        case 203 where c == 0 && b[2] == 113: return false  // TEST-NET-3
        case 224...255: return false  // multicast, reserved, broadcast
        default: return true
        }
    }

    static func isPublicIPv6(_ b: [UInt8]) -> Bool {
        // An IPv4 address in IPv6 dress (mapped ::ffff:a.b.c.d, compatible ::a.b.c.d, NAT64 64:ff9b::/96)
        // is judged as the IPv4 address it carries.
        if b[0..<10].allSatisfy({ $0 == 0 })
            && (b[10..<12].allSatisfy { $0 == 0xFF } || b[10..<12].allSatisfy { $0 == 0 })
        {
            if b[0..<16].dropLast().allSatisfy({ $0 == 0 }) { return false }  // :: and ::1
            return isPublicIPv4(Array(b[12..<16]))
        }
        if b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xFF && b[3] == 0x9B { return isPublicIPv4(Array(b[12..<16])) }
        if b[0] & 0xFE == 0xFC { return false }  // unique local fc00::/7
        if b[0] == 0xFE && b[1] & 0xC0 == 0x80 { return false }  // link-local fe80::/10
        if b[0] == 0xFE && b[1] & 0xC0 == 0xC0 { return false }  // site-local (deprecated) fec0::/10
        if b[0] == 0xFF { return false }  // multicast
        if b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0D && b[3] == 0xB8 { return false }  // documentation
        if b[0] == 0x20 && b[1] == 0x02 { return isPublicIPv4(Array(b[2..<6])) }  // 6to4 carries an IPv4
        return true
    }
}
