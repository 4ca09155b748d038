import Foundation
import LuoshiCore
import PlanReader
import Testing

/// One test per rule of the reader's linguistic knowledge, each in the words plans use.
@Suite("数量与目标规则 (quantity and target rules)")
struct LexiconRuleTests {
    struct Expect: Sendable, CustomTestStringConvertible {
        var sentence: String
        var value: Double?
        var unit: String
        var comparator: TargetComparator
        var min: Double? = nil
        var max: Double? = nil
        var testDescription: String { sentence }
    }

    static let quantities: [Expect] = [
        // Arabic and Chinese numerals
        Expect(sentence: "新建农村公路十八公里。", value: 18, unit: "千米", comparator: .equal),
        Expect(sentence: "安排专项资金两千万元。", value: 20_000_000, unit: "元", comparator: .equal),
        Expect(sentence: "新建一百二十个停车位。", value: 120, unit: "个", comparator: .equal),
        Expect(sentence: "建成三个示范社区。", value: 3, unit: "个", comparator: .equal),
        Expect(sentence: "新增就业1,200人。", value: 1200, unit: "人", comparator: .equal),
        Expect(sentence: "盘活存量土地１２０亩。", value: 120, unit: "亩", comparator: .equal),
        // decimals and multipliers
        Expect(sentence: "建筑面积8.8万平方米。", value: 88_000, unit: "平方米", comparator: .equal),
        Expect(sentence: "完成投资5亿元。", value: 500_000_000, unit: "元", comparator: .equal),
        Expect(sentence: "项目总投资4000万。", value: 40_000_000, unit: "元", comparator: .equal),
        Expect(sentence: "新增城镇就业2.2万人。", value: 22_000, unit: "人", comparator: .equal),
        Expect(sentence: "改造道路3.5公里。", value: 3.5, unit: "千米", comparator: .equal),
        // percentages, per mille, percentage points
        Expect(sentence: "地区生产总值增长10%以上。", value: 10, unit: "%", comparator: .atLeast),
        Expect(sentence: "研发投入占比提高到百分之三。", value: 3, unit: "%", comparator: .equal),
        Expect(sentence: "人口自然增长率控制在6‰以内。", value: 6, unit: "‰", comparator: .atMost),
        Expect(sentence: "服务业比重提高1.5个百分点。", value: 1.5, unit: "个百分点", comparator: .equal),
        // ranges
        Expect(sentence: "组建2—3支社区文艺团队。", value: nil, unit: "支", comparator: .range, min: 2, max: 3),
        Expect(sentence: "进出口总额增长4.5%—5%。", value: nil, unit: "%", comparator: .range, min: 4.5, max: 5),
        Expect(sentence: "居民收入增长7%至8%。", value: nil, unit: "%", comparator: .range, min: 7, max: 8),
        // comparators
        Expect(sentence: "城镇登记失业率控制在4%以内。", value: 4, unit: "%", comparator: .atMost),
        Expect(sentence: "空气优良天数比例不低于80%。", value: 80, unit: "%", comparator: .atLeast),
        Expect(sentence: "每村配备网格员不少于2名。", value: 2, unit: "名", comparator: .atLeast),
        Expect(sentence: "单个项目审批时限不超过20个工作日。", value: 20, unit: "个工作日", comparator: .atMost),
        Expect(sentence: "至少新增停车位300个。", value: 300, unit: "个", comparator: .atLeast),
        Expect(sentence: "旅游总收入突破520亿元。", value: 52_000_000_000, unit: "元", comparator: .atLeast),
        Expect(sentence: "新增高新技术企业超100家。", value: 100, unit: "家", comparator: .atLeast),
        Expect(sentence: "总投资约5亿元。", value: 500_000_000, unit: "元", comparator: .approximately),
        Expect(sentence: "地区生产总值增长8%左右。", value: 8, unit: "%", comparator: .approximately),
        Expect(sentence: "新建占地均超过10亩的小游园。", value: 10, unit: "亩", comparator: .atLeast),
        Expect(sentence: "城镇登记失业率≤3.5%。", value: 3.5, unit: "%", comparator: .atMost),
        // frequencies
        Expect(sentence: "每季度至少开展一次文化演出。", value: 1, unit: "次", comparator: .atLeast),
        // less common units
        Expect(sentence: "全年外出招商不少于20批次。", value: 20, unit: "批次", comparator: .atLeast),
        Expect(sentence: "商品住宅去化周期控制在14个月以内。", value: 14, unit: "个月", comparator: .atMost),
        Expect(sentence: "一般工商业电价每千瓦时降低2分钱。", value: 0.02, unit: "元", comparator: .equal),
        Expect(sentence: "人均预期寿命提高0.3岁。", value: 0.3, unit: "岁", comparator: .equal),
        Expect(sentence: "全年完成征收签约680户。", value: 680, unit: "户", comparator: .equal),
        Expect(sentence: "企业开办时间压缩至1个工作日内。", value: 1, unit: "个工作日", comparator: .atMost),
        Expect(sentence: "全年开展文化活动不少于500场次。", value: 500, unit: "场次", comparator: .atLeast),
        Expect(sentence: "集体经营性建设用地入市交易10宗。", value: 10, unit: "宗", comparator: .equal),
        Expect(sentence: "举办新市民培训班不少于12期。", value: 12, unit: "期", comparator: .atLeast),
    ]

