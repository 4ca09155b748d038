import Fluent
import Foundation
import LuoshiCore
import PlanReader
import Testing
import Vapor
import VaporTesting

@testable import LuoshiServer

/// A county and two towns on one database: the demo's town moved under a new county, and a second town
/// with its own office, unit, reporter and plan.
struct TwoTowns {
    var county: Organization
    var town1: Organization
    var town2: Organization
    var unit2: Organization
    var plan1: UUID
    var plan2: UUID
    var item2: PlanItem
    /// Passwords of the accounts made here, by username.
    var passwords: [String: String]
}

extension Application {
    func twoTowns() async throws -> TwoTowns {
        let now = clock.now()
        let cli = User.commandLine
        let county = try await Directory.addUnit(
            .init(name: "海门县", kind: .county, parent: nil, code: "320684"), by: cli, on: store, now: now)
        let town1 = try #require(try await Organization.query(on: db).filter(\.$kind == .town).first())
        try await Directory.editUnit(
            town1.id!.uuidString, .init(name: town1.name, kind: .town, parent: county.id, code: "320684104"),
            by: cli, on: store, now: now)
        let town2 = try await Directory.addUnit(
            .init(name: "三厂镇人民政府", kind: .town, parent: county.id, code: "320684105"), by: cli, on: store,
            now: now)
        let unit2 = try await Directory.addUnit(
            .init(name: "三厂镇党政办", kind: .department, parent: town2.id), by: cli, on: store, now: now)
        var passwords: [String: String] = [:]
        for (username, role, unit) in [
            ("sanchang", Role.admin, town2), ("sanchang-dzb", .reporter, unit2), ("xian-dcs", .admin, county),
            ("xian-daibiao", .deputy, county),
        ] {
            let (_, password) = try await Directory.addAccount(
                .init(username: username, displayName: username, role: role, organization: unit.id), by: cli,
                cost: 4, on: store, now: now)
            passwords[username] = password
        }
        let admin2 = try #require(try await User.query(on: db).filter(\.$username == "sanchang").first())
        let doc = try PlanReader.read(text: "三厂镇2015年政府工作计划\n一、产业发展\n新建标准厂房3万平方米。\n二、民生\n新增停车位200个。\n")
        let plan2 = try await PlanStore.store(
            doc, sourceText: "", actor: admin2.username, owner: town2.id, on: store, now: now)
        plan2.status = .published
        try await plan2.save(on: db)
        let item2 = try #require(
            try await PlanItem.query(on: db).filter(\.$plan.$id == plan2.id!).filter(\.$kind == .task).first())
        var change = Assignments.Change()
        change.unit = .set(unit2.id!)
        change.due = .set(CivilDay(year: 2015, month: 12, day: 31).start(in: .beijing))
        _ = try await Assignments.apply(change, to: [item2.id!], actor: admin2, on: store, now: now)
        return TwoTowns(
            county: county, town1: town1, town2: town2, unit2: unit2, plan1: try await demoPlanID(), plan2: plan2.id!,
            item2: item2, passwords: passwords)
    }
}

