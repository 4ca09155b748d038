import LuoshiCore

/// The linguistic knowledge of the reader, as data: units, comparators, verbs, markers.
///
/// Each list is what Chinese government plans write; `Tests/PlanReaderTests/LexiconRuleTests.swift`
/// has a test in Chinese for each rule that uses them. Keep entries general to the genre: a word
/// belongs here because plans of many places use it, never because one document does.
enum Lexicon {
    /// A measure word or unit as written, its normalised form, and a factor that multiplies the value.
    struct UnitEntry: Sendable {
        let written: String
        let unit: String
        let factor: Double
        /// The noun a bare second quantity of this unit stands for (300个、3600平方米 → 面积).
        let dimension: String?
    }

    /// Units and measure words that a target may carry. Longest match wins.
    static let units: [UnitEntry] = {
        var list: [UnitEntry] = []
        func add(_ written: [String], _ unit: String, _ factor: Double = 1, _ dimension: String? = nil) {
            for w in written { list.append(UnitEntry(written: w, unit: unit, factor: factor, dimension: dimension)) }
        }
        add(["%", "％"], "%")
        add(["‰"], "‰")
        add(["个百分点", "百分点"], "个百分点")
        add(["平方公里", "平方千米", "km²", "km2"], "平方千米", 1, "面积")
        add(["平方米", "平米", "㎡", "m²", "m2"], "平方米", 1, "面积")
        add(["立方米", "方"], "立方米", 1, "体积")
        add(["公里", "千米", "km", "KM"], "千米", 1, "长度")
        add(["米"], "米", 1, "长度")
        add(["亩"], "亩", 1, "面积")
        add(["公顷"], "公顷", 1, "面积")
        add(["元"], "元", 1, "金额")
        add(["美元"], "美元", 1, "金额")
        add(["微克/立方米", "μg/m³", "微克每立方米"], "微克/立方米", 1, "浓度")
        add(["吉瓦时"], "吉瓦时", 1, "电量")
        add(["万千瓦时"], "千瓦时", 1e4, "电量")
        add(["吨标准煤", "吨标煤"], "吨标准煤", 1, "能耗")
        add(["吨"], "吨", 1, "重量")
        add(["公斤", "千克"], "千克", 1, "重量")
        add(["千瓦时", "度"], "千瓦时", 1, "电量")
        add(["千瓦"], "千瓦", 1, "功率")
        add(["兆瓦"], "兆瓦", 1, "功率")
        add(["标箱"], "标箱")
        add(["架次"], "架次")
        add(["家次"], "家次")
        add(["个工作日", "工作日"], "个工作日", 1, "时限")
        add(["个月"], "个月", 1, "时限")
        add(["分钱"], "元", 0.01, "金额")
        add(["批次"], "批次")
        add(["场次"], "场次")
        add(["宗"], "宗")
        add(["小时"], "小时", 1, "时限")
        add(["天"], "天", 1, "时限")
        add(["倍"], "倍")
        add(["人次"], "人次", 1, "人次")
        add(
            [
                "个", "家", "户", "人", "名", "位", "所", "座", "条", "项", "次", "场", "支", "只", "辆", "台", "套", "间",
                "张", "件", "处", "栋", "幢", "盏", "块", "株", "棵", "艘", "种", "类", "篇", "本", "册", "对", "组", "队",
                "班", "床", "头", "羽", "部", "期", "批", "轮", "门", "把", "片", "口", "眼", "根", "节", "层", "级", "届",
                "号", "强", "年", "岁", "月", "日", "周", "季", "列", "趟", "辆次", "例", "所次",
            ], "")
        return list.map { e in
            // Measure words normalise to themselves.
            e.unit.isEmpty
                ? UnitEntry(written: e.written, unit: e.written, factor: e.factor, dimension: e.dimension) : e
        }
    }()

