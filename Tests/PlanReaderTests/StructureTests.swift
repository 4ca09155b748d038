import Foundation
import LuoshiCore
import PlanReader
import Testing

/// Headings, sub-heads and the parts of a report.
@Suite("计划结构 (plan structure)")
struct StructureTests {
    @Test("段首并列的引领句是主题 (parallel lead sentences that open paragraphs are themes)")
    func runInLeads() throws {
        let text = """
            某镇2016年工作计划
            一、做强产业
            立足项目集聚，深入推进产业招商。坚持以高端装备制造业为主，新引进项目10个。
            立足功能完善，提升配套水平。加快主干道路建设，新建道路5公里。
            立足产城融合，加快新城建设。推进商务区建设。
            二、做美集镇
            围绕南大门建设，继续加大环境建设的投入力度。新增绿地2万平方米。
            """
        let plan = try PlanReader.read(text: text)
        #expect(plan.sections.map(\.title) == ["做强产业", "做美集镇"])
        #expect(
            plan.sections[0].sections.map(\.title) == [
                "立足项目集聚，深入推进产业招商。", "立足功能完善，提升配套水平。", "立足产城融合，加快新城建设。",
            ])
        // A single paragraph opening with a short sentence stays text.
        #expect(plan.sections[1].sections.isEmpty)
        #expect(plan.targets.map(\.section) == ["1.1", "1.2", "2"])
    }

    /// An area's account a clerk would recognise: several sentences of work after its lead.
    static func account(_ what: String) -> String {
        "围绕\(what)制定年度推进计划，明确责任分工和时间节点，逐月调度、逐项落实，确保各项措施取得实效。"
            + "加强部门协同和要素保障，及时研究解决推进中遇到的困难和问题，定期通报进展情况，年底开展专项评估。"
    }

    @Test("并入长段落的引领句是主题；别处少见时不算 (leads run into one paragraph are themes, where most areas have them)")
    func inlineLeads() throws {
        let a = Self.account
        let text = """
            某市政府工作报告
            一、2015年工作回顾
            全年地区生产总值增长8%。
            二、2016年主要任务
            （一）着力推进智能制造。提升高端制造水平。\(a("高端制造"))精心培育新兴产业。\(a("新兴产业"))改造优化传统产业。\(a("传统产业"))
            （二）着力扩大有效投资。狠抓重大项目。\(a("重大项目"))提振民间投资。\(a("民间投资"))
            （三）着力改善民生。办好民生实事，新建学校3所。
            """
        // Two of three areas have themes: the document's habit.
        let plan = try PlanReader.read(text: text)
        #expect(plan.planSection?.heading == "2016年主要任务")
        #expect(plan.sections.map(\.title) == ["着力推进智能制造。", "着力扩大有效投资。", "着力改善民生。"])
        #expect(plan.sections[0].sections.map(\.title) == ["提升高端制造水平。", "精心培育新兴产业。", "改造优化传统产业。"])
        #expect(plan.sections[1].sections.map(\.title) == ["狠抓重大项目。", "提振民间投资。"])
        #expect(plan.sections[2].sections.isEmpty)

        // The same short sentences in one area of a report whose other areas have no themes are its tasks.
        let lone = """
            某市政府工作报告
            一、2016年主要任务
            （一）着力推进智能制造。提升高端制造水平。\(a("高端制造"))精心培育新兴产业。\(a("新兴产业"))
            （二）着力扩大有效投资。\(a("重大项目"))
            （三）着力改善民生。\(a("民生实事"))
            """
        let other = try PlanReader.read(text: lone)
        #expect(other.sections.count == 3)
        #expect(other.sections.allSatisfy { $0.sections.isEmpty })
    }

    @Test("一是、二是：跨段计数为标题，段内长叙述为主题，段内短句为任务 (counted leads: heads, themes or tasks)")
    func countedLeads() throws {
        let a = Self.account
        // One 一是 paragraph after another: the heads of the part.
        let heads = """
            某市政府工作报告
            一、2015年工作回顾
            全年地区生产总值增长8%。
            二、2016年主要任务
            一是做强做优实体经济，积极构建现代化产业体系。\(a("实体经济"))
            提升产业质态。\(a("产业质态"))
            做强产业园区。\(a("产业园区"))
            二是深入实施创新驱动发展战略，持续增强新动能。\(a("创新驱动"))
            """
        let plan = try PlanReader.read(text: heads)
        #expect(plan.sections.map(\.title) == ["做强做优实体经济，积极构建现代化产业体系。", "深入实施创新驱动发展战略，持续增强新动能。"])
        #expect(plan.sections[0].sections.map(\.title) == ["提升产业质态。", "做强产业园区。"])

        // Counted leads inside an area's paragraph, each with a long account: its themes, without the count.
        let themes = """
            某市政府工作报告
            一、2016年主要任务
            （一）完善农业机制。坚持规划引导。一是加快制订村镇规划。\(a("村镇规划"))二是积极推进结构调整。\(a("结构调整"))
            （二）促进工业壮大。一是持续加大工业投入。\(a("工业投入"))二是加快产业结构调整。\(a("结构调整"))
            """
        let counted = try PlanReader.read(text: themes)
        #expect(counted.sections[0].sections.map(\.title) == ["加快制订村镇规划。", "积极推进结构调整。"])
        #expect(counted.sections[1].sections.map(\.title) == ["持续加大工业投入。", "加快产业结构调整。"])

        // A short plan's 一是…二是… in one paragraph, a line or so each: tasks, not themes or heads.
        let tasks = """
            某街道2021年工作计划
            一、重点工作
            （一）聚焦生态环境
            一是打好蓝天保卫战。全年优良天数比例不低于80%。二是打好碧水保卫战。完成河道整治5条。三是打好净土保卫战。
            （二）聚焦民生保障
            一是促进充分就业。全年新增就业500人。二是办好教育卫生。新建幼儿园1所。
            """
        let short = try PlanReader.read(text: tasks)
        #expect(short.sections.map(\.title) == ["聚焦生态环境", "聚焦民生保障"])
        #expect(short.sections.allSatisfy { $0.sections.isEmpty })
    }

    @Test("段内（1）（2）计数的引领句，与引出编号清单的段首句 (leads counted （1）（2） in the text, and a lead that opens a numbered list)")
    func parenthesisedLeads() throws {
        let a = Self.account
        let text = """
            某市政府工作报告

            一、2021年工作回顾

            全年地区生产总值增长6%。

            二、2022年工作安排

            1.推动经济稳中求进。扩大有效投资。\(a("有效投资"))

            重点抓好十大基础设施项目：（1）邵阳至永州铁路。（2）永州国际陆港项目。

            激发消费活力。\(a("消费"))

            2.全面推进乡村振兴。坚持把提高农业综合生产能力放在更加突出位置。（1）持续巩固拓展脱贫攻坚成果。\(a("脱贫攻坚成果"))（2）实施“扩大农产品出口，提升市场占有率”专项工程。\(a("农产品出口"))
            """
        let plan = try PlanReader.read(text: text)
        #expect(plan.sections[0].sections.map(\.title) == ["扩大有效投资。", "重点抓好十大基础设施项目", "激发消费活力。"])
        #expect(
            plan.sections[1].sections.map(\.title) == ["持续巩固拓展脱贫攻坚成果。", "实施“扩大农产品出口，提升市场占有率”专项工程。"])
    }

    @Test("独立成行的副标题：紧随标题者为下一级，其后按形似归位 (own-line sub-heads nest by position and shape)")
    func ownLineSubheads() throws {
        let text = """
            某镇2016年工作计划
            一、塑就自身
            坚持勤政为民，建设服务型政府。
            始终坚持把维护人民群众的根本利益作为一切工作的出发点和落脚点，牢记宗旨意识，秉承公仆精神。
            坚持“三不”原则，建设正气型政府。
            要不徇私情。
            我们每一位同志都要讲党性、讲原则，做人正派，办事公正，敢于批评和抵制不正之风。
            要不惧邪恶。
            在今后考察和任用干部时，我们会首先考虑使用原则性强、敢抓善管、不怕得罪人的干部。
            坚持依法行政，建设法治型政府。
            践行法治原则，增强领导干部法制意识，自觉带头遵纪守法，严格依法依规办事，规范履职行为。
            """
        let plan = try PlanReader.read(text: text)
        let themes = plan.sections[0].sections
        #expect(themes.map(\.title) == ["坚持勤政为民，建设服务型政府。", "坚持“三不”原则，建设正气型政府。", "坚持依法行政，建设法治型政府。"])
        #expect(themes[1].sections.map(\.title) == ["要不徇私情。", "要不惧邪恶。"])
    }

    @Test("跳级与重新编号 (skipped levels and restarted numbering)")
    func numbering() throws {
        let text = """
            某镇2016年工作计划
            一、产业
            1.招商。引进项目5个。
            2.技改。完成技改投入1亿元。
            二、农业
            （一）粮食
            1.稳定面积。粮食面积稳定在2万亩以上。
            （二）特色
            1.新建大棚300亩。
            """
        let plan = try PlanReader.read(text: text)
        #expect(plan.sections.map(\.title) == ["产业", "农业"])
        #expect(plan.sections[0].sections.map(\.title) == ["招商。", "技改。"])
        #expect(plan.sections[1].sections.map(\.title) == ["粮食", "特色"])
        #expect(plan.sections[1].sections[0].sections.map(\.title) == ["稳定面积。"])
        #expect(plan.targets.map(\.value) == [5, 100_000_000, 20_000, 300])
    }

    @Test("分别：数值依次归于所列主体 (分别 pairs figures with the subjects listed)")
    func respectively() throws {
        let found = try targets(in: "城镇和农村居民人均可支配收入分别增长8%和9%。")
        #expect(found.map(\.subject) == ["城镇居民人均可支配收入", "农村居民人均可支配收入"])
        let rates = try targets(in: "全县小学、初中入学率分别达到100%、99%。")
        #expect(rates.map(\.subject) == ["小学入学率", "初中入学率"])
    }

    @Test("没有标题的文档，目标仍被读出 (a document without headings still yields its targets)")
    func noHeadings() throws {
        let plan = try PlanReader.read(text: "今年，全镇新建道路5公里，新增绿地3万平方米。\n")
        #expect(plan.sections.isEmpty)
        #expect(plan.targets.map(\.value) == [5, 30_000])
        #expect(plan.targets.allSatisfy { $0.section == nil })
    }

    @Test("结束语与附件 (the closing address and an annex)")
    func closingAndAnnex() throws {
        let text = """
            某县2016年政府工作报告
            一、2015年工作回顾
            全年完成地区生产总值200亿元，增长9%。
            二、2016年工作安排
            （一）产业
            新建厂房10万平方米。
            各位代表，让我们团结奋斗，完成全年100%的目标任务！
            附件：2016年县政府为民办实事项目
            1.新建农村公路120公里。
            2.改造危房500户。
            名词解释
            1.三去一降一补：指去产能、去库存、去杠杆、降成本、补短板5项任务。
            """
        let plan = try PlanReader.read(text: text)
        #expect(plan.planSection?.heading == "2016年工作安排")
        #expect(plan.sections.map(\.title) == ["产业", "附件：2016年县政府为民办实事项目"])
        #expect(plan.sections[1].tasks.map(\.text) == ["1.新建农村公路120公里。", "2.改造危房500户。"])
        #expect(plan.targets.map(\.value) == [100_000, 120, 500])

        // Annex items numbered like the plan's areas, or like its parts, stay the annex's; the close stays the close.
        for (first, second) in [("（一）", "（二）"), ("一、", "二、")] {
            let numbered =
                text
                .replacingOccurrences(of: "1.新建农村公路", with: first + "新建农村公路")
                .replacingOccurrences(of: "2.改造危房", with: second + "改造危房")
            let annexed = try PlanReader.read(text: numbered)
            #expect(annexed.sections.map(\.title) == ["产业", "附件：2016年县政府为民办实事项目"], "\(first)")
            #expect(annexed.targets.map(\.value) == [100_000, 120, 500], "\(first)")
        }
    }
}