    @Test("数量：数值、单位、比较 (value, unit, comparator)", arguments: quantities)
    func quantity(_ e: Expect) throws {
        let found = try targets(in: e.sentence)
        let t = try #require(found.first, "no target in \(e.sentence)")
        #expect(found.count == 1)
        #expect(t.value == e.value)
        #expect(t.unit == e.unit)
        #expect(t.comparator == e.comparator)
        #expect(t.valueMin == e.min)
        #expect(t.valueMax == e.max)
    }

    @Test("频次：每季度至少一次 (a frequency carries its period)")
    func frequency() throws {
        let t = try #require(try targets(in: "每季度至少开展一次丰富多彩的文化演出。").first)
        #expect(t.per == "季度")
        #expect(t.subject == "文化演出")
        #expect(t.action == "开展")
    }

    @Test("一个数字由列表共享：300个、3600平方米 (one phrase, several quantities)")
    func sharedList() throws {
        let found = try targets(in: "着手改造扩建小区停车位，至少新增停车位300个、3600平方米。")
        #expect(found.map(\.value) == [300, 3600])
        #expect(found.map(\.comparator) == [.atLeast, .atLeast])
        #expect(found.map(\.subject) == ["停车位", "停车位面积"])
    }

    @Test("列表中各自的主体：标准化村卫生室5家、示范化卫生室6家 (each item its own subject)")
    func listSubjects() throws {
        let found = try targets(in: "2015年建成标准化村卫生室5家、示范化卫生室6家。", year: 2015)
        #expect(found.map(\.subject) == ["标准化村卫生室", "示范化卫生室"])
        #expect(found.map(\.action) == ["建成", "建成"])
        #expect(found.map(\.year) == [2015, 2015])
    }

    @Test("数值与增速成对：实现生产总值138亿元，增长8% (a value paired with its growth)")
    func valueAndGrowth() throws {
        let found = try targets(in: "开发区实现生产总值138亿元，增长8%。")
        #expect(found.map(\.value) == [13_800_000_000, 8])
        #expect(found.map(\.unit) == ["元", "%"])
        // 实现 only reaches the figure: whose it is stands before it, and the growth is of the same.
        #expect(found.map(\.subject) == ["开发区生产总值", "开发区生产总值"])
        #expect(found[1].text == "开发区实现生产总值138亿元，增长8%")
    }

    @Test("基数不是目标：从77%提高到80% (a baseline is not a target)")
    func baseline() throws {
        #expect(try values("常住人口城镇化率从77%提高到80%。") == [80])
    }

    @Test("主体、动作与范围 (subject, action, scope)")
    func subjectActionScope() throws {
        let found = try targets(in: "在6个村启动拆坝建桥18个，清理沉船4条。")
        #expect(found.map(\.value) == [18, 4])
        #expect(found.map(\.subject) == ["拆坝建桥", "沉船"])
        #expect(found.map(\.action) == ["启动", "清理"])
        #expect(found.map(\.scope) == ["6个村", "6个村"])
        let growth = try #require(try targets(in: "全年新增绿化造林600亩。").first)
        #expect(growth.subject == "绿化造林")
        #expect(growth.action == "新增")
        let counted = try #require(try targets(in: "新增1个区级文化示范村。").first)
        #expect(counted.subject == "区级文化示范村")
    }

    @Test("覆盖全部村的承诺是目标 (covering every village is a promise)")
    func coverage() throws {
        #expect(try values("确保全镇10个村村级文体阵地高标准全覆盖。") == [10])
        #expect(try values("全县现有18个乡镇。") == [])
    }