extension ServerTests {
    /// A town's office, reporter and the county above them against each other's records: another town's
    /// plan, item, report, notice, unit and account are not found (404), over the API and the pages alike;
    /// the county reaches both towns; lists hold only what is within reach.
    @Test("辖区：镇只见本镇，县见全县 (a town sees its own; the county sees its towns)")
    func jurisdictionMatrix() async throws {
        try await TestApp.with { app in
            let towns = try await app.twoTowns()
            // The demo town moved under the county took its units along: their paths now start at the county.
            let dept = try #require(
                try await Organization.query(on: app.db).filter(\.$parent.$id == towns.town1.id!).first())
            #expect(dept.treePath.map { TreePath([towns.county.id!]).contains($0) } == true)
            #expect(dept.treePath?.ids.count == 3)

            let (item1, reporter1) = try await app.assignedItem()
            let pending1 = try #require(
                try await ProgressReport.query(on: app.db).filter(\.$state == .submitted).first()
            ).id!
            let admin1 = try #require(try await User.query(on: app.db).filter(\.$username == "duchaban").first())
            let notice1 = try await Notices.issue(
                .init(item: item1.id!, level: .blue, reason: "请报送进展", requiredAction: "三日内报送"), by: admin1,
                on: app.store, now: app.clock.now())
            let admin2 = try #require(try await User.query(on: app.db).filter(\.$username == "sanchang").first())
            let notice2 = try await Notices.issue(
                .init(item: towns.item2.id!, level: .blue, reason: "请报送进展", requiredAction: "三日内报送"),
                by: admin2, on: app.store, now: app.clock.now())
            var callers: [String: Caller] = [:]
            callers["town1 admin"] = try await app.signIn("duchaban")
            callers["town1 reporter"] = try await app.signIn(reporter1.username)
            for name in ["sanchang", "sanchang-dzb", "xian-dcs", "xian-daibiao"] {
                callers[name] = try await app.signIn(name, password: towns.passwords[name]!)
            }
            let filing = #"{"period":"2015-06","percentComplete":50,"narrative":"推进中"}"#
            struct Probe {
                var method: HTTPMethod
                var path: String
                var body: String? = nil
                /// Who gets 404; everyone else in `reach` gets `ok`.
                var hidden: Set<String>
                var reach: Set<String>
                var ok: HTTPStatus = .ok
            }
            let town1Side: Set<String> = ["town1 admin", "xian-dcs", "xian-daibiao"]
            let town2Side: Set<String> = ["sanchang", "xian-dcs", "xian-daibiao"]
            let town2People: Set<String> = ["sanchang", "sanchang-dzb"]
            let town1People: Set<String> = ["town1 admin", "town1 reporter"]
            let probes = [
                Probe(method: .GET, path: "/api/v1/plans/\(towns.plan1)", hidden: town2People, reach: town1Side),
                Probe(method: .GET, path: "/plans/\(towns.plan1)", hidden: town2People, reach: town1Side),
                Probe(method: .GET, path: "/api/v1/items/\(item1.id!)", hidden: town2People, reach: town1Side),
                Probe(method: .GET, path: "/items/\(item1.id!)", hidden: town2People, reach: town1Side),
                Probe(method: .GET, path: "/notices/\(notice1.id!)", hidden: town2People, reach: town1Side),
                Probe(
                    method: .POST, path: "/api/v1/reports/\(pending1)/return", body: #"{"reason":"请补充台账"}"#,
                    hidden: town2People, reach: ["xian-dcs"]),
                Probe(
                    method: .GET, path: "/units/\(dept.id!)", hidden: ["sanchang"], reach: ["town1 admin", "xian-dcs"]),
                Probe(
                    method: .GET, path: "/people/\(reporter1.id!)", hidden: ["sanchang"],
                    reach: ["town1 admin", "xian-dcs"]
                ),
                Probe(
                    method: .POST, path: "/api/v1/items/\(item1.id!)/reports", body: filing, hidden: ["sanchang-dzb"],
                    reach: []),
                Probe(method: .GET, path: "/api/v1/plans/\(towns.plan2)", hidden: town1People, reach: town2Side),
                Probe(method: .GET, path: "/api/v1/items/\(towns.item2.id!)", hidden: town1People, reach: town2Side),
                Probe(method: .GET, path: "/notices/\(notice2.id!)", hidden: town1People, reach: town2Side),
                Probe(
                    method: .GET, path: "/units/\(towns.unit2.id!)", hidden: ["town1 admin"],
                    reach: ["sanchang", "xian-dcs"]),
                Probe(
                    method: .POST, path: "/api/v1/items/\(towns.item2.id!)/reports", body: filing,
                    hidden: ["town1 reporter"], reach: ["sanchang-dzb"], ok: .created),
                // Ids in a body are held to the same reach as ids in the path.
                Probe(
                    method: .POST, path: "/api/v1/notices",
                    body: #"{"item":"\#(item1.id!)","level":"blue","reason":"请报送","requiredAction":"报送进展"}"#,
                    hidden: ["sanchang"], reach: ["xian-dcs"], ok: .created),
                Probe(
                    method: .POST, path: "/api/v1/assignments", body: #"{"items":["\#(item1.id!)"],"weight":3}"#,
                    hidden: ["sanchang"], reach: ["xian-dcs"]),
            ]
            for probe in probes {
                for (name, caller) in callers.sorted(by: { $0.key < $1.key })
                where probe.hidden.contains(name) || probe.reach.contains(name) {
                    let expected: HTTPStatus = probe.hidden.contains(name) ? .notFound : probe.ok
                    try await app.testing().test(
                        probe.method, probe.path, headers: .json(caller),
                        beforeRequest: { req in
                            if let body = probe.body { req.body = ByteBuffer(string: body) }
                        }
                    ) { res in
                        #expect(
                            res.status == expected,
                            "\(name) \(probe.method) \(probe.path): \(res.status) \(res.body.string.prefix(200))")
                    }
                }
            }

            // Lists: each town its own plan; the county both.
            func planTitles(_ caller: Caller) async throws -> Set<UUID> {
                var ids: Set<UUID> = []
                try await app.testing().test(.GET, "/api/v1/plans", headers: caller.headers) { res in
                    struct Row: Decodable { var id: UUID }
                    ids = Set(try res.content.decode([Row].self).map(\.id))
                }
                return ids
            }
            #expect(try await planTitles(callers["sanchang"]!) == [towns.plan2])
            #expect(try await planTitles(callers["town1 admin"]!) == [towns.plan1])
            #expect(try await planTitles(callers["xian-dcs"]!) == [towns.plan1, towns.plan2])
            #expect(try await planTitles(callers["xian-daibiao"]!) == [towns.plan1, towns.plan2])
            // The units page and the notice list of one town name nothing of the other's.
            try await app.testing().test(.GET, "/units", headers: callers["sanchang"]!.headers) { res in
                #expect(res.body.string.contains("三厂镇党政办"))
                #expect(!res.body.string.contains(dept.name))
            }
            try await app.testing().test(.GET, "/notices", headers: callers["sanchang"]!.headers) { res in
                #expect(res.body.string.contains(towns.item2.title))
                #expect(!res.body.string.contains(item1.title))
            }
            // A town's office reads its own people's steps in the audit log, not the other town's.
            try await app.testing().test(.GET, "/api/v1/audit", headers: callers["sanchang"]!.headers) { res in
                #expect(res.body.string.contains("\"sanchang\"") && !res.body.string.contains("duchaban"))
            }
            // The county finds either town's notice (the demo town's among its many, by the item's words).
            for (title, notice) in [(item1.title, notice1.id!), (towns.item2.title, notice2.id!)] {
                let words = String(title.prefix(8)).addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
                try await app.testing().test(.GET, "/notices?q=\(words)", headers: callers["xian-dcs"]!.headers) {
                    res in
                    #expect(res.body.string.contains("/notices/\(notice)"), "\(title)")
                }
            }
            // A town's office cannot put a unit outside its town, nor give an account of no unit.
            // Ids in forms too: bulk acceptance, a channel for another town's unit.
            let waiting = try #require(
                try await ProgressReport.query(on: app.db).filter(\.$state == .submitted).filter(\.$id != pending1)
                    .filter(\.$unit.$id != towns.unit2.id!)
                    .first())
            await #expect(throws: LuoshiError.self) {
                try await Reports.review(
                    waiting.id!.uuidString, accept: true, reason: nil, user: admin2, on: app.store,
                    now: app.clock.now())
            }
            #expect(try await ProgressReport.find(waiting.id!, on: app.db)?.state == .submitted)
            await #expect(throws: LuoshiError.self) {
                try await Channels.add(
                    .init(
                        name: "群", kind: .wecom, target: "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k",
                        organization: dept.id), by: admin2, on: app.store, now: app.clock.now())
            }
            await #expect(throws: LuoshiError.self) {
                try await Directory.addUnit(
                    .init(name: "越界单位", kind: .department, parent: towns.town1.id), by: admin2, on: app.store,
                    now: app.clock.now())
            }
            await #expect(throws: LuoshiError.self) {
                try await Directory.addAccount(
                    .init(username: "nobody", displayName: "无单位", role: .deputy, organization: nil), by: admin2,
                    cost: 4, on: app.store, now: app.clock.now())
            }
        }
    }
}

