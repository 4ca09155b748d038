import LuoshiCore
import Testing

@Suite("客户端地址 (who sent a request, behind a proxy)")
struct ClientAddressTests {
    @Test("地址按标准写法解析，一个地址只有一种写法 (addresses parsed strictly, one spelling each)")
    func parsing() {
        #expect(IPAddress.parse("203.0.113.9") == [203, 0, 113, 9])
        for bad in [
            "203.0.113", "203.0.113.256", "0x7f.0.0.1", "010.0.0.1", "1.2.3.4 ", "", "::1::", ":::",
            "1:2:3:4:5:6:7:8:9",
        ] {
            #expect(IPAddress.parse(bad) == nil, "\(bad)")
        }
        let cases: [(String, String)] = [
            ("2001:DB8:0:0:1:0:0:1", "2001:db8::1:0:0:1"),
            ("[2001:db8::1]", "2001:db8::1"),
            ("fe80::1%eth0", "fe80::1"),
            ("::", "::"),
            ("::1", "::1"),
            ("::ffff:198.51.100.7", "198.51.100.7"),
            ("64:ff9b::192.0.2.1", "64:ff9b::c000:201"),
            ("2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1"),
        ]
        for (text, usual) in cases {
            #expect(IPAddress.parse(text).map(IPAddress.format) == usual, "\(text)")
        }
    }

    @Test("网段 (networks)")
    func networks() throws {
        let ten = try #require(IPNetwork("10.0.0.0/8"))
        #expect(ten.contains([10, 200, 1, 1]))
        #expect(!ten.contains([11, 0, 0, 1]))
        let odd = try #require(IPNetwork("172.16.0.0/12"))
        #expect(odd.contains([172, 31, 255, 255]))
        #expect(!odd.contains([172, 32, 0, 0]))
        let six = try #require(IPNetwork("2001:db8::/32"))
        #expect(six.contains(IPAddress.parse("2001:db8:ffff::1")!))
        #expect(!six.contains(IPAddress.parse("2001:db9::1")!))
        #expect(!six.contains([10, 0, 0, 1]))
        #expect(IPNetwork("::ffff:10.0.0.0/104") == IPNetwork("10.0.0.0/8"))
        for bad in ["10.0.0.0/33", "10.0.0.0/", "10.0.0.0/-1", "nginx", "10.0.0.0/8/8"] {
            #expect(IPNetwork(bad) == nil, "\(bad)")
        }
        #expect(IPNetwork.list(" 127.0.0.1, 10.0.0.0/8 ,,") == .success([IPNetwork("127.0.0.1")!, ten]))
        #expect(IPNetwork.list("127.0.0.1, proxy.local") == .failure(.init(text: "proxy.local")))
    }

    @Test("只信任运营者列出的代理 (X-Forwarded-For is read only from proxies the operator names)")
    func forwarding() {
        let proxies = [IPNetwork("127.0.0.1")!, IPNetwork("10.0.0.0/8")!]
        // No proxies named: the header is anyone's text.
        #expect(ClientAddress.resolve(peer: "198.51.100.7", forwardedFor: ["1.2.3.4"], trusted: []) == "198.51.100.7")
        // A client that is not a proxy cannot name another address.
        #expect(
            ClientAddress.resolve(peer: "198.51.100.7", forwardedFor: ["1.2.3.4"], trusted: proxies) == "198.51.100.7")
        // Through nginx on the same machine.
        #expect(
            ClientAddress.resolve(peer: "127.0.0.1", forwardedFor: ["198.51.100.7"], trusted: proxies) == "198.51.100.7"
        )
        // The client wrote its own header first; only the address the proxy appended counts.
        #expect(
            ClientAddress.resolve(peer: "127.0.0.1", forwardedFor: ["1.2.3.4, 198.51.100.7"], trusted: proxies)
                == "198.51.100.7")
        // Two proxies (a balancer, then nginx), headers split over two lines.
        #expect(
            ClientAddress.resolve(
                peer: "127.0.0.1", forwardedFor: ["1.2.3.4, 198.51.100.7", "10.1.2.3"], trusted: proxies)
                == "198.51.100.7")
        // Garbage the client put in is never taken as an address; the last proxy speaks for it.
        #expect(
            ClientAddress.resolve(peer: "127.0.0.1", forwardedFor: ["evil, 10.1.2.3"], trusted: proxies) == "10.1.2.3")
        // A proxy with no header is its own client.
        #expect(ClientAddress.resolve(peer: "127.0.0.1", forwardedFor: [], trusted: proxies) == "127.0.0.1")
        // IPv6 clients keep one spelling.
        #expect(
            ClientAddress.resolve(peer: "127.0.0.1", forwardedFor: ["2001:DB8:0::7"], trusted: proxies) == "2001:db8::7"
        )
    }

    @Test("失败登录按 IPv4 地址或 IPv6 /64 计 (failed sign-ins counted per IPv4 address or IPv6 /64)")
    func throttleKeys() {
        #expect(ClientAddress.throttleKey("198.51.100.7") == "198.51.100.7")
        #expect(ClientAddress.throttleKey("::ffff:198.51.100.7") == "198.51.100.7")
        #expect(ClientAddress.throttleKey("2001:db8:1:2:aaaa::1") == "2001:db8:1:2::/64")
        #expect(ClientAddress.throttleKey("2001:db8:1:2:bbbb::9") == "2001:db8:1:2::/64")
        #expect(ClientAddress.throttleKey("2001:db8:1:3::1") == "2001:db8:1:3::/64")
        #expect(ClientAddress.throttleKey("unknown") == "unknown")
    }
}
