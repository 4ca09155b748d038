import Foundation
import Testing

@testable import LuoshiCore

extension CoreTests {
    @Test("区划代码：级别与上级 (division codes: tier and parent)")
    func divisionCodes() {
        let village = DivisionCode("320684104201")!
        #expect(village.tier == 5)
        #expect(village.parent?.digits == "320684104000")
        #expect(village.parent?.tier == 4)
        #expect(village.parent?.parent?.digits == "320684000000")
        #expect(village.parent?.parent?.parent?.digits == "320600000000")
        #expect(village.parent?.parent?.parent?.parent?.digits == "320000000000")
        #expect(village.parent?.parent?.parent?.parent?.parent == nil)
        // GB/T 2260's six digits and a town's nine are the same code with the rest zero.
        #expect(DivisionCode("320684")?.tier == 3)
        #expect(DivisionCode("320684104")?.digits == "320684104000")
        for bad in ["", "3206", "32068410420", "32068410420x", "000000000000"] { #expect(DivisionCode(bad) == nil) }
        #expect(DivisionCode("320684")!.kind(named: "海门县") == .county)
        #expect(DivisionCode("320602")!.kind(named: "崇川区") == .district)
        #expect(DivisionCode("320684001")!.kind(named: "海门街道") == .subdistrict)
        #expect(DivisionCode("320684104")!.kind(named: "三厂镇") == .town)
        #expect(DivisionCode("320684104201")!.kind(named: "星河社区居委会") == .community)
        #expect(DivisionCode("320684104202")!.kind(named: "东港村委会") == .village)
    }

    @Test("组织树：谁可以在谁之下 (the tree: what may sit under what)")
    func treeRules() {
        #expect(OrganizationKind.province.maySit(under: nil))
        #expect(OrganizationKind.town.maySit(under: nil))
        #expect(!OrganizationKind.department.maySit(under: nil))
        #expect(OrganizationKind.town.maySit(under: .county))
        #expect(OrganizationKind.district.maySit(under: .city))
        #expect(!OrganizationKind.county.maySit(under: .town))
        #expect(!OrganizationKind.town.maySit(under: .subdistrict))
        #expect(OrganizationKind.village.maySit(under: .town))
        #expect(!OrganizationKind.village.maySit(under: .county))
        #expect(OrganizationKind.department.maySit(under: .province))
        #expect(!OrganizationKind.department.maySit(under: .department))
    }

    @Test("辖区：路径前缀与最近的政府 (jurisdiction: path prefix and the nearest government)")
    func jurisdiction() {
        let (county, town1, town2, dept1) = (UUID(), UUID(), UUID(), UUID())
        let paths = OrganizationTree.paths([
            (county, nil), (town1, county), (town2, county), (dept1, town1),
        ])
        #expect(paths[dept1] == TreePath([county, town1, dept1]))
        #expect(TreePath(text: paths[dept1]!.text) == paths[dept1])
        #expect(TreePath(text: "/not-an-id/") == nil)
        let kinds: [UUID: OrganizationKind] = [county: .county, town1: .town, town2: .town, dept1: .department]
        // A department's people work for its town.
        let reach = Jurisdiction.of(unitAt: paths[dept1], kinds: kinds)
        #expect(reach == .under(paths[town1]!))
        #expect(reach.covers(paths[dept1]))
        #expect(!reach.covers(paths[town2]))
        #expect(!reach.covers(paths[county]))
        // A plan of no government is the whole deployment's; a unit or account of none is not the town's.
        #expect(reach.covers(nil))
        #expect(!reach.reaches(nil))
        let countyReach = Jurisdiction.of(unitAt: paths[county], kinds: kinds)
        #expect(countyReach.covers(paths[town1]) && countyReach.covers(paths[town2]))
        #expect(Jurisdiction.of(unitAt: nil, kinds: kinds) == .everything)
        // Parents that loop are put at the top rather than lost.
        let (a, b) = (UUID(), UUID())
        let looped = OrganizationTree.paths([(a, b), (b, a)])
        #expect(looped[a] == TreePath([a]) && looped[b] == TreePath([b]))
    }
}

extension CoreTests {
    @Test("组织表：按代码找上级，按代码或同一上级下的名称更新，错误一并报告 (the tree sheet)")
    func organizationSheet() throws {
        let rows: [[String]] = [
            ["海门县组织机构表"],
            ["名称", "统计用区划代码", "上级", "类型"],
            ["三厂街道", "320684001", "", ""],
            ["海门县", "320684", "", ""],
            ["东港村委会", "320684001201", "", ""],
            ["县发改委", "", "海门县", "部门"],
            ["", "", "", ""],
        ]
        let lines = try OrganizationSheet.read(rows)
        #expect(lines.map(\.name) == ["三厂街道", "海门县", "东港村委会", "县发改委"])
        #expect(lines.map(\.kind) == [.subdistrict, .county, .village, .department])
        #expect(lines[0].row == 3)
        var n = 0
        let ids = (0..<10).map { _ in UUID() }
        let (changes, problems) = OrganizationSheet.changes(
            lines, existing: [],
            newID: {
                n += 1
                return ids[n - 1]
            })
        #expect(problems.isEmpty)
        // Parents first; the 街道 under the county by its code, the village under the 街道, the department by name.
        #expect(changes.map(\.name) == ["海门县", "三厂街道", "县发改委", "东港村委会"])
        let id = Dictionary(uniqueKeysWithValues: changes.map { ($0.name, $0.id) })
        #expect(changes.first { $0.name == "三厂街道" }?.parent == id["海门县"])
        #expect(changes.first { $0.name == "东港村委会" }?.parent == id["三厂街道"])
        #expect(changes.first { $0.name == "县发改委" }?.parent == id["海门县"])
        #expect(changes.allSatisfy { $0.isNew })

        // Again, against what is now there: an existing unit is matched by code and renamed, not added.
        let existing = changes.map {
            OrganizationSheet.Existing(id: $0.id, name: $0.name, code: $0.code, kind: $0.kind, parent: $0.parent)
        }
        let renamed = try OrganizationSheet.read([["名称", "区划代码"], ["三厂镇", "320684001"]])
        let again = OrganizationSheet.changes(renamed, existing: existing)
        #expect(again.problems.isEmpty)
        #expect(again.changes.count == 1 && again.changes[0].id == id["三厂街道"] && !again.changes[0].isNew)
        #expect(again.changes[0].kind == .town && again.changes[0].parent == id["海门县"])

        // Problems are told together, by row: a village at the top, an unknown parent, a bad code.
        let bad = try OrganizationSheet.read([
            ["名称", "区划代码", "上级"], ["孤村", "", ""], ["新村", "", "不存在的镇"],
        ])
        let refused = OrganizationSheet.changes(bad, existing: [])
        #expect(refused.problems.map(\.row) == [2, 3])
        #expect(throws: OrganizationSheet.Problem.self) {
            try OrganizationSheet.read([["名称", "代码"], ["某村", "12345"]])
        }
        // Outside the importer's jurisdiction: a county's office cannot add a province's other county.
        let other = try OrganizationSheet.read([["名称", "区划代码"], ["启东市", "320681"]])
        #expect(!OrganizationSheet.changes(other, existing: existing, root: id["海门县"]).problems.isEmpty)
    }
}