/// The parts of a report as real ones are laid out: plain part lines, an address to the deputies midway, goals
/// and a second kind of indicator.
@Suite("报告的各部分 (the parts of a report)")
struct ReportPartsTests {
    @Test("独立成行的部分标题与中途的“各位代表” (plain part lines, and an address to the deputies midway)")
    func partLinesAndAddress() throws {
        let text = """
            某市政府工作报告

            各位代表：

            2022年工作回顾

            一年来，我们着力稳增长，全年地区生产总值增长5%。

            各位代表，过去的一年极不平凡。

            2023年工作安排

            2023年是全面贯彻落实的开局之年。

            各位代表，机遇与挑战并存，但机遇大于挑战。

            今年主要预期目标建议为：地区生产总值增长6%左右。

            一、突出战略引领，推动市域发展实现新突破

            新建学校3所。

            二、突出工业支撑，推动产业质效得到新提升

            新增规模以上工业企业50户。

            各位代表，让我们团结一心，奋力谱写新篇章。
            """
        let plan = try PlanReader.read(text: text)
        #expect(plan.planSection?.heading == "2023年工作安排")
        #expect(plan.sections.map(\.title) == ["突出战略引领，推动市域发展实现新突破", "突出工业支撑，推动产业质效得到新提升"])
        #expect(plan.targets.map(\.quantityText) == ["6%左右", "3所", "50户"])
        #expect(plan.targets.first?.headline == true)
    }

