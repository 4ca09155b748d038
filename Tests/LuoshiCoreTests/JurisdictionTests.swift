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
