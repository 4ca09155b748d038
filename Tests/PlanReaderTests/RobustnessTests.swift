import Foundation
import LuoshiCore
import PlanReader
import Testing

/// A small seeded generator, so a failing case can be replayed.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// No input crashes the reader: each run ends with a plan or a clear `DocumentError`.
@Suite("健壮性 (robustness)")
struct RobustnessTests {
    /// Reads and checks the invariants every plan must hold.
    func readChecked(_ data: Data) -> PlanDocument? {
        do {
            let plan = try PlanReader.read(data, name: "fuzz")
            for t in plan.targets {
                #expect(t.span.start <= t.span.end && t.span.end <= plan.source.characters)
                #expect(!t.quantityText.isEmpty)
                #expect(t.value != nil || (t.valueMin != nil && t.valueMax != nil))
            }
            // The plan always encodes.
            #expect((try? JSONEncoder().encode(plan)) != nil)
            return plan
        } catch {
            #expect(!error.message.isEmpty)
            return nil
        }
    }

    @Test("随机字节 (random bytes)")
    func randomBytes() {
        var rng = SplitMix64(state: 20_150_123)
        for round in 0..<300 {
            let count = Int.random(in: 0..<(round % 10 == 0 ? 20_000 : 600), using: &rng)
            let bytes = (0..<count).map { _ in UInt8.random(in: 0...255, using: &rng) }
            _ = readChecked(Data(bytes))
        }
    }

    @Test("随机中文与标点 (random Chinese text and punctuation)")
    func randomText() {
        var rng = SplitMix64(state: 42)
        let alphabet = Array(
            "一二三四五六七八九十百千万亿零两点、。，,；：:“”（）()—-~%％‰0123456789．.年月日个万元亿元平方米公里以上以内左右约至少不低于第增长新增建设\n\n \t|#*-PMA号强级"
                .unicodeScalars)
        for _ in 0..<400 {
            let n = Int.random(in: 0..<400, using: &rng)
            var s = String.UnicodeScalarView()
            for _ in 0..<n { s.append(alphabet[Int.random(in: 0..<alphabet.count, using: &rng)]) }
            _ = readChecked(Data(String(s).utf8))
        }
    }

    @Test("截断的文档 (truncated documents)")
    func truncated() throws {
        let data = try Data(contentsOf: Paths.zhangzhishan)
        var rng = SplitMix64(state: 7)
        for _ in 0..<150 {
            let cut = Int.random(in: 0..<data.count, using: &rng)
            _ = readChecked(data.prefix(cut))
        }
    }

    @Test("在真实文本中随机插入换行 (real text with random line breaks inserted)")
    func randomLineBreaks() throws {
        let text = String(decoding: try Data(contentsOf: Paths.zhangzhishan), as: UTF8.self)
        let original = try PlanReader.read(text: text)
        let originalValues = original.targets.compactMap(\.value)
        var rng = SplitMix64(state: 2015)
        var kept: [Double] = []
        for _ in 0..<40 {
            var scalars = Array(text.unicodeScalars)
            for _ in 0..<60 {
                scalars.insert("\n", at: Int.random(in: 0...scalars.count, using: &rng))
            }
            let damaged = String(String.UnicodeScalarView(scalars))
            guard let plan = readChecked(Data(damaged.utf8)) else {
                Issue.record("damaged text was refused")
                continue
            }
            var remaining = plan.targets.compactMap(\.value)
            var found = 0
            for v in originalValues {
                if let i = remaining.firstIndex(of: v) {
                    remaining.remove(at: i)
                    found += 1
                }
            }
            kept.append(Double(found) / Double(originalValues.count))
        }
        // Breaks inside words cannot all be told from paragraph ends; most figures must survive.
        let mean = kept.reduce(0, +) / Double(kept.count)
        #expect(mean >= 0.8, "mean share of targets kept: \(mean)")
    }
}