    @Test("“主要预期目标和约束指标是”引出主要预期目标 (goals joined by a second kind of indicator)")
    func goalsAndConstraints() throws {
        let text = """
            某市政府工作报告
            一、2007年工作回顾
            全年本市生产总值增长14%。
            二、新的要求新的形势新的目标
            综合考虑各方面的因素，2008年我市经济社会发展的主要预期目标和约束指标是：本市生产总值增长12%；城镇登记失业率控制在3%以内。
            三、2008年主要工作
            （一）加快推进改革开放
            新建口岸2个。
            """
        let plan = try PlanReader.read(text: text)
        #expect(plan.planSection?.heading == "新的要求新的形势新的目标")
        #expect(plan.targets.filter(\.headline).map(\.subject) == ["本市生产总值", "城镇登记失业率"])
    }

    @Test("没有标注的主要预期目标：计划部分开头的数字 (goals without a label: the figures opening the plan part)")
    func unlabelledGoals() throws {
        let text = """
            某省政府工作报告

            ——2001年2月15日在某省第九届人民代表大会第四次会议上

            一、“九五”回顾

            五年来全省生产总值年均增长11%。

            二、2001年的工作

            今年，国内生产总值增长8.5％。这个指标是指导性的。城镇登记失业率控制在3.5％左右。

            1、大力推进经济结构调整

            新建高标准农田10万亩。
            """
        let plan = try PlanReader.read(text: text)
        #expect(plan.targets.filter(\.headline).map(\.subject) == ["国内生产总值", "城镇登记失业率"])
        #expect(plan.targets.filter { !$0.headline }.map(\.quantityText) == ["10万亩"])
    }