extension ServerTests {
    /// 上级交办: the county hands a task to its three towns (one has no plan for the year, so it is not
    /// reached); two towns report on their copies; the county's item ranks them with the figures worked
    /// out by hand: on 30 June a year-long task is expected at 180/364 ≈ 49%; the first town at 80% is on
    /// track (green), the second at 10% is 39 points short, past the 25-point line, so behind (red).
    @Test("上级交办：下发到各镇，各镇报送，县里看到排名和滞后数 (a county task handed down and rolled up)")
    func handDownRollUp() async throws {
        try await TestApp.with { app in
            let towns = try await app.twoTowns()
            let now = app.clock.now()
            let town3 = try await Directory.addUnit(
                .init(name: "悦来镇人民政府", kind: .town, parent: towns.county.id), by: .commandLine, on: app.store,
                now: now)
            let countyAdmin = try #require(try await User.query(on: app.db).filter(\.$username == "xian-dcs").first())
            let doc = try PlanReader.read(text: "海门县2015年政府工作报告\n一、乡村振兴\n各镇新建农村公路50公里。\n全面完成河道整治。\n")
            let plan = try await PlanStore.store(
                doc, sourceText: "", actor: countyAdmin.username, owner: towns.county.id, on: app.store, now: now)
            plan.status = .published
            try await plan.save(on: app.db)
            let task = try #require(
                try await PlanItem.query(on: app.db).filter(\.$plan.$id == plan.id!).filter(\.$kind == .task).first())
            var dates = Assignments.Change()
            dates.start = .set(CivilDay(year: 2015, month: 1, day: 1).start(in: .beijing))
            dates.due = .set(CivilDay(year: 2015, month: 12, day: 31).start(in: .beijing))
            _ = try await Assignments.apply(dates, to: [task.id!], actor: countyAdmin, on: app.store, now: now)

            let county = try await app.signIn("xian-dcs", password: towns.passwords["xian-dcs"]!)
            var outcomes: [HandDowns.Outcome] = []
            try await app.testing().test(
                .POST, "/api/v1/items/\(task.id!)/handdown", headers: .json(county),
                beforeRequest: { req in
                    try req.content.encode(
                        HandDownController.HandDownBody(towns: [towns.town1.id!, towns.town2.id!, town3.id!]))
                }
            ) { res in
                #expect(res.status == .ok, "\(res.body.string)")
                outcomes = try res.content.decode([HandDowns.Outcome].self)
            }
            #expect(outcomes.count == 3)
            #expect(outcomes.first { $0.town == town3.id }?.refused?.contains("尚无2015年计划") == true)
            let copy1 = try #require(outcomes.first { $0.town == towns.town1.id }?.item)
            let copy2 = try #require(outcomes.first { $0.town == towns.town2.id }?.item)
            // Handing it again changes nothing: each town keeps its one copy.
            let again = try await HandDowns.handDown(
                task.id!, to: [towns.town1.id!], by: countyAdmin, on: app.store, now: now)
            #expect(again.first?.item == copy1)
            #expect(try await PlanItem.query(on: app.db).filter(\.$sourceItemID == task.id!).count() == 2)
            // The copy sits in the town's plan under the handed-down section, with the county's dates.
            let stored1 = try #require(try await PlanItem.find(copy1, on: app.db))
            #expect(stored1.$plan.id == towns.plan1 && stored1.title == task.title)
            let section = try #require(try await stored1.$parent.get(on: app.db))
            #expect(section.title == HandDown.sectionTitle)

            // Each town's office gives the copy to a unit of its own; the units report; the offices accept.
            let admin1 = try #require(try await User.query(on: app.db).filter(\.$username == "duchaban").first())
            let admin2 = try #require(try await User.query(on: app.db).filter(\.$username == "sanchang").first())
            let (_, reporter1) = try await app.assignedItem()
            for (copy, admin, unit) in [
                (copy1, admin1, reporter1.$organization.id!), (copy2, admin2, towns.unit2.id!),
            ] {
                var lead = Assignments.Change()
                lead.unit = .set(unit)
                _ = try await Assignments.apply(lead, to: [copy], actor: admin, on: app.store, now: now)
            }
            let callers = [
                (copy1, try await app.signIn(reporter1.username), try await app.signIn("duchaban"), 80),
                (
                    copy2, try await app.signIn("sanchang-dzb", password: towns.passwords["sanchang-dzb"]!),
                    try await app.signIn("sanchang", password: towns.passwords["sanchang"]!), 10
                ),
            ]
            for (copy, reporter, admin, percent) in callers {
                var report: UUID?
                try await app.testing().test(
                    .POST, "/api/v1/items/\(copy)/reports", headers: .json(reporter),
                    beforeRequest: { req in
                        req.body = ByteBuffer(
                            string: #"{"period":"2015-06","percentComplete":\#(percent),"narrative":"按计划推进"}"#)
                    }
                ) { res in
                    #expect(res.status == .created, "\(res.body.string)")
                    report = try? res.content.get(UUID.self, at: "id")
                }
                try await app.testing().test(
                    .POST, "/api/v1/reports/\(try #require(report))/accept", headers: .json(admin)
                ) { res in #expect(res.status == .ok, "\(res.body.string)") }
            }

            // The county's item: ranked, counted, behind, not reached.
            try await app.testing().test(.GET, "/api/v1/items/\(task.id!)/handdown", headers: county.headers) { res in
                let view = try res.content.decode(HandDownController.StandingView.self)
                #expect(view.towns.map(\.townName) == ["张芝山镇人民政府", "三厂镇人民政府", "悦来镇人民政府"])
                #expect(view.towns.map(\.rank) == [1, 2, nil])
                #expect(view.towns.map(\.status) == ["onTrack", "behind", nil])
                #expect(view.towns.map(\.colour) == ["green", "red", nil])
                #expect(view.towns.map(\.progress) == [0.8, 0.1, nil])
                #expect(view.green == 1 && view.yellow == 0 && view.red == 1)
                #expect(view.behind == 1 && view.unreached == 1)
            }
            // The page says the same, and each town's name opens its own copy.
            try await app.testing().test(.GET, "/items/\(task.id!)", headers: county.headers) { res in
                let html = res.body.string
                #expect(html.contains("已交办 2 个，绿 1、黄 0、红 1；滞后 1 个；未交办 1 个。"))
                let first = try #require(html.range(of: "/items/\(copy1)"))
                let second = try #require(html.range(of: "/items/\(copy2)"))
                #expect(first.lowerBound < second.lowerBound)
            }
            // The county's standing page: its three towns (the one without a plan last), and the task's row
            // counted as above: green 1, yellow 0, red 1, not handed 1; each town opens its own plan.
            try await app.testing().test(.GET, "/standing", headers: county.headers) { res in
                let html = res.body.string
                #expect(res.status == .ok)
                for name in ["张芝山镇人民政府", "三厂镇人民政府", "悦来镇人民政府"] { #expect(html.contains(name)) }
                #expect(html.contains("/plans/\(towns.plan1)") && html.contains("/plans/\(towns.plan2)"))
                let row = try #require(html.range(of: "/items/\(task.id!)"))
                #expect(
                    html[row.upperBound...].contains(
                        #"data-label="绿" class="num">1</td><td data-label="黄" class="num">0</td><td data-label="红" class="num">1</td><td data-label="未交办" class="num">1</td>"#
                    ))
                let missing = try #require(html.range(of: "悦来镇人民政府"))
                #expect(html.range(of: "三厂镇人民政府")!.lowerBound < missing.lowerBound)
            }
            // A town's copy is marked with its source; the town cannot open the county's plan.
            let town2 = try await app.signIn("sanchang", password: towns.passwords["sanchang"]!)
            try await app.testing().test(.GET, "/items/\(copy2)", headers: town2.headers) { res in
                #expect(res.body.string.contains("上级交办") && res.body.string.contains("海门县"))
                #expect(!res.body.string.contains("/items/\(task.id!)"))
            }
            try await app.testing().test(.GET, "/api/v1/items/\(task.id!)/handdown", headers: town2.headers) { res in
                #expect(res.status == .notFound)
            }
            try await app.testing().test(.GET, "/standing?of=\(towns.county.id!)", headers: town2.headers) { res in
                #expect(res.status == .notFound)
            }
            // A town's office cannot hand the county's task anywhere.
            try await app.testing().test(
                .POST, "/api/v1/items/\(task.id!)/handdown", headers: .json(town2),
                beforeRequest: { req in
                    try req.content.encode(HandDownController.HandDownBody(towns: [towns.town2.id!]))
                }
            ) { res in #expect(res.status == .notFound) }
        }
    }
}

extension ServerTests {
    /// The county's office sets up its part of the tree from a sheet: new towns and villages by code,
    /// the demo town given its code (matched by name); a sheet with one row outside the county writes nothing.
    @Test("组织树从表格导入：按代码入树，全对才写入 (the tree imported from a sheet)")
    func treeImport() async throws {
        try await TestApp.with { app in
            let towns = try await app.twoTowns()
            let countyAdmin = try #require(try await User.query(on: app.db).filter(\.$username == "xian-dcs").first())
            // The deployment's administrator puts a province and a city above the county (matched by its code):
            // the county and everything under it move down two levels.
            let above = try await Directory.importTree(
                [["名称", "统计用区划代码"], ["江苏省", "320000"], ["南通市", "320600"], ["海门县", "320684"]],
                by: .commandLine, on: app.store, now: app.clock.now())
            #expect(above.added == 2 && above.updated == 1)
            let dept = try #require(
                try await Organization.query(on: app.db).filter(\.$parent.$id == towns.town1.id!).first())
            #expect(dept.treePath?.ids.count == 5)
            let before = try await Organization.query(on: app.db).count()
            let outside: [[String]] = [["名称", "统计用区划代码"], ["正余镇", "320684106"], ["启东市", "320681"]]
            await #expect(throws: LuoshiError.self) {
                try await Directory.importTree(outside, by: countyAdmin, on: app.store, now: app.clock.now())
            }
            #expect(try await Organization.query(on: app.db).count() == before)
            let sheet: [[String]] = [
                ["名称", "统计用区划代码", "上级"],
                ["正余镇", "320684106", ""],
                ["正余镇东村", "320684106201", ""],
                ["张芝山镇人民政府", "320684104", ""],
            ]
            let result = try await Directory.importTree(sheet, by: countyAdmin, on: app.store, now: app.clock.now())
            #expect(result.added == 2 && result.updated == 0 && result.unchanged == 1)
            let village = try #require(try await Organization.query(on: app.db).filter(\.$name == "正余镇东村").first())
            let town = try #require(try await Organization.query(on: app.db).filter(\.$name == "正余镇").first())
            #expect(village.kind == .village && village.$parent.id == town.id && town.$parent.id == towns.county.id)
            #expect(village.treePath?.ids.suffix(3) == [towns.county.id!, town.id!, village.id!])
            #expect(village.treePath?.ids.count == 5)
            // The county's office reaches the new village; the other towns' offices do not.
            let reach = try await Jurisdiction.of(
                try #require(try await User.query(on: app.db).filter(\.$username == "sanchang").first()), on: app.db)
            #expect(!reach.reaches(village.treePath))
        }
    }
}

extension ServerTests {
    /// Names repeat across a county: each town has its own departments and villages of common names, the
    /// tree import tells them apart by parent and code, a county's sheet writes them with their town's name,
    /// and each town's office numbers its own notices.
    @Test("同名单位与各镇督办单编号 (units of one name in two towns; each town numbers its notices)")
    func sameNamesAcrossTowns() async throws {
        try await TestApp.with { app in
            let towns = try await app.twoTowns()
            let now = app.clock.now()
            let demoDept = try #require(
                try await Organization.query(on: app.db).filter(\.$parent.$id == towns.town1.id!)
                    .filter(\.$kind == .department).sort(\.$name).first())
            // The second town gets a department of the same name; a second one there is refused.
            let twin = try await Directory.addUnit(
                .init(name: demoDept.name, kind: .department, parent: towns.town2.id), by: .commandLine,
                on: app.store, now: now)
            #expect(twin.id != demoDept.id && twin.$parent.id == towns.town2.id)
            do {
                _ = try await Directory.addUnit(
                    .init(name: demoDept.name, kind: .department, parent: towns.town2.id), by: .commandLine,
                    on: app.store, now: now)
                Issue.record("a second unit of one name under one town was accepted")
            } catch let error as LuoshiError {
                #expect(error.message.contains("同一上级下已有名为「\(demoDept.name)」的单位"))
            }

            // A village of one name under each town, by code, and a department by its town's name: added once,
            // and the same sheet again changes nothing.
            let sheet: [[String]] = [
                ["名称", "统计用区划代码", "上级", "类型"],
                ["新建村", "320684104201", "", ""],
                ["新建村", "320684105201", "", ""],
                ["综治办", "", "三厂镇人民政府", "部门"],
            ]
            let first = try await Directory.importTree(sheet, by: .commandLine, on: app.store, now: now)
            #expect(first.added == 3 && first.updated == 0)
            let again = try await Directory.importTree(sheet, by: .commandLine, on: app.store, now: now)
            #expect(again.added == 0 && again.updated == 0 && again.unchanged == 3)
            let villages = try await Organization.query(on: app.db).filter(\.$name == "新建村").all()
            #expect(Set(villages.map { $0.$parent.id }) == [towns.town1.id, towns.town2.id])
            // A row naming a unit that two towns have, with no parent or code to tell which, is refused.
            do {
                _ = try await Directory.importTree(
                    [["名称", "上级"], [demoDept.name, ""]], by: .commandLine, on: app.store, now: now)
                Issue.record("an ambiguous name was accepted")
            } catch let error as LuoshiError {
                #expect(error.message.contains("有 2 个单位名为「\(demoDept.name)」，请填上级"))
            }

            // A county plan's sheet: the bare name is ambiguous and written back with its town's name.
            let county = try #require(
                try await User.query(on: app.db).filter(\.$username == "xian-dcs").first())
            let doc = try PlanReader.read(text: "海门县2015年政府工作计划\n一、社会治理\n建成网格化服务管理中心3个。\n")
            let plan = try await PlanStore.store(
                doc, sourceText: "", actor: county.username, owner: towns.county.id, on: app.store, now: now)
            let item = try #require(
                try await PlanItem.query(on: app.db).filter(\.$plan.$id == plan.id!).filter(\.$kind == .task).first())
            let header = ["序号", "任务内容", "牵头单位"]
            let ambiguous = try await BreakdownImport.preview(
                plan: plan, rows: [header, ["1", item.title, demoDept.name]], on: app.db, now: now)
            #expect(
                ambiguous.errors.map(\.problem).first?.contains(
                    "请写作「三厂镇人民政府·\(demoDept.name)」或「\(towns.town1.name)·\(demoDept.name)」") == true)
            #expect(ambiguous.newUnits.isEmpty)
            let qualified = try await BreakdownImport.preview(
                plan: plan, rows: [header, ["1", item.title, "三厂镇人民政府\(demoDept.name)"]], on: app.db, now: now)
            #expect(qualified.errors.isEmpty && qualified.newUnits.isEmpty)
            #expect(qualified.changes.map(\.field) == [.leadUnit])

            // The command line takes the qualified name, and says which to write for the bare one.
            await #expect(throws: LuoshiError.self) {
                _ = try await LuoshiServer.addUser(
                    app, username: "twin1", displayName: "填报员", role: .reporter, unit: demoDept.name)
            }
            _ = try await LuoshiServer.addUser(
                app, username: "twin2", displayName: "填报员", role: .reporter, unit: "三厂镇人民政府·\(demoDept.name)")
            let added = try #require(try await User.query(on: app.db).filter(\.$username == "twin2").first())
            #expect(added.$organization.id == twin.id)

            // Notices: the second town's first is its No. 1 whatever the first town has issued.
            func issue(_ item: UUID, _ unit: UUID, by username: String) async throws -> SupervisionNotice {
                guard let user = try await User.query(on: app.db).filter(\.$username == username).first() else {
                    throw LuoshiError.notFound(entity: "账号", id: username)
                }
                return try await Notices.issue(
                    .init(item: item, unit: unit, level: .blue, reason: "进度滞后", requiredAction: "说明原因"), by: user,
                    on: app.store, now: now)
            }
            let (item1, reporter1) = try await app.assignedItem()
            let before =
                try await SupervisionNotice.query(on: app.db).filter(\.$government.$id == towns.town1.id!)
                .max(\.$serial) ?? 0
            let n1 = try await issue(item1.id!, reporter1.$organization.id!, by: "duchaban")
            let n2 = try await issue(towns.item2.id!, towns.unit2.id!, by: "sanchang")
            let n3 = try await issue(towns.item2.id!, towns.unit2.id!, by: "sanchang")
            #expect(n1.serial == before + 1 && n1.$government.id == towns.town1.id)
            #expect(n2.number == "督〔2015〕1号" && n3.number == "督〔2015〕2号")
            #expect(n2.$government.id == towns.town2.id)
            // The county's list spans both towns: each unit is written with its town's name.
            let countyCaller = try await app.signIn("xian-dcs", password: towns.passwords["xian-dcs"]!)
            try await app.testing().test(.GET, "/notices", headers: countyCaller.headers) { res in
                #expect(res.body.string.contains("三厂镇人民政府·三厂镇党政办"))
                #expect(res.body.string.contains("\(towns.town1.name)·"))
            }
            // A town's own list is its own: no town names in front.
            let town2 = try await app.signIn("sanchang", password: towns.passwords["sanchang"]!)
            try await app.testing().test(.GET, "/notices", headers: town2.headers) { res in
                #expect(res.body.string.contains(">三厂镇党政办<") && !res.body.string.contains("·三厂镇党政办"))
            }
        }
    }
}

