import Foundation
import LuoshiCore
import PlanReader
import Testing

/// Rules that find named projects, each in a sentence written for the test (never one of a fixture's).
@Suite("项目规则 (project rules)")
struct ProjectRuleTests {
    /// The plan read from one sentence in area 一 of a township plan.
    func plan(_ sentence: String) throws -> PlanDocument {
        try PlanReader.read(text: "测试镇2016年工作计划\n一、测试领域\n\(sentence)\n")
    }

    func names(_ sentence: String) throws -> [String] { try plan(sentence).projects.map(\.name) }

    @Test("建设动词之后、以城/谷/区/天地结尾的专名是项目 (a proper name ending in a place word after a verb of building)")
    func placeClassNames() throws {
        #expect(try names("加快打造“云溪数字谷”，集聚软件和信息服务企业。") == ["云溪数字谷"])
        #expect(try names("推进青峰湖旅游度假区创建国家级旅游度假区。") == ["青峰湖旅游度假区"])
        #expect(try names("全力推进沙洲新天地建设，年内主体结顶。") == ["沙洲新天地"])
        #expect(try names("通过打造柳河街道平安“智慧城”，提升技防水平。") == ["柳河街道平安智慧城"])
        // A rank after a name of its own is part of the name; one that opens it makes a kind.
        #expect(try names("推进云岭国家级森林康养区创建。") == ["云岭国家级森林康养区"])
        #expect(try names("积极推进省级旅游度假区创建。").isEmpty)
        // A named road's section.
        let road = try plan("加快松湖环线北段建设，全长8.6公里。")
        #expect(road.projects.map(\.name) == ["松湖环线北段"])
        #expect(road.projects.first?.attributes.first?.name == "length")
    }

    @Test("以城/区结尾的普通名词、口号和目标不是项目 (common nouns, slogans and goals ending in 城/区 are not)")
    func placeClassNonNames() throws {
        #expect(try names("加快老城区改造，打造宜居新城。").isEmpty)
        #expect(try names("坚持生态立区、工业强区，推进产城融合。").isEmpty)
        #expect(try names("围绕建设“沿江生态新城”的目标，完善城市功能。").isEmpty)
        #expect(try names("全面改善老旧小区人居环境。").isEmpty)
        // No verb of building leads to the name: a mention, not a commitment.
        #expect(try names("青峰湖旅游度假区游客增长10%。").isEmpty)
    }

    @Test("“等…工程”列表：中心词是项目词即可 (a list closed by 等 and any head ending in a project word)")
    func listTails() throws {
        let found = try names("启动青龙河、白鹭荡等水系生态修复工程。")
        #expect(found.contains("青龙河"))
        #expect(found.contains("白鹭荡"))
        let firms = try names("推动恒达机械、盛元纺织等企业技改扩能。")
        #expect(firms.contains("恒达机械"))
        #expect(firms.contains("盛元纺织"))
    }

    @Test("只由修饰语构成的“项目/工程”不是具体项目 (a 项目 or 工程 named by qualifiers alone is a kind)")
    func qualifierOnlyNames() throws {
        #expect(try names("注重引进高端优质项目，加快大型骨干工程建设。").isEmpty)
        #expect(try names("积极招引新兴特色项目。").isEmpty)
        // A name of its own before the qualifiers keeps it particular.
        #expect(try names("推进华瑞新材料项目开工。") == ["华瑞新材料项目"])
    }

    @Test("只由通用词构成的名称是一类设施，不是具体项目 (a name of common words alone is a kind of facility)")
    func kindNames() throws {
        #expect(try names("新建乡镇卫生院和口袋公园，推进智慧物流产业园建设。").isEmpty)
        #expect(try names("实施山体绿化改造、河道整治等工程。").isEmpty)
        // A word of its own (a place, an enterprise) makes one particular project.
        #expect(try names("加快青溪智慧物流产业园建设。") == ["青溪智慧物流产业园"])
        // The government's own facility of a kind is one facility; a level word is not the government.
        #expect(try names("推进市中医院迁建。") == ["市中医院"])
        #expect(try names("推进县级公立医院改革。").isEmpty)
    }

    @Test("名称不带动词、否定和主语 (a name holds no clause verb, negation or subject)")
    func clauseNames() throws {
        // The clause's verbs before the name are not part of it.
        #expect(try names("办好第三届青溪茶文化博览会。") == ["第三届青溪茶文化博览会"])
        #expect(try names("坚持要素跟着项目走，集中精力抓项目。").isEmpty)
        #expect(try names("开展“在谈未签约、签约未开工”项目专项攻坚。").isEmpty)
        #expect(try names("鼓励科研院所和高校建立技术转移中心。").isEmpty)
    }

    @Test("道路红线、控制线的米数是项目宽度 (a road's 红线 in metres is its width)")
    func roadWidth() throws {
        let p = try plan("启动滨江大道拓宽改造工程，全长2.4公里，道路红线40米。")
        let project = try #require(p.projects.first { $0.name == "滨江大道拓宽改造工程" })
        #expect(project.attributes.map(\.name) == ["length", "width"])
        #expect(project.attributes.last?.value == 40)
        #expect(project.attributes.last?.unit == "米")
        let width = try #require(p.targets.first { $0.value == 40 })
        #expect(width.subject == "滨江大道拓宽改造工程道路红线")
        // A 红线 that is not in metres is no width (生态保护红线 is an area).
        let area = try plan("划定生态保护红线52平方公里。")
        #expect(area.projects.allSatisfy { $0.attributes.isEmpty })
    }

    @Test("推进动词之后的占地面积属于其后的项目 (an attribute after a verb of pushing belongs to the project)")
    func attributeAfterLeadVerb() throws {
        let p = try plan("加快推进占地面积3.2万平方米的青禾农产品物流项目。")
        let project = try #require(p.projects.first { $0.name == "青禾农产品物流项目" })
        #expect(project.attributes.map(\.name) == ["siteArea"])
        #expect(project.attributes.first?.value == 32_000)
        #expect(p.targets.first?.subject == "青禾农产品物流项目占地面积")
    }
}