    /// Measure words after which a number is a name, a rank, a time or an ordinal, never a target:
    /// 500强, 苏发93号, 二级公路, 十八届, 三期叠加, 三年行动计划, 60岁以上, 1月23日.
    static let nonTargetUnits: Set<String> = ["强", "号", "级", "届", "期", "年", "月", "日", "周", "季", "轮", "批"]

    /// Fixed terms that hold a numeral and a measure word but count nothing: 二次供水 is a kind of supply.
    static let fixedTerms: [String] = [
        "二次供水", "二次污染", "二次开发", "二次创业", "二次装修", "二次分配", "一次性", "三次产业", "一二三产", "两个维护",
        "三个代表", "一带一路", "两学一做", "三严三实", "四个全面", "五位一体", "三去一降一补",
    ]

    /// Vague measure words: 一批项目 is not a count.
    static let vagueAfterOne: Set<String> = ["批", "些", "系列", "道", "体", "心", "意", "流", "站", "揽子"]

    /// Number multipliers written after an Arabic number.
    static let multipliers: [(String, Double)] = [("千万", 1e7), ("百万", 1e6), ("万亿", 1e12), ("亿", 1e8), ("万", 1e4)]

    /// Words before a number that set the comparator, longest first.
    static let comparatorBefore: [(String, TargetComparator)] = [
        ("不少于", .atLeast), ("不低于", .atLeast), ("不小于", .atLeast), ("均超过", .atLeast), ("超过", .atLeast),
        ("至少", .atLeast), ("突破", .atLeast), ("力争超过", .atLeast), ("超", .atLeast), ("达到以上", .atLeast),
        ("不超过", .atMost), ("不高于", .atMost), ("不多于", .atMost), ("不大于", .atMost), ("低于", .atMost),
        ("控制在", .atMost), ("≤", .atMost), ("＜", .atMost), ("<", .atMost), ("≥", .atLeast), ("＞", .atLeast),
        (">", .atLeast), ("大约", .approximately), ("约", .approximately), ("近", .approximately),
    ]

    /// Words after a number (and its unit) that set the comparator.
    static let comparatorAfter: [(String, TargetComparator)] = [
        ("以上", .atLeast), ("及以上", .atLeast), ("多", .atLeast), ("余", .atLeast), ("以下", .atMost),
        ("以内", .atMost), ("之内", .atMost), ("内", .atMost), ("左右", .approximately), ("上下", .approximately),
    ]

    /// Words that join the two ends of a range: 2—3支, 7%至8%.
    static let rangeJoiners: Set<Unicode.Scalar> = ["—", "–", "-", "~", "～", "至", "到", "－"]

    /// Verbs of a level or a change: the subject stands before them (地区生产总值增长10%).
    static let levelVerbs: [String] = [
        "增长", "提高到", "提高", "提升到", "提升", "下降", "降低到", "降低", "减少", "增加到", "增加", "达到", "控制在",
        "保持在", "稳定在", "维持在", "保持", "突破", "超过", "分别达到", "分别增长", "年均增长", "同比增长", "增幅", "降幅",
    ]

    /// Verbs of doing: the counted thing follows them (新增停车位300个, 组建2—3支社区文艺团队).
    static let actionVerbs: [String] = [
        "新增", "新建", "建成", "改建", "扩建", "新改建", "改扩建", "续建", "修建", "建设", "完成", "实现", "开展", "组建",
        "启动", "清理", "改造", "培育", "创建", "打造", "引进", "招引", "实施", "提供", "发放", "培训", "安置", "转移",
        "整治", "疏浚", "拆除", "建立", "新开工", "开工", "竣工", "投产", "吸纳", "扶持", "帮扶", "救助", "铺设", "治理",
        "推广", "植树", "造林", "种植", "创成", "争创", "申报", "举办", "组织", "新办", "新上", "引导", "解决", "改善",
        "修复", "关闭", "淘汰", "整合", "配备", "更新", "增设", "设立", "招聘", "落实", "开设", "完善", "达标", "办结",
        "回收", "处理", "消除", "减免", "补贴", "资助", "惠及", "接待", "收治",
    ]