@Suite("同名单位 (units of one name)")
struct UnitNamesTests {
    @Test("各镇的党政办：写作「镇·党政办」，本级的在先 (each town's 党政办, written with its town; the government's own first)")
    func labelsAndReading() {
        let county = UUID()
        let (town1, town2) = (UUID(), UUID())
        let (office0, office1, office2, village1, village2, lone) = (UUID(), UUID(), UUID(), UUID(), UUID(), UUID())
        let names = UnitNames([
            .init(id: county, name: "海门县", parent: nil),
            .init(id: town1, name: "三厂镇", parent: county),
            .init(id: town2, name: "正余镇", parent: county),
            .init(id: office1, name: "党政办", parent: town1),
            .init(id: office2, name: "党政办", parent: town2),
            .init(id: village1, name: "新建村", parent: town1),
            .init(id: village2, name: "新建村", parent: town2),
            .init(id: lone, name: "东港村", parent: town1),
        ])
        #expect(names.labels[office1] == "三厂镇·党政办" && names.labels[village2] == "正余镇·新建村")
        #expect(names.labels[lone] == "东港村" && names.labels[county] == "海门县")
        #expect(names.reading("党政办") == .ambiguous(["三厂镇·党政办", "正余镇·党政办"]))
        #expect(names.reading("正余镇 / 党政办") == .unit(office2))
        #expect(names.reading("三厂镇党政办") == .unit(office1))
        #expect(names.reading("东港村") == .unit(lone))
        #expect(names.reading("西港村") == .unknown)
        // A name that needs no town is read with one too, and with the county above it.
        #expect(names.reading("三厂镇·东港村") == .unit(lone) && names.reading("海门县·三厂镇·东港村") == .unit(lone))
        #expect(names.reading("正余镇·东港村") == .unknown)
        // Such a form never takes a name from the unit that bears it: 城关镇's 党政办 under one county and an
        // office named 城关镇党政办 under another's 城关镇 (same depth) stay apart.
        let (countyB, townA, townB, officeA, officeB) = (UUID(), UUID(), UUID(), UUID(), UUID())
        let clash = UnitNames([
            .init(id: county, name: "海门县", parent: nil), .init(id: countyB, name: "启东县", parent: nil),
            .init(id: townA, name: "城关镇", parent: county), .init(id: townB, name: "城关镇", parent: countyB),
            .init(id: officeA, name: "党政办", parent: townA), .init(id: officeB, name: "城关镇党政办", parent: townB),
        ])
        #expect(clash.reading("城关镇党政办") == .unit(officeB))
        #expect(clash.reading(clash.labels[officeA]!) == .unit(officeA))
        // With the county's own 党政办, the bare name is the county's: its own units come first.
        let withOwn = UnitNames([
            .init(id: county, name: "海门县", parent: nil),
            .init(id: town1, name: "三厂镇", parent: county),
            .init(id: office0, name: "党政办", parent: county),
            .init(id: office1, name: "党政办", parent: town1),
        ])
        #expect(withOwn.reading("党政办") == .unit(office0))
        #expect(withOwn.reading(withOwn.labels[office1]!) == .unit(office1))
    }