    static let notTargets: [String] = [
        "2015年，是全面深化改革的关键之年。",  // a year
        "于2016年1月15日召开。",  // a date
        "这是全镇第一个商业综合体。",  // an ordinal
        "实现“十二五”规划圆满收官。",  // a plan's name
        "推进“三区一民生”四项重点工作。",  // a slogan and the count of its parts
        "重点引进世界500强企业。",  // a ranking list
        "做好苏发93号文件的落实工作。",  // a document number
        "按城市A级道路标准设计。",  // a grade letter
        "改造二级公路一条。",  // a road grade; 一条 without a verb of doing
        "PM2.5浓度持续下降。",  // a pollutant's name
        "畅通12345热线。",  // a hotline
        "为60岁以上老人提供服务。",  // an age
        "全县现有18个乡镇。",  // what already exists
        "认真贯彻区委十一届九次全会精神。",  // a meeting
        "坚决杜绝“四风”现象。",  // a slogan
        "发展工业零部件产业。",  // 零 in a word
        "吸引一批中小型企业入驻。",  // a vague batch
        "从一堆垃圾、一块砖块做起。",  // rhetoric
        "创建国家4A级旅游景区。",  // a grade
        "支持青石、枫桥两个省级重点镇建设。",  // a count restating a list
        "严格执行中央八项规定精神。",  // a name
        "夏秋两季秸秆禁烧。",  // seasons
        "实施农村河道整治三年行动计划。",  // a plan's duration
        "改造二次供水设施。",  // a fixed term
        "办好2017年十项民生实事。",  // the count of a list's items
    ]

    @Test("不是目标 (not targets)", arguments: notTargets)
    func notTarget(_ sentence: String) throws {
        let found = try targets(in: sentence)
        #expect(found.isEmpty, "\(sentence) gave \(found.map(\.quantityText))")
    }

    @Test("万/亿 乘出的数值是精确的 (multiplied figures are exact)")
    func exactMultiples() throws {
        #expect(try values("完成技改投资2.2亿元。") == [220_000_000])
        #expect(try values("实际利用外资1.35亿美元。") == [135_000_000])
    }

    @Test("表格一行：数值所在格之前的格是它的主体 (a table row: the cell before a figure names it)")
    func tableCells() throws {
        let md = """
            # 某县2024年重点工作
            ## 一、工业
            | 序号 | 工作任务 | 目标要求 | 牵头单位 |
            |---|---|---|---|
            | 1 | 培育企业 | 新增规模以上工业企业40家 | 县工信局 |
            | 2 | 地区生产总值增长 | 6%左右 | 县发改局 |
            """
        let plan = try PlanReader.read(text: md)
        #expect(plan.targets.map(\.value) == [40, 6])
        #expect(plan.targets.map(\.subject) == ["规模以上工业企业", "地区生产总值"])
        #expect(plan.targets.map(\.text) == ["新增规模以上工业企业40家", "地区生产总值增长|6%左右"])
    }

    @Test("单独一行的“主要目标”引出其下的列表 (a bare 主要目标 label introduces the list below)")
    func headlineLabel() throws {
        let md = "# 某县2024年工作要点\n\n**主要目标**\n\n- 地区生产总值增长6%左右；\n- 城镇调查失业率控制在5.5%以内。\n\n## 一、工业\n新增企业40家。\n"
        let plan = try PlanReader.read(text: md)
        #expect(plan.targets.filter(\.headline).map(\.value) == [6, 5.5])
        #expect(plan.sections.map(\.title) == ["工业"])
    }

    @Test("两个年份的标题：计划的年份 (a title with two years: the plan's year)")
    func twoYearTitle() throws {
        let plan = try PlanReader.read(
            text: "某镇2023年工作总结及2024年工作计划\n一、2023年工作总结\n完成投资5亿元。\n二、2024年工作计划\n（一）产业\n新建厂房5万平方米。\n")
        #expect(plan.year == 2024)
        #expect(plan.planSection?.heading == "2024年工作计划")
        #expect(plan.targets.map(\.value) == [50_000])
        #expect(plan.targets.first?.year == 2024)
    }

    @Test("中文数字 (Chinese numerals)")
    func chineseNumerals() throws {
        #expect(try values("新建学校十所。") == [10])
        #expect(try values("培训农民三千五百人次。") == [3500])
        #expect(try values("安排资金一亿二千万元。") == [120_000_000])
        #expect(try values("发放补贴千万元。") == [10_000_000])
    }
}