    @Test(
        "“各位代表”在最后一个部分标题之前不是结束语；“第一，”不属于主题 (an address before the last part is not the close; 第一， is not part of a theme)"
    )
    func addressBeforeLastPart() throws {
        let a = StructureTests.account
        let text = """
            某省政府工作报告

            ——2014年1月在某省第十二届人民代表大会第三次会议上

            一、2013年工作回顾

            全年生产总值增长9.6%。

            二、关于全面深化改革

            第一，进一步简政放权。\(a("简政放权"))

            第二，深化农村改革。\(a("农村改革"))

            三、关于产业结构调整升级

            各位代表，能耗高、污染重的产业结构必须调整。

            一是以更大决心和勇气推动民营经济发展。\(a("民营经济"))

            二是把人才培养和引进放在更加突出的位置。\(a("人才培养"))

            四、切实加强政府自身建设

            坚持依法行政。

            各位代表，让我们团结一心，再创新业绩。
            """
        let plan = try PlanReader.read(text: text)
        #expect(plan.sections.map(\.title) == ["关于全面深化改革", "关于产业结构调整升级"])
        #expect(plan.sections[0].sections.map(\.title) == ["进一步简政放权。", "深化农村改革。"])
        #expect(
            plan.sections[1].sections.map(\.title) == ["以更大决心和勇气推动民营经济发展。", "把人才培养和引进放在更加突出的位置。"])
    }

    @Test("节末的短句不是副标题 (a short last line of a section heads nothing)")
    func shortLastLine() throws {
        let a = StructureTests.account
        let text = """
            某区2016年工作计划

            一、做强工业

            加快产业体系建设。\(a("产业体系"))

            加大技术改造投入力度。\(a("技术改造"))

            加强工业经济运行监测分析，做好组织协调。

            二、做美城区

            新增绿地2万平方米。
            """
        let plan = try PlanReader.read(text: text)
        #expect(plan.sections[0].sections.map(\.title) == ["加快产业体系建设。", "加大技术改造投入力度。"])
        // The line stays a task, of the theme before it.
        #expect(plan.sections[0].sections.last?.tasks.last?.text == "加强工业经济运行监测分析，做好组织协调。")
    }

    @Test("段首引领句：可带逗号；不是称呼、破折号清单或判断句 (paragraph leads may hold a comma; never an address, a dash list or a statement)")
    func paragraphLeadsOfReports() throws {
        let a = StructureTests.account
        let text = """
            某市政府工作报告

            一、2008年工作回顾

            全年生产总值增长16%。

            二、关于2009年政府工作总体安排

            今年是完成“十一五”规划任务的关键一年。\(a("总体安排"))

            ——着力推动农业农村现代化。\(a("农业农村"))

            ——着力改善国民收入分配格局。\(a("收入分配"))

            三、2009年主要任务

            （一）努力保持经济平稳较快发展

            积极扩大投资，继续把重大项目建设摆在突出位置。\(a("重大项目"))

            努力促进消费，增强对经济的拉动作用。\(a("消费"))

            各位代表，保增长是今年经济工作的首要任务。\(a("保增长"))

            （二）着力保障和改善民生

            统筹城乡就业。\(a("就业"))

            努力增加群众收入。\(a("群众收入"))
            """
        let plan = try PlanReader.read(text: text)
        #expect(plan.planSection?.heading == "2009年主要任务")
        #expect(plan.sections[0].sections.map(\.title) == ["积极扩大投资，继续把重大项目建设摆在突出位置。", "努力促进消费，增强对经济的拉动作用。"])
        #expect(plan.sections[1].sections.map(\.title) == ["统筹城乡就业。", "努力增加群众收入。"])
    }

    @Test("并列的段首句：与其中任一句形似即可，首句可以不同 (parallel leads: alike to any one of them, the first may differ)")
    func parallelToAny() throws {
        let a = StructureTests.account
        let text = """
            某省2001年工作计划

            3、深入实施三大主体战略

            加快教育事业发展。\(a("教育"))

            实施两环开放带动战略，积极参与国内外竞争和合作。\(a("开放"))

            实施可持续发展战略，促进经济、社会协调发展。\(a("可持续发展"))

            4、积极扩大内需

            新增投资100亿元。
            """
        let plan = try PlanReader.read(text: text)
        #expect(
            plan.sections[0].sections.map(\.title) == [
                "加快教育事业发展。", "实施两环开放带动战略，积极参与国内外竞争和合作。", "实施可持续发展战略，促进经济、社会协调发展。",
            ])
    }
}