extension ServerTests {
    /// A county's setup pages hold one level of the tree and one page of accounts at a time, within reach.
    @Test("单位与人员页：逐级展开、可查找、分页 (units and people one level and one page at a time)")
    func treePages() async throws {
        try await TestApp.with { app in
            let towns = try await app.twoTowns()
            let county = try await app.signIn("xian-dcs", password: towns.passwords["xian-dcs"]!)
            let town2 = try await app.signIn("sanchang", password: towns.passwords["sanchang"]!)
            func page(_ caller: Caller, _ path: String) async throws -> (HTTPStatus, String) {
                var out: (HTTPStatus, String) = (.internalServerError, "")
                try await app.testing().test(.GET, path, headers: caller.headers) { res in
                    out = (res.status, res.body.string)
                }
                return out
            }
            let dept1 = try #require(
                try await Organization.query(on: app.db).filter(\.$parent.$id == towns.town1.id!)
                    .filter(\.$kind == .department).sort(\.$name).first())
            // The county's office opens at its county: the two towns, not the units under them.
            let (status, top) = try await page(county, "/units")
            #expect(status == .ok && top.contains("海门县") && top.contains("下属 2 个单位"))
            #expect(top.contains("三厂镇人民政府") && top.contains(towns.town1.name))
            #expect(!top.contains("三厂镇党政办") && !top.contains(">\(dept1.name)<"))
            #expect(top.contains("href=\"/units?under=\(towns.town2.id!)\""))
            // One level down: the town's units, and the way back up to the county.
            let (_, down) = try await page(county, "/units?under=\(towns.town2.id!)")
            #expect(down.contains("三厂镇党政办") && down.contains("href=\"/units?under=\(towns.county.id!)\""))
            // A search runs across the county; from a town, another town's level is not there.
            let (_, found) = try await page(
                county, "/units?q=" + "党政办".addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed)!)
            #expect(found.contains("三厂镇党政办"))
            #expect(try await page(town2, "/units?under=\(towns.town1.id!)").0 == .notFound)
            #expect(try await page(town2, "/people?unit=\(towns.town1.id!)").0 == .notFound)

