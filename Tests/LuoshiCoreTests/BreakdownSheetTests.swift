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
