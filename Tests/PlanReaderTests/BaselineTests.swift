import Foundation
import LuoshiCore
import PlanReader
import Testing

/// The starting point a plan states for a target (从…提高到, 由…增加到, 比…的), in sentences written for these tests.
@Suite("基数 (a target's baseline)")
struct BaselineTests {
    /// The one target of a sentence, with its baseline.
    func target(_ sentence: String, year: Int = 2016) throws -> PlanTarget {
        let found = try targets(in: sentence, year: year)
        #expect(found.count == 1, "\(sentence) gave \(found.map(\.quantityText))")
        return try #require(found.first)
    }

    @Test("从…提高到：基数不是目标，挂在目标上 (从…提高到: the baseline belongs to the target)")
    func fromRaiseTo() throws {
        let sentence = "全区绿化覆盖率从41.5%提高到43%。"
        let t = try target(sentence)
        #expect(t.value == 43)
        #expect(t.subject == "全区绿化覆盖率" || t.subject == "绿化覆盖率")
        let b = try #require(t.baseline)
        #expect(b.value == 41.5)
        #expect(b.unit == "%")
        #expect(b.year == nil)
        // The span points at the baseline's words in the source.
        let text = "测试镇2016年工作计划\n一、测试领域\n\(sentence)\n"
        #expect(sourceText(text, try #require(b.span)) == "41.5%")
    }

    @Test("由…增加到 (由…增加到)")
    func byIncreaseTo() throws {
        let t = try target("年内农村集体经济合作社由26家增加到35家。")
        #expect(t.value == 35)
        #expect(t.unit == "家")
        #expect(t.baseline?.value == 26)
        #expect(t.baseline?.unit == "家")
    }

    @Test("由…下降到：下降的目标也有基数 (a falling target)")
    func byFallTo() throws {
        let t = try target("农村义务教育辍学率由1.2‰下降到0.8‰以下。")
        #expect(t.value == 0.8)
        #expect(t.comparator == .atMost)
        #expect(t.baseline?.value == 1.2)
        #expect(t.baseline?.unit == "‰")
        let fall = try target("重点工业企业单位产值能耗由0.62吨标准煤降至0.58吨标准煤。")
        #expect(fall.value == 0.58)
        #expect(fall.baseline?.value == 0.62)
    }

    @Test("比2014年的X增加到Y：基数的年份 (比…的: the baseline's year)")
    func comparedWithYear() throws {
        let t = try target("城区公共自行车租赁点比2014年的48个增加到70个。", year: 2015)
        #expect(t.value == 70)
        #expect(t.baseline?.value == 48)
        #expect(t.baseline?.year == 2014)
        #expect(t.subject == "城区公共自行车租赁点")
        // 比上年的: the year before the plan's.
        let last = try target("村级便民服务点比上年的120个增加到150个。", year: 2017)
        #expect(last.baseline?.value == 120)
        #expect(last.baseline?.year == 2016)
    }

    @Test("百分比与个百分点：单位不同，基数为空 (a percent baseline and a change in 个百分点)")
    func percentagePoints() throws {
        let found = try targets(in: "服务业增加值比重由46.5%提高到48%，比上年提高1.5个百分点。")
        #expect(found.map(\.value) == [48, 1.5])
        #expect(found[0].baseline?.value == 46.5)
        #expect(found[0].baseline?.unit == "%")
        #expect(found[1].unit == "个百分点")
        #expect(found[1].baseline == nil)
        // A change in percentage points from a percentage: the baseline is no target, and not comparable.
        let change = try target("高效设施农业占比从35%提高3个百分点。")
        #expect(change.value == 3)
        #expect(change.baseline == nil)
    }

    @Test("万 乘出：基数与目标同样规整 (万 multiplied out in the baseline too)")
    func tenThousands() throws {
        let t = try target("年接待游客由18.5万人次增加到25万人次。")
        #expect(t.value == 250_000)
        #expect(t.baseline?.value == 185_000)
        #expect(t.baseline?.unit == "人次")
        // A bare number takes the target's unit: 从3.2万增加到4万户.
        let bare = try target("光纤入户用户从3.2万增加到4万户。")
        #expect(bare.value == 40_000)
        #expect(bare.baseline?.value == 32_000)
        #expect(bare.baseline?.unit == "户")
        let money = try target("镇级财政预算收入由8500万元增加到1亿元。")
        #expect(money.value == 100_000_000)
        #expect(money.baseline?.value == 85_000_000)
        #expect(money.baseline?.unit == "元")
    }

    @Test("单位不同：基数为空 (units that differ give no baseline)")
    func differentUnits() throws {
        let t = try target("高标准农田从2600亩扩大到200公顷。")
        #expect(t.value == 200)
        #expect(t.unit == "公顷")
        #expect(t.baseline == nil)
    }

    @Test("现有…，年内达到…：同一度量的现有水平 (a stated current level of the same measure)")
    func currentLevel() throws {
        let t = try target("全镇现有家庭农场42家，年内达到55家。")
        #expect(t.value == 55)
        #expect(t.baseline?.value == 42)
        #expect(t.subject == "家庭农场")
        // Another verb in the second clause: it does not clearly continue the same measure.
        let other = try targets(in: "全镇现有家庭农场42家，年内新建示范农场5家。")
        #expect(other.allSatisfy { $0.baseline == nil })
    }

    @Test("没有基数的目标：null (a target without a baseline)")
    func noBaseline() throws {
        let t = try target("新建农村公路十八公里。")
        #expect(t.baseline == nil)
        let growth = try target("地区生产总值比上年增长7.5%。")
        #expect(growth.baseline == nil)
        // The exchange format writes "baseline": null, never leaves it out.
        let plan = try PlanReader.read(text: "测试镇2016年工作计划\n一、测试领域\n新建农村公路十八公里。\n")
        let json = try #require(try JSONSerialization.jsonObject(with: JSONEncoder().encode(plan)) as? [String: Any])
        let first = try #require((json["targets"] as? [[String: Any]])?.first)
        #expect(first.keys.contains("baseline"))
        #expect(first["baseline"] is NSNull)
    }
}