@Suite("共用数值与举例 (figures shared by a list, examples before 等)")
struct SharedFigureTests {
    func subjects(_ sentence: String) throws -> [String] {
        let plan = try PlanReader.read(text: "某镇2016年工作计划\n一、测试领域\n\(sentence)\n")
        return plan.targets.map { $0.subject ?? "" }
    }

    @Test("均、分别：列举的每一项一个目标 (均, 分别: one target for each member of the list)")
    func sharedByList() throws {
        #expect(try subjects("力争游客接待量和旅游总收入均增长20%以上。") == ["游客接待量", "旅游总收入"])
        #expect(try subjects("科技贷款、制造业贷款分别增长15%以上。") == ["科技贷款", "制造业贷款"])
        #expect(try subjects("城镇和农村居民人均可支配收入均增长8%。") == ["城镇居民人均可支配收入", "农村居民人均可支配收入"])
        // Rates share a level without 均.
        #expect(try subjects("城镇基本医疗保险参保率、新农合参合率稳定在95%以上。") == ["城镇基本医疗保险参保率", "新农合参合率"])
        // A list counted by one figure is one total.
        #expect(try subjects("新增首台套装备、首批次新材料、首版次软件300项以上。") == ["首台套装备、首批次新材料、首版次软件"])
        // 城乡 is 城镇 and 农村, in that order.
        #expect(try subjects("城乡居民收入分别增长8%左右、9%左右。") == ["城镇居民收入", "农村居民收入"])
        // A head before the first item and a measure after the last are each item's.
        #expect(try subjects("万元GDP能耗、水耗分别下降2.75%和4%。") == ["万元GDP能耗", "万元GDP水耗"])
        #expect(try subjects("二氧化硫、化学需氧量排放量分别下降4%和3%。") == ["二氧化硫排放量", "化学需氧量排放量"])
    }

    @Test("“等”前是举例，动词之后是计数的事物 (examples before 等; verbs alone are not the subject)")
    func examplesAndVerbs() throws {
        #expect(try subjects("完成大砂坪等3个城市出入口绿化美化。") == ["城市出入口绿化美化"])
        #expect(try subjects("续建津港、塘承等5条高速公路。") == ["高速公路"])
        #expect(try subjects("改造提升15条区县公路。") == ["改造提升区县公路"])
        // A figure bound by 以上 qualifies the noun counted next: the subject is the whole phrase.
        #expect(try subjects("力争主营业务收入30亿元以上的强优企业达到30家。").last == "主营业务收入30亿元以上的强优企业")
    }

