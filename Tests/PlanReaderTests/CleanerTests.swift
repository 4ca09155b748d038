import Foundation
import LuoshiCore
import PlanReader
import Testing

/// Scrape damage undone, spans kept.
@Suite("修复抓取损伤 (undoing scrape damage)")
struct CleanerTests {
    /// A scraped plan: every number and quote on its own line, as web pages come out of text scrapers.
    static let scraped = """
        测试镇2016年工作计划
        来源: 测试镇 发布时间:2016-02-18 字体:[ 大 中 小 ]
        主要预期目标是:
        2016
        年,地区生产总值增长
        10%
        以上。
        一、做强产业
        启动
        “
        东港大道
        ”
        改造工程,总长度
        1.7
        千米,建筑面积约
        8.
        8
        万平方米。
        （
        二）第二项
        控制
        PM
        2.5
        浓度。
        二、做美集镇
        新增 300 个停车位。
        分享到:
        """

    @Test("数字、单位、引号、标题被断行后复原 (numbers, units, quotes and headings broken over lines)")
    func joins() throws {
        let plan = try PlanReader.read(text: Self.scraped)
        #expect(plan.title == "测试镇2016年工作计划")
        #expect(plan.published == "2016-02-18")
        #expect(plan.year == 2016)
        let headline = try #require(plan.targets.first)
        #expect(headline.headline)
        #expect(headline.value == 10)
        #expect(headline.comparator == .atLeast)
        #expect(headline.text == "地区生产总值增长10%以上")
        let values = plan.targets.filter { !$0.headline }.map(\.value)
        #expect(values == [1.7, 88_000, 300])
        #expect(plan.sections.map(\.title) == ["做强产业", "做美集镇"])
        #expect(plan.sections[0].sections.map(\.title) == ["第二项"])
        // PM2.5 is a name, not a figure, even broken as PM / 2.5.
        #expect(!plan.targets.contains { $0.value == 2.5 })
    }

    @Test("按固定宽度折行的文本被重新接成段落 (text hard-wrapped at a fixed width is reflowed)")
    func hardWrapped() throws {
        // Paragraphs cut every 30 characters, as some sites save text.
        let paragraphs = [
            "某镇2019年工作计划",
            "全年主要预期目标是：地区生产总值增长7.5%；一般公共预算收入达到2.6亿元；规模以上工业总产值增长10%以上；农村居民人均可支配收入增长8.5%左右。",
            "一、突出项目攻坚",
            "坚持把项目建设作为经济工作的生命线，全年新签约亿元以上项目12个，实际到位内资15亿元，组建3支专业招商小分队，每月至少外出招商一次，全年接待客商不少于100批次。",
            "二、坚持农业农村优先",
            "新建高标准农田3200亩，新增土地流转面积1500亩，新培育家庭农场20家、农民专业合作社8家，建成葡萄产业园1个，面积1000亩，全年完成植树造林500亩，改造农村公路20公里。",
        ]
        let text = paragraphs.map { p -> String in
            var lines: [String] = []
            var rest = Substring(p)
            while !rest.isEmpty {
                lines.append(String(rest.prefix(30)))
                rest = rest.dropFirst(30)
            }
            return lines.joined(separator: "\n")
        }.joined(separator: "\n")
        let plan = try PlanReader.read(text: text)
        #expect(plan.sections.map(\.title) == ["突出项目攻坚", "坚持农业农村优先"])
        #expect(plan.targets.filter(\.headline).map(\.value) == [7.5, 260_000_000, 10, 8.5])
        let first = plan.targets.filter { $0.section == "1" }
        #expect(first.map(\.value) == [12, 1_500_000_000, 3, 1, 100])
        #expect(first[3].per == "月")
    }

    @Test("表格的一行读作一项 (a table row reads as one item)")
    func tableRows() throws {
        let page = """
            <html><body><h1>某镇2020年工作计划</h1><p>全年经济社会发展主要预期指标如下：</p>
            <table><tr><td>指标名称</td><td>2020年目标</td></tr>
            <tr><td>地区生产总值增长</td><td>6.5%左右</td></tr>
            <tr><td>城镇登记失业率</td><td>3.5%以内</td></tr></table>
            <h2>一、产业</h2><p>新建厂房5万平方米。</p></body></html>
            """
        let plan = try PlanReader.read(text: page)
        let headline = plan.targets.filter(\.headline)
        #expect(headline.map(\.value) == [6.5, 3.5])
        #expect(headline.map(\.comparator) == [.approximately, .atMost])
        #expect(headline.map(\.subject) == ["地区生产总值", "城镇登记失业率"])
    }