    /// Words at the start of a clause that are not part of a subject.
    static let leadingNoise: [String] = [
        "确保", "力争", "争取", "努力", "全年", "今年", "年内", "年底前", "年底", "全面", "进一步", "积极", "着力",
        "加快", "大力", "继续", "同时", "其中", "并", "再", "共", "累计", "合计", "计划", "预计", "拟", "要", "将",
        "我们将", "我们", "实现", "完成", "均", "全镇", "全县", "全市", "全区", "全省",
    ]

    /// Nouns of a project's measured attributes, and the attribute name they give.
    static let projectAttributes: [(String, String)] = [
        ("总建筑面积", "floorArea"), ("建筑面积", "floorArea"), ("占地面积", "siteArea"), ("用地面积", "siteArea"),
        ("占地", "siteArea"), ("总投资", "investment"), ("计划投资", "investment"), ("投资", "investment"),
        ("总长度", "length"), ("全长", "length"), ("总长", "length"), ("长度", "length"),
        ("宽度", "width"), ("路宽", "width"), ("装机容量", "capacity"), ("库容", "capacity"), ("规模", "capacity"),
    ]

    /// Words of money: a bare 万/亿 after them means yuan (总投资4000万).
    static let moneyWords: [String] = [
        "投资", "资金", "收入", "产值", "销售", "营业", "税", "金额", "资产", "奖补", "补助", "预算", "财政", "经费",
        "总额", "贷款", "融资", "利润", "消费品零售",
    ]

    /// Suffixes of named projects, enterprises and facilities.
    static let projectSuffixes: [String] = [
        "工程", "项目", "公园", "广场", "幼儿园", "小学", "中学", "医院", "卫生院", "敬老院", "养老院", "中心", "综合体",
        "工业园", "产业园", "创业园", "创新园", "科技园", "物流园", "大道", "公路", "大桥", "行动计划",
        "水厂", "污水处理厂", "变电站", "疏浚", "博物馆", "体育馆", "图书馆", "文化馆",
        "学校", "菜场", "农贸市场", "示范区", "基地", "景区", "集团", "保税区", "开发区", "高新区", "新院", "洽谈会",
        "博览会", "交易会", "班列", "大讲堂", "讲堂", "枢纽", "机场", "快速路", "快速通道", "高铁站", "码头", "港区",
    ]

    /// Words of a place or a facility that end a project's name only after a name of its own and a verb of
    /// building (打造…科技城, 推进…旅游度假区创建): alone, 城 and 区 also end 城区, 小区, 园区.
    /// A named road's section (绕城高速西段) ends a name the same way.
    static let placeClassWords: [String] = [
        "城", "园", "区", "谷", "港", "湾", "天地", "小镇", "街区", "新城", "东段", "西段", "南段", "北段", "中段",
    ]

    /// Qualities a place is to have (建设美丽乡村, 打造宜居新城): a name opening with one states a goal.
    static let aspirations: [String] = [
        "美丽", "宜居", "幸福", "和谐", "平安", "健康", "文明", "活力", "魅力", "智慧", "数字", "绿色", "生态", "现代化",
        "国际化", "一流", "品质", "精致", "特色", "开放", "创新",
    ]

    /// Qualifiers of a kind of project (size, quality, novelty, rank): a 项目 or 工程 named by them alone
    /// (优质项目, 大型新兴项目) is a kind, not a particular project.
    static let projectQualifiers: [String] = [
        "优质", "新兴", "小型", "中型", "大型", "微型", "中小型", "高端", "优秀", "先进", "特色", "优势", "龙头", "骨干", "重点",
        "重大", "重要", "高新技术", "高新", "新型", "传统", "一般", "外资", "内资", "民营", "科技型", "高质量", "高科技", "精品",
        "示范", "标杆", "好", "大", "新", "小", "强", "的",
    ]

