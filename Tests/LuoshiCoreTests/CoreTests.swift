import Foundation
import LuoshiCore
import Testing

@Suite("核心 (core)")
struct CoreTests {
    @Test("SHA-256 与标准测试向量一致 (SHA-256 matches the FIPS 180-4 vectors)")
    func sha256() {
        #expect(Fingerprint.sha256Hex([UInt8]()) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(
            Fingerprint.sha256Hex(Array("abc".utf8))
                == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(
            Fingerprint.sha256Hex(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        #expect(
            Fingerprint.sha256Hex([UInt8](repeating: 0x61, count: 1_000_000))
                == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test("luoshi-plan/1：未给出的字段写作 null 而不省略 (absent fields are null, never left out)")
    func nullsAreWritten() throws {
        let plan = PlanDocument(
            source: PlanSource(name: "a.txt", sha256: "x", encoding: "UTF-8", characters: 3),
            targets: [
                PlanTarget(
                    id: "t1", section: nil, headline: true, text: "增长8%", quantityText: "8%", subject: nil, action: nil,
                    comparator: .equal, value: 8, valueMin: nil, valueMax: nil, unit: "%", per: nil, year: nil,
                    scope: nil,
                    span: Span(start: 2, end: 4))
            ])
        let json = try #require(try JSONSerialization.jsonObject(with: JSONEncoder().encode(plan)) as? [String: Any])
        for key in [
            "format", "title", "issuer", "year", "published", "source", "planSection", "sections", "targets",
            "projects", "mechanisms",
        ] {
            #expect(json.keys.contains(key), "\(key)")
        }
        #expect(json["format"] as? String == "luoshi-plan/1")
        #expect(json["title"] is NSNull)
        let target = try #require((json["targets"] as? [[String: Any]])?.first)
        for key in [
            "id", "section", "headline", "text", "quantityText", "subject", "action", "comparator", "value", "valueMin",
            "valueMax", "unit", "per", "year", "scope", "baseline", "span",
        ] {
            #expect(target.keys.contains(key), "\(key)")
        }
        #expect(target["valueMin"] is NSNull)
        #expect(target["baseline"] is NSNull)
        #expect(target["comparator"] as? String == "=")
        // And it reads back the same.
        let back = try JSONDecoder().decode(PlanDocument.self, from: JSONEncoder().encode(plan))
        #expect(back == plan)
    }

    @Test("基数：每个字段都写出，读回不变 (a baseline writes every field and reads back the same)")
    func baselineFields() throws {
        var target = PlanTarget(
            id: "t1", section: "1", headline: false, text: "森林覆盖率从41%提高到43%", quantityText: "43%",
            subject: "森林覆盖率", action: "提高到", comparator: .equal, value: 43, valueMin: nil, valueMax: nil, unit: "%",
            per: nil, year: 2016, scope: nil, span: Span(start: 12, end: 15),
            baseline: TargetBaseline(value: 41, unit: "%", span: Span(start: 6, end: 9)))
        let json = try #require(try JSONSerialization.jsonObject(with: JSONEncoder().encode(target)) as? [String: Any])
        let baseline = try #require(json["baseline"] as? [String: Any])
        #expect(Set(baseline.keys) == ["value", "unit", "year", "span"])
        #expect(baseline["value"] as? Double == 41)
        #expect(baseline["year"] is NSNull)
        #expect(try JSONDecoder().decode(PlanTarget.self, from: JSONEncoder().encode(target)) == target)
        // A document written before baselines existed still reads: the field is then nil.
        target.baseline = nil
        var old = json
        old.removeValue(forKey: "baseline")
        let decoded = try JSONDecoder().decode(PlanTarget.self, from: JSONSerialization.data(withJSONObject: old))
        #expect(decoded == target)
    }

    @Test("比较符的取值与格式一致 (comparator values as the format spells them)")
    func comparators() {
        #expect(TargetComparator.allCases.map(\.rawValue) == [">=", "<=", "=", "~", "range"])
    }
}

@Suite("对外地址 (outbound addresses)")
struct OutboundAddressTests {
    @Test("只有公网地址可以发送 (only public addresses may be called)")
    func publicOnly() {
        let inside: [[UInt8]] = [
            [127, 0, 0, 1], [10, 0, 0, 5], [172, 16, 0, 1], [172, 31, 255, 255], [192, 168, 1, 1],
            [169, 254, 169, 254], [100, 64, 0, 1], [0, 0, 0, 0], [255, 255, 255, 255], [224, 0, 0, 1],
            [198, 18, 0, 1], [192, 0, 2, 1],
            Array(repeating: 0, count: 15) + [1],  // ::1
            Array(repeating: 0, count: 16),  // ::
            Array(repeating: 0, count: 10) + [0xFF, 0xFF, 127, 0, 0, 1],  // ::ffff:127.0.0.1
            Array(repeating: 0, count: 10) + [0xFF, 0xFF, 10, 1, 2, 3],  // ::ffff:10.1.2.3
            [0xFE, 0x80] + Array(repeating: 0, count: 13) + [1],  // fe80::1
            [0xFD, 0x12] + Array(repeating: 0, count: 14),  // fd12::
            [0x00, 0x64, 0xFF, 0x9B] + Array(repeating: 0, count: 8) + [192, 168, 0, 1],  // NAT64 of a private address
            [0x20, 0x02, 10, 0, 0, 1] + Array(repeating: 0, count: 10),  // 6to4 of 10.0.0.1
            [1, 2, 3],
        ]
        for address in inside { #expect(!OutboundAddress.isPublic(address), "\(address)") }
        let outside: [[UInt8]] = [
            [8, 8, 8, 8], [223, 5, 5, 5], [172, 32, 0, 1], [100, 128, 0, 1], [192, 169, 0, 1],
            [0x24, 0x0E, 0x03, 0x91] + Array(repeating: 0, count: 11) + [1],  // 240e:391::1
            Array(repeating: 0, count: 10) + [0xFF, 0xFF, 8, 8, 4, 4],
        ]
        for address in outside { #expect(OutboundAddress.isPublic(address), "\(address)") }
    }
}
