import LuoshiCore
import Testing

@Suite("读回任务分解表 (an edited 任务分解表 read back)")
struct BreakdownSheetTests {
    /// A sheet made by hand: a title row, a blank row, headers in the office's own words and order, group
    /// rows numbered 一、, a cell with a line break, and three cells that cannot be read.
    static let sheet: [[String]] = [
        ["张芝山镇2015年重点工作任务分解表"],
        [],
        ["序号", "重点任务", "责任领导", "主办单位", "协办单位", "时间节点", "报送频次", "分值"],
        ["一、", "做强工业经济"],
        ["1", "新增规模以上工业企业10家", "王镇长", "经发局", "财政所、税务所", "2015年6月底", "每月", "5"],
        ["2", "建成标准化厂房3万平方米", "王镇长", "经发局", "", "下旬", "每旬", "五分"],
        [],
        ["二、", "办好民生实事"],
        ["3", "新增停车位300个", "李副镇长", "城建办", "派出所，交警中队", "年底前", "季报", "3分"],
    ]

    @Test("按意思认出表头，分组行给出领域，逐格读出 (headers by meaning, groups give the area, cells read)")
    func reads() throws {
        let r = try BreakdownSheet.read(Self.sheet, planYear: 2015)
        #expect(r.headerRow == 3)
        #expect(r.fields == [.number, .content, .leader, .leadUnit, .cooperatingUnits, .due, .cycle, .weight])
        #expect(r.lines.map(\.row) == [5, 6, 9])
        #expect(r.lines.map(\.area) == ["做强工业经济", "做强工业经济", "办好民生实事"])
        let first = r.lines[0]
        #expect(first.leader == "王镇长" && first.leadUnit == "经发局")
        #expect(first.cooperatingUnits == ["财政所", "税务所"])
        #expect(first.due == .day(CivilDay(year: 2015, month: 6, day: 30)))
        #expect(first.cycle == .monthly && first.weight == 5)
        let last = r.lines[2]
        #expect(last.cooperatingUnits == ["派出所", "交警中队"])
        #expect(last.due == .day(CivilDay(year: 2015, month: 12, day: 31)))
        #expect(last.cycle == .quarterly && last.weight == 3)
    }

    @Test("读不出的格：第几行、哪一列、写的是什么 (every unreadable cell by row and column)")
    func errors() throws {
        let r = try BreakdownSheet.read(Self.sheet, planYear: 2015)
        #expect(
            r.errors.map(\.description) == [
                "第6行 时间节点：“下旬”不是日期 (not a date)",
                "第6行 报送频次：“每旬”不是报送周期：每周、每月、每季度或到期报送 (not a reporting cycle)",
                "第6行 分值：“五分”不是 0–1000 的数 (not a number from 0 to 1000)",
            ])
    }

    @Test("没有表头的表 (a sheet with no header)")
    func noHeader() {
        #expect(throws: BreakdownSheet.Failure.noHeader) {
            try BreakdownSheet.read([["甲", "乙"], ["1", "2"]], planYear: 2015)
        }
    }
}

@Suite("手工分解表的分组行与匹配 (group rows of a hand-made sheet, and matching rows to items)")
struct BreakdownGroupAndMatchTests {
    @Test("合并单元格的分组行、只在第一格的分组行、任务列里的分组行 (group rows however they are written)")
    func groupRows() throws {
        let rows = [
            ["2015年重点任务分解表", "2015年重点任务分解表", "2015年重点任务分解表", "2015年重点任务分解表"],
            ["序号", "工作任务", "主办单位", "时间节点"],
            ["一、城乡建设", "一、城乡建设", "一、城乡建设", "一、城乡建设"],
            ["1", "新增停车位300个", "城建办", "6月底"],
            [],
            ["（二）社会事业", "", "", ""],
            ["1", "建成标准化村卫生室5家", "卫生院", "年底"],
            ["", "第三部分 党的建设", "", ""],
            ["", "开展全民健身活动", "", ""],
        ]
        let reading = try BreakdownSheet.read(rows, planYear: 2015)
        #expect(reading.lines.map(\.area) == ["城乡建设", "社会事业", "党的建设"])
        #expect(reading.lines.map(\.content) == ["新增停车位300个", "建成标准化村卫生室5家", "开展全民健身活动"])
        #expect(reading.lines.map(\.leadUnit) == ["城建办", "卫生院", nil])
        #expect(BreakdownSheet.title(rows) == "2015年重点任务分解表")
        #expect(BreakdownSheet.year(in: "2015年重点任务分解表") == 2015)
        #expect(BreakdownSheet.year(in: "分解表20151.xlsx") == nil)
    }

    @Test("按编码、原文、相近的原文和序号匹配；同一事项只认第一行 (code, words, near words and 序号; one row an item)")
    func matching() throws {
        let items: [BreakdownSheet.Candidate] = [
            .init(code: "1.t1", title: "加快推进锡通科技产业园建设，完成基础设施投资5亿元。", serial: "1"),
            .init(code: "1.t2", title: "完成老街立面改造", serial: "2"),
            .init(code: "t3", title: "新增停车位300个", serial: "3"),
            .init(code: "t4", title: "新增停车位300个", serial: "4"),
            .init(code: "2.t1", title: "开展全民健身活动二十场", serial: "5"),
            .init(code: "2.t2", title: "开展全民健身活动三十场", serial: "6"),
        ]
        func line(_ row: Int, _ content: String, code: String? = nil, number: String? = nil) -> BreakdownSheet.Line {
            .init(
                row: row, code: code, number: number, area: nil, content: content, target: nil, leader: nil,
                leadUnit: nil, cooperatingUnits: [], responsible: nil, due: nil, cycle: nil, weight: nil)
        }
        let lines = [
            line(2, "随便写的", code: "1.t2"),  // the code wins over the words
            line(3, "加快推进锡通科技产业园建设,完成基础设施投资5亿元"),  // punctuation aside
            line(4, "新增停车位300个"),  // two items with these words: the first free one
            line(5, "新增停车位 300 个"),  // and then the next
            line(6, "加快推进锡通科技产业园建设，完成基础设施投资6亿元"),  // near, but its item is taken
            line(7, "开展全民健身活动四十场", number: "6"),  // as near to two: the 序号 decides
            line(8, "开展全民健身活动五十场"),  // as near to two, no 序号: neither
            line(9, "全新的任务"),
        ]
        let m = BreakdownSheet.match(lines, to: items)
        #expect(
            m == [
                .item(1, by: .code), .item(0, by: .words), .item(2, by: .words), .item(3, by: .words),
                .duplicate(ofRow: 3), .item(5, by: .nearWords), .none, .none,
            ])
        // A row the clerk inserted above, near an item's words, never takes the item a later row names by code.
        let inserted = BreakdownSheet.match(
            [line(3, "加快推进锡通科技产业园建设，完成基础设施投资8亿元"), line(4, "旧的说法", code: "1.t1")], to: items)
        #expect(inserted == [.duplicate(ofRow: 4), .item(0, by: .code)])
    }
}