    @Test("组织表：同名村按代码区分，同名上级须写代码 (villages of one name told apart by code; a parent's repeated name needs its code)")
    func sheetWithRepeatedNames() throws {
        let county = UUID()
        let (town1, town2, office1) = (UUID(), UUID(), UUID())
        let existing: [OrganizationSheet.Existing] = [
            .init(id: county, name: "海门县", code: DivisionCode("320684")!.digits, kind: .county, parent: nil),
            .init(id: town1, name: "三厂镇", code: DivisionCode("320684104")!.digits, kind: .town, parent: county),
            .init(id: town2, name: "正余镇", code: DivisionCode("320684105")!.digits, kind: .town, parent: county),
            .init(id: office1, name: "党政办", code: nil, kind: .department, parent: town1),
        ]
        let lines = try OrganizationSheet.read([
            ["名称", "统计用区划代码", "上级", "类型"],
            ["新建村", "320684104201", "", ""],
            ["新建村", "320684105201", "", ""],
            ["党政办", "", "正余镇", "部门"],
            ["党政办", "", "三厂镇", "部门"],
        ])
        let (changes, problems) = OrganizationSheet.changes(lines, existing: existing)
        #expect(problems.isEmpty)
        #expect(changes.filter(\.isNew).map(\.name).sorted() == ["党政办", "新建村", "新建村"])
        #expect(Set(changes.filter { $0.name == "新建村" }.map(\.parent)) == [town1, town2])
        // The 三厂镇 row is the 党政办 already there, not a second one.
        #expect(changes.first { $0.name == "党政办" && $0.parent == town1 }?.id == office1)
        // A village under a parent named 新建村 (two units have that name) is refused, as is a row twice.
        let twoParents =
            existing
            + changes.filter(\.isNew).map {
                OrganizationSheet.Existing(id: $0.id, name: $0.name, code: $0.code, kind: $0.kind, parent: $0.parent)
            }
        let refused = OrganizationSheet.changes(
            try OrganizationSheet.read([
                ["名称", "上级", "类型"], ["村民小组", "新建村", "部门"], ["综治办", "三厂镇", "部门"], ["综治办", "三厂镇", "部门"],
            ]), existing: twoParents)
        #expect(refused.problems.map(\.row) == [2, 4])
        #expect(refused.problems.first?.reason.contains("有 2 个单位名为「新建村」") == true)
        // Written with its town's name, the parent is found; a code given twice is one unit, reported once.
        let placed = OrganizationSheet.changes(
            try OrganizationSheet.read([
                ["名称", "统计用区划代码", "上级", "类型"], ["村民小组", "", "三厂镇·新建村", "部门"],
                ["西港村", "320684104202", "", ""], ["西港新村", "320684104202", "", ""],
            ]), existing: twoParents)
        #expect(placed.problems.map(\.row) == [2, 4])
        #expect(placed.problems.first?.reason.contains("不能属于「新建村」") == true)
        #expect(placed.problems.last?.reason.contains("与第 3 行是同一单位") == true)
        // Another town's uncoded 东港村 is not taken over by a new one, coded, in the second town.
        let eastPort = UUID()
        let withUncoded =
            twoParents + [
                .init(id: eastPort, name: "东港村", code: nil, kind: .village, parent: town1)
            ]
        let fresh = OrganizationSheet.changes(
            try OrganizationSheet.read([["名称", "统计用区划代码"], ["东港村", "320684105202"]]), existing: withUncoded)
        #expect(fresh.problems.isEmpty && fresh.changes.count == 1 && fresh.changes[0].isNew)
        #expect(fresh.changes[0].id != eastPort && fresh.changes[0].parent == town2)
    }
}