    /// What a quoted name of a programme ends with (“亮剑行动”, “鹭岛英才计划”, “城市清洁日”).
    static let quotedProgrammeSuffixes: [String] = [
        "行动", "计划", "工程", "日", "周末", "讲堂", "品牌", "节", "活动",
    ]

    /// Suffixes of institutional mechanisms.
    static let mechanismSuffixes: [String] = [
        "责任制", "长制", "机制", "制度", "体系", "工作法", "模式", "网格化管理", "长效管理", "清单",
    ]

    /// Verbs that lead into a list of projects or a mechanism; the name starts after them.
    static let leadVerbs: [String] = [
        "重点推进", "全力推进", "加快推进", "着力推进", "推进", "力促", "启动", "申报", "积极申报", "实施", "打造", "创建",
        "积极创建", "完善", "建设", "建成", "新建", "加快", "加强", "健全", "建立健全", "建立", "推行", "落实", "巩固",
        "强化", "坚持", "规范", "提升", "推动", "开展", "抓好", "做好", "确保", "引导", "发挥", "优化", "以", "对",
        "依托", "围绕", "继续", "进一步", "严格", "全面", "构建", "形成", "推广", "参与", "争创", "改造", "扩建", "续建",
        "立足", "注重", "助推", "逐步", "将", "向", "把", "通过", "发展", "吸引", "支持", "为", "持续", "深入实施",
    ]

    /// Lines of web-page chrome (navigation, tools, footers); a line holding one is not text of the plan.
    static let chromeMarkers: [String] = [
        "您的位置", "您现在的位置", "当前位置", "字体", "分享到", "打印本页", "关闭窗口", "【打印", "【关闭", "浏览次数",
        "点击数", "阅读次数", "访问量", "责任编辑", "版权所有", "ICP备", "备案号", "上一篇", "下一篇", "扫一扫",
        "网站地图", "联系我们", "首页 >", "首页>", "【大 中 小】", "[ 大 中 小 ]", "收藏本页", "发布日期", "发布时间",
        "信息来源", "来源:", "来源：", "索引号", "主办单位", "技术支持", "政府信息公开", "手机版",
        "点击上方", "关注我们", "扫码关注", "长按识别", "往期推荐", "推荐阅读", "点个在看", "阅读原文", "编辑：", "校对：",
        "审核：", "责编：", "监制：",
    ]

    /// Heading words of a part that reviews past work: its numbers are achievements.
    static let reviewWords: [String] = ["回顾", "过去一年", "过去五年", "工作总结", "主要成绩", "取得的成绩", "基本情况", "成效"]
    /// Heading words of a part that sets five-year or long-term goals.
    static let fiveYearWords: [String] = ["十三五", "十四五", "十五五", "十二五", "五年", "中长期", "今后", "规划纲要"]
    /// Heading words of the plan year's work.
    static let planWords: [String] = ["工作安排", "主要任务", "重点工作", "主要工作", "工作任务", "目标任务", "工作计划", "工作要点", "重点任务"]
    /// Heading words of the government's own conduct.
    static let conductWords: [String] = ["自身建设", "政府建设", "作风建设", "自身"]
    /// Heading words of an annex and of a glossary.
    static let annexWords: [String] = ["附件", "附：", "附:", "附表", "民生实事", "为民办实事", "实事项目"]
    static let glossaryWords: [String] = ["名词解释", "注释", "附注", "词语解释", "名词注释"]
    /// Words that introduce the headline targets (主要预期目标).
    static let headlineWords: [String] = [
        "主要预期目标", "主要预期指标", "主要目标", "预期目标", "预期指标", "主要指标", "主要经济指标", "预期性指标", "约束性指标",
        "总体目标", "主要目标任务",
    ]
    /// Openings of the closing address: what follows is not plan content.
    static let closingOpenings: [String] = ["各位代表", "同志们", "让我们"]
}