    @Test("主语沿用与组合：下一分句、分别、所计数的事物 (subjects carried on and composed)")
    func carriedSubjects() throws {
        // A clause of its figure alone goes on with the clause before.
        #expect(try subjects("地区生产总值增长9%左右，突破400亿元，达到430亿元。") == ["地区生产总值", "地区生产总值", "地区生产总值"])
        // 分别 with nothing before it pairs with the list of the clause before; the next clause goes on with it.
        #expect(try subjects("确保工业投资和交通投资实现翻番，分别达到205亿元和120亿元。") == ["工业投资", "交通投资"])
        #expect(
            try subjects("城镇居民人均可支配收入和农民人均纯收入分别增长9%和10%，达到39370元和13940元。")
                == ["城镇居民人均可支配收入", "农民人均纯收入", "城镇居民人均可支配收入", "农民人均纯收入"])
        // An attribute with no project of its own measures the things just counted.
        #expect(try subjects("实施重点项目245项，投资62亿元。") == ["重点项目", "重点项目投资"])
        // A verb of substance stays with its object; 完成 only says the figure is reached.
        #expect(try subjects("劳动力培训3.5万人。") == ["劳动力培训"])
        #expect(try subjects("一般公共预算收入完成1.85亿元。") == ["一般公共预算收入"])
        // 增长 in 增长率 and 增加 in 增加值 are the noun's.
        #expect(try subjects("人口自然增长率控制在6.5‰以内。") == ["人口自然增长率"])
        #expect(try subjects("第三产业实现增加值157亿元。") == ["第三产业增加值"])
        // The share is of what follows 的, once.
        #expect(try subjects("力争80%的社区成为充分就业社区。") == ["社区成为充分就业社区"])
        // The next item's joining word is not the noun's.
        #expect(try subjects("认定6家市级重点实验室和10家市级工程技术中心。") == ["市级重点实验室", "市级工程技术中心"])
    }

    @Test("动词归属：改造等作用于既有事物的动词随主语；同一事物不同动词分开 (verbs that belong to the subject)")
    func verbsInSubjects() throws {
        // Work on what exists is what is counted; making a thing is not.
        #expect(try subjects("改造老旧小区27个。") == ["改造老旧小区"])
        #expect(try subjects("新建和改造城市绿地150亩。") == ["新建和改造城市绿地"])
        #expect(try subjects("培训新型农民6000人以上。") == ["培训新型农民"])
        #expect(try subjects("新建公共停车场5个。") == ["公共停车场"])
        #expect(try subjects("新增城镇就业1.1万人。") == ["新增城镇就业"])
        // One thing counted by two verbs in one sentence is told apart by them.
        #expect(try subjects("开工各类保障房3.6万套，建成1.9万套。") == ["开工保障房", "建成保障房"])
        // Money raised for a purpose is the purpose's fund.
        #expect(try subjects("筹措7亿元实施就业惠民工程。") == ["就业惠民工程资金"])
        #expect(try subjects("筹措资金1.5亿元，实施五保村建设一期工程。") == ["五保村建设一期工程资金"])
        // 城乡 with two figures joined by 和 is 城镇's and 农村's.
        #expect(try subjects("城乡居民收入增长5%和3%左右。") == ["城镇居民收入", "农村居民收入"])
    }

    @Test("级别、举例与所属：省级以上、10个省级、等、重点项目投资 (ranks, examples and owners)")
    func ranksExamplesOwners() throws {
        // 以上 with a noun after it is the noun's rank.
        #expect(try subjects("新增20家省级以上科技企业孵化器。") == ["省级以上科技企业孵化器"])
        // A rank alone counts the last item's noun.
        #expect(try subjects("创建10个省级、20个市级扶贫开发重点村。") == ["省级扶贫开发重点村", "市级扶贫开发重点村"])
        // Examples before 等 are not what is counted.
        #expect(try subjects("建成青河入湖口、白沙河道等人工湿地700亩。") == ["人工湿地"])
        // The kind of project before an attribute owns it.
        #expect(try subjects("力争完成重点项目投资300亿元左右。") == ["重点项目投资"])
        // A verb of level with 到 ends the subject.
        #expect(try subjects("天然气消费量扩大到6.5亿立方米。") == ["天然气消费量"])
        // The noun after a count is what is counted when places or a figure stand before it.
        #expect(try subjects("新建南苑新城、凤凰城2个垃圾中转站。") == ["垃圾中转站"])
        #expect(try subjects("抓好环湾39个“三旧”改造项目。") == ["三旧改造项目"])
        // A list's item names its own work before its verb.
        #expect(try subjects("完成造林130万亩、草原建设610万亩、水土流失治理180万亩。") == ["造林", "草原建设", "水土流失治理"])
        // Of two verbs that overlap the first is the verb; a verb of level right before a count works on the noun.
        #expect(try subjects("新建设施农业10万亩。") == ["设施农业"])
        #expect(try subjects("改造提升6个公园。") == ["改造提升公园"])
        #expect(try subjects("城市居民人均可支配收入实际增长10%。") == ["城市居民人均可支配收入"])
        // A per-unit figure can be a baseline; money's purpose is read from the clause after it.
        #expect(try subjects("补助标准从80元/人提高到120元/人。") == ["补助标准"])
        #expect(try subjects("筹措资金0.8亿元，支持500个村建设村级公共服务中心。").first == "村级公共服务中心资金")
        #expect(try subjects("筹措资金5亿元，在14个县实施新型农村养老保险试点。") == ["新型农村养老保险试点资金"])
        // A verb's complement is not what is counted; a verb of level may work on the words after it.
        #expect(try subjects("组织好20个经济发达镇行政管理体制改革。") == ["经济发达镇行政管理体制改革"])
        #expect(try subjects("提升农村户厕8.8万座。") == ["提升农村户厕"])
        // The stage a count reaches is part of what is counted.
        #expect(try subjects("推动第二附属医院等7个项目开工建设。") == ["项目开工"])
        // A figure right before a rate's noun is part of the rate's name; projects own their investment done.
        #expect(try subjects("中心城区公交站点500米覆盖率95%以上。").last == "中心城区公交站点500米覆盖率")
        #expect(try subjects("省重点项目完成投资220亿元以上。") == ["省重点项目完成投资"])
    }
}