            // A plan of no government (any office reads it): the second town's office is offered its own units
            // and leaders only, not the first town's.
            let unowned = try #require(try await Plan.find(towns.plan2, on: app.db))
            unowned.$owner.id = nil
            try await unowned.save(on: app.db)
            let (assignStatus, assign) = try await page(town2, "/assign?plan=\(towns.plan2)")
            #expect(assignStatus == .ok && assign.contains("三厂镇党政办") && !assign.contains(">\(dept1.name)<"))
            unowned.$owner.id = towns.town2.id
            try await unowned.save(on: app.db)

            // 25 more accounts in the second town: the county's 58 accounts come 50 to a page, staff first.
            for i in 1...25 {
                _ = try await Directory.addAccount(
                    .init(
                        username: "sc\(i)", displayName: "三厂填报员\(i)", role: .reporter, organization: towns.unit2.id),
                    by: .commandLine, cost: 4, on: app.store, now: app.clock.now())
            }
            // 58 accounts in all, one of them (the demo's deputy) of no unit: the county is the government at the
            // top of this deployment, so its office lists that one too.
            #expect(try await User.query(on: app.db).count() == 58)
            #expect(try await User.query(on: app.db).filter(\.$organization.$id == nil).count() == 1)
            let (_, first) = try await page(county, "/people")
            #expect(first.contains("第 1–50 个，共 58 个"))
            #expect(first.contains("xian-dcs") && first.contains("duchaban"))
            let (_, second) = try await page(county, "/people?page=2")
            #expect(second.contains("第 51–58 个，共 58 个") && !second.contains(">duchaban<"))
            // One town's accounts; and a search by name.
            let (_, own) = try await page(county, "/people?unit=\(towns.town2.id!)")
            #expect(own.contains(">sanchang<") && own.contains(">sc25<") && !own.contains(">duchaban<"))
            let (_, named) = try await page(
                town2, "/people?q=" + "三厂填报员2".addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed)!)
            #expect(named.contains(">sc2<") && named.contains(">sc25<") && !named.contains(">sc3<"))
        }
    }

    /// A plan's kept pages are checked against its own writes and the directory's: one town's filing does not
    /// throw away another town's overview, its own does, and renaming a unit does for every plan.
    @Test("各镇页面缓存只随本计划和单位人员的改动失效 (a town's pages are kept until its own plan or the directory changes)")
    func pagesKeptPerPlan() async throws {
        try await TestApp.with { app in
            let towns = try await app.twoTowns()
            let plans = try await Plan.query(on: app.db).filter(\.$id ~~ [towns.plan1, towns.plan2]).all()
                .sorted { $0.id == towns.plan1 && $1.id != towns.plan1 }
            func keys() async throws -> [SnapshotCache.Key] {
                // As a write through this process leaves it: the counters are read again.
                await app.snapshots.invalidate()
                return try await SnapshotCache.keys(
                    plans, for: Request(application: app, on: app.eventLoopGroup.next()))
            }
            let before = try await keys()
            #expect(before.map(\.plan) == [towns.plan1, towns.plan2])
            let reporter = try #require(
                try await User.query(on: app.db).filter(\.$username == "sanchang-dzb").first())
            _ = try await Reports.file(
                .init(period: "2015-06", actualValue: nil, percentComplete: 40, milestone: nil, narrative: "推进中"),
                item: towns.item2, user: reporter, on: app.store, now: app.clock.now())
            let afterFiling = try await keys()
            #expect(afterFiling[0] == before[0], "the first town's pages stay")
            #expect(afterFiling[1].version == before[1].version + 1, "the second town's are read again")
            try await Directory.editUnit(
                towns.unit2.id!.uuidString, .init(name: "三厂镇党政和人大办", kind: .department, parent: towns.town2.id),
                by: .commandLine, on: app.store, now: app.clock.now())
            let afterRename = try await keys()
            #expect(afterRename.map(\.directory) == before.map { $0.directory + 1 })
            #expect(afterRename.map(\.version) == afterFiling.map(\.version))
            // The scheduler's minute reads the same counters: the second town's plan was written since.
            let look = try await BackgroundWork.look(at: app.clock.now(), on: app.db)
            #expect(look.plans[towns.plan2] == afterFiling[1].version)
            #expect(look.directory == afterRename[0].directory)
            var earlier = look
            earlier.plans[towns.plan2] = before[1].version
            earlier.directory = look.directory
            #expect(look.due(after: earlier) == [towns.plan2])
        }
    }

    /// Lists that span plans (notices, reports to review, channels, feedback) offer units one level at a time,
    /// and a unit chosen means it and every unit under it.
    @Test("跨计划列表的单位筛选逐级展开、含下级 (cross-plan unit filters: one level, with the units under it)")
    func crossPlanPickers() async throws {
        try await TestApp.with { app in
            let towns = try await app.twoTowns()
            let county = try await app.signIn("xian-dcs", password: towns.passwords["xian-dcs"]!)
            func page(_ path: String) async throws -> String {
                var body = ""
                try await app.testing().test(.GET, path, headers: county.headers) { res in
                    #expect(res.status == .ok, "\(path)")
                    body = res.body.string
                }
                return body
            }
            /// The unit picker's options: the way up and the unit, and the group of the units under it.
            func offered(_ html: String, select id: String = "unit") -> (upper: String, level: String) {
                guard let start = html.range(of: "id=\"\(id)\"") ?? html.range(of: "name=\"\(id)\"") else {
                    return ("", "")
                }
                let rest = html[start.upperBound...]
                let select = rest[..<(rest.range(of: "</select>")?.lowerBound ?? rest.endIndex)]
                guard let group = select.range(of: "<optgroup") else { return (String(select), "") }
                return (String(select[..<group.lowerBound]), String(select[group.lowerBound...]))
            }
            let (item1, _) = try await app.assignedItem()
            let admin1 = try #require(try await User.query(on: app.db).filter(\.$username == "duchaban").first())
            let admin2 = try #require(try await User.query(on: app.db).filter(\.$username == "sanchang").first())
            for (item, admin) in [(item1.id!, admin1), (towns.item2.id!, admin2)] {
                _ = try await Notices.issue(
                    .init(item: item, level: .blue, reason: "请报送进展", requiredAction: "三日内报送"), by: admin,
                    on: app.store, now: app.clock.now())
            }
            let dept1 = try #require(
                try await Organization.query(on: app.db).filter(\.$parent.$id == towns.town1.id!)
                    .filter(\.$kind == .department).sort(\.$name).first())
            // At the county: the county and its two towns to choose, not the towns' units; both towns' notices.
            let all = try await page("/notices")
            #expect(offered(all).upper.contains(">海门县<"))
            #expect(offered(all).level.contains(">三厂镇人民政府<") && offered(all).level.contains(">\(towns.town1.name)<"))
            #expect(!offered(all).level.contains("三厂镇党政办") && !offered(all).level.contains(">\(dept1.name)<"))
            // Titles as the lists show them, their first 20 characters (long ones are cut).
            let title1 = String(item1.title.prefix(20))
            let title2 = String(towns.item2.title.prefix(20))
            #expect(all.contains(title1) && all.contains(title2))
            // A town chosen: its units are offered, and only its notices are listed.
            let town2 = try await page("/notices?unit=\(towns.town2.id!)")
            #expect(offered(town2).level.contains(">三厂镇党政办<") && !town2.contains(">\(dept1.name)<"))
            #expect(offered(town2).upper.contains(">海门县<") && offered(town2).upper.contains(">三厂镇人民政府<"))
            #expect(town2.contains(title2) && !town2.contains(title1))
            // A unit with none under it is offered among the units beside it.
            let unit2 = try await page("/notices?unit=\(towns.unit2.id!)")
            #expect(offered(unit2).level.contains(">三厂镇党政办<") && offered(unit2).upper.contains(">三厂镇人民政府<"))
            #expect(unit2.contains(title2) && !unit2.contains(title1))
            // The demo town's reports waiting for review are the demo town's; the second town has none.
            let pending = try #require(
                try await ProgressReport.query(on: app.db).filter(\.$state == .submitted).with(\.$item).first())
            #expect(try await page("/reviews?unit=\(towns.town1.id!)").contains(String(pending.item.title.prefix(20))))
            #expect(try await page("/reviews?unit=\(towns.town2.id!)").contains("没有待审核的报送"))
            // Another town's unit, asked for by a town's office, is not there.
            let sanchang = try await app.signIn("sanchang", password: towns.passwords["sanchang"]!)
            for path in ["/notices?unit=\(towns.town1.id!)", "/reviews?unit=\(dept1.id!)"] {
                try await app.testing().test(.GET, path, headers: sanchang.headers) { res in
                    #expect(res.status == .notFound, "\(path)")
                    #expect(!res.body.string.contains(title1))
                }
            }
            // A channel is added for the county or a unit directly under it.
            let channels = try await page("/channels")
            #expect(offered(channels, select: "organization").level.contains(">三厂镇人民政府<"))
            #expect(!offered(channels, select: "organization").level.contains("三厂镇党政办"))
        }
    }
}