    @Test("网页框架被去掉 (web page chrome is dropped)")
    func chrome() throws {
        let plan = try PlanReader.read(text: Self.scraped)
        let tasks = plan.allSections().flatMap(\.section.tasks).map(\.text)
        #expect(!tasks.contains { $0.contains("分享到") || $0.contains("字体") })
    }

    @Test("span 指向原文，包括换行 (spans point into the source, line breaks and all)")
    func spans() throws {
        let plan = try PlanReader.read(text: Self.scraped)
        let area = try #require(plan.targets.first { $0.value == 88_000 })
        #expect(sourceText(Self.scraped, area.span) == "约\n8.\n8\n万平方米")
        #expect(area.quantityText == "约8.8万平方米")
        let spaced = try #require(plan.targets.first { $0.value == 300 })
        #expect(sourceText(Self.scraped, spaced.span) == "300 个")
    }

    @Test("清晰文本一段一行，不被误接 (clean text keeps one paragraph per line)")
    func cleanText() throws {
        let text = """
            某县2017年工作要点
            一、产业发展
            2017年是实施“十三五”规划的重要一年
            新建标准厂房5万平方米。
            二、民生保障
            新增城镇就业3000人。
            """
        let plan = try PlanReader.read(text: text)
        #expect(plan.sections.map(\.title) == ["产业发展", "民生保障"])
        #expect(plan.targets.map(\.value) == [50_000, 3000])
        #expect(plan.issuer == "某县")
    }
}

@Suite("文档信息 (what a document says about itself)")
struct DocumentMetadataTests {
    @Test("front matter 的 source 是网址时不是发布机关 (a source that is a web address is not the issuer)")
    func sourceAddressIsNotIssuer() throws {
        let text = """
            ---
            source: https://www.example.gov.cn/art/2019/2/25/art_1.html
            title: 兰山市人民政府工作报告（2019）
            ---

            一、2018年工作回顾

            全年地区生产总值增长6%。

            二、2019年重点工作

            新建学校3所。
            """
        let plan = try PlanReader.read(text: text)
        #expect(plan.issuer == "兰山市")
        let declared = try PlanReader.read(
            text: text.replacingOccurrences(
                of: "source: https://www.example.gov.cn/art/2019/2/25/art_1.html", with: "source: 兰山市人民政府"))
        #expect(declared.issuer == "兰山市")
    }

    @Test("发布机关：标题中的地名，或会议那一行 (the issuer: the place in the title, or on the congress line)")
    func issuerFromTitleOrCongress() throws {
        func issuer(_ head: String) throws -> String? {
            try PlanReader.read(text: head + "\n\n一、2014年工作回顾\n\n全年增长6%。\n\n二、2015年重点工作\n\n新建学校3所。\n").issuer
        }
        // A numeral in the name is not a year.
        #expect(try issuer("2015年四川省人民政府工作报告") == "四川省")
        #expect(try issuer("温州市政府工作报告 （2014年2月18日 陈金彪）") == "温州市")
        #expect(try issuer("昆明市人民政府2015年《政府工作报告》") == "昆明市")
        // A title without a place: the congress line names it.
        #expect(try issuer("2017年政府工作报告\n\n2017年1月9日长沙市第十五届人民代表大会第一次会议通过") == "长沙市")
        #expect(try issuer("政府工作报告\n\n——2015年1月25日在河北省第十二届人民代表大会第三次会议上") == "河北省")
        #expect(try issuer("2021年政府工作报告") == nil)
    }

    @Test("没有结束行的 front matter 不吞掉全文 (a front matter never closed does not swallow the document)")
    func unclosedFrontMatter() throws {
        let text = """
            ---
            title: 某市2019年政府工作报告
            ### ---

            一、2018年工作回顾

            全年地区生产总值增长6%。

            二、2019年重点工作

            新建学校3所。
            """
        let plan = try PlanReader.read(text: text)
        #expect(plan.title == "某市2019年政府工作报告")
        #expect(plan.planSection?.heading == "2019年重点工作")
        #expect(plan.targets.map(\.quantityText) == ["3所"])
    }
}