extension ServerTests {
    /// A county's own plan is handed to the county's departments and towns: its pickers offer that level and
    /// the units and leaders its items already name, not every unit and deputy mayor of every town.
    @Test("上级计划的单位与领导选项：本级及已分解到的 (a county plan's pickers: its level and what it names)")
    func countyPlanPickers() async throws {
        try await TestApp.with { app in
            let towns = try await app.twoTowns()
            let now = app.clock.now()
            let cli = User.commandLine
            _ = try await Directory.addUnit(
                .init(name: "海门县政府办公室", kind: .department, parent: towns.county.id), by: cli, on: app.store,
                now: now)
            // Names no other unit in the county has, so the way down is the page's doing, not a tie broken.
            let deep = try await Directory.addUnit(
                .init(name: "网格化服务中心", kind: .department, parent: towns.town2.id), by: cli, on: app.store,
                now: now)
            _ = try await Directory.addAccount(
                .init(username: "xianzhang", displayName: "县长 顾海", role: .leader, organization: towns.county.id),
                by: cli, cost: 4, on: app.store, now: now)
            let county = try #require(try await User.query(on: app.db).filter(\.$username == "xian-dcs").first())
            let doc = try PlanReader.read(
                text: "海门县2015年政府工作计划\n一、社会治理\n建成网格化服务管理中心3个。\n新建社区服务中心2个。\n")
            let plan = try await PlanStore.store(
                doc, sourceText: "", actor: county.username, owner: towns.county.id, on: app.store, now: now)
            let items = try await PlanItem.query(on: app.db).filter(\.$plan.$id == plan.id!).filter(\.$kind == .task)
                .sort(\.$position).all()
            try #require(items.count == 2)
            // One task already handed to a unit inside a town (as a sheet may name one).
            var change = Assignments.Change()
            change.unit = .set(deep.id!)
            _ = try await Assignments.apply(change, to: [items[0].id!], actor: county, on: app.store, now: now)
            let label = "三厂镇人民政府·网格化服务中心"

            let caller = try await app.signIn("xian-dcs", password: towns.passwords["xian-dcs"]!)
            func select(_ html: String, _ marker: String) -> String {
                guard let start = html.range(of: marker) else { return "" }
                let rest = html[start.upperBound...]
                return String(rest[..<(rest.range(of: "</select>")?.lowerBound ?? rest.endIndex)])
            }
            var table = ""
            try await app.testing().test(.GET, "/assign?plan=\(plan.id!)", headers: caller.headers) { res in
                #expect(res.status == .ok)
                table = res.body.string
            }
            let lead = select(table, "id=\"b-unit\"")
            for offered in [">海门县<", ">海门县政府办公室<", ">三厂镇人民政府<", ">\(towns.town1.name)<", ">\(label)<"] {
                #expect(lead.contains(offered), "\(offered)")
            }
            // A town's own units are not the county's to pick from, unless an item already names one.
            #expect(!lead.contains("三厂镇党政办") && !lead.contains(">网格化服务中心<"))
            // The row writes the deep unit the same way, and a sheet reads that name back.
            #expect(table.contains("\(label)</td>"))
            let units = try await Jurisdiction.serving(plan, on: app.db).units(on: app.db).all()
            #expect(UnitNames(units).reading(label) == .unit(deep.id!))
            let leaders = select(table, "id=\"b-leader\"")
            #expect(leaders.contains(">县长 顾海<"))
            #expect(!leaders.contains("镇长 陈建国"))

            // A new notice on the task offers the same level, with the task's own lead unit chosen.
            try await app.testing().test(.GET, "/notices/new?item=\(items[0].id!)", headers: caller.headers) { res in
                #expect(res.status == .ok)
                let units = select(res.body.string, "id=\"unit\"")
                #expect(units.contains("value=\"\(deep.id!.uuidString)\" selected>\(label)<"))
                #expect(units.contains(">海门县政府办公室<") && !units.contains("三厂镇党政办"))
            }
            // The town's own plan, opened by the county, still offers the town's units.
            try await app.testing().test(.GET, "/assign?plan=\(towns.plan2)", headers: caller.headers) { res in
                #expect(select(res.body.string, "id=\"b-unit\"").contains(">三厂镇党政办<"))
                #expect(!select(res.body.string, "id=\"b-unit\"").contains("海门县政府办公室"))
            }

            // A plan of no government, imported by an account of no unit: the county's level is offered.
            let (root, password) = try await Directory.addAccount(
                .init(username: "root2", displayName: "系统管理员", role: .admin, organization: nil), by: cli, cost: 4,
                on: app.store, now: now)
            let loose = try await PlanStore.store(
                doc, sourceText: "", actor: root.username, owner: nil, on: app.store, now: now)
            let rootCaller = try await app.signIn("root2", password: password)
            try await app.testing().test(.GET, "/assign?plan=\(loose.id!)", headers: rootCaller.headers) { res in
                let lead = select(res.body.string, "id=\"b-unit\"")
                for offered in [">海门县<", ">海门县政府办公室<", ">三厂镇人民政府<", ">\(towns.town1.name)<"] {
                    #expect(lead.contains(offered), "\(offered)")
                }
                #expect(!lead.contains("三厂镇党政办"))
                #expect(select(res.body.string, "id=\"b-leader\"").contains(">县长 顾海<"))
            }
        }
    }
}
