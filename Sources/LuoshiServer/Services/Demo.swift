import Fluent
import Foundation
import LuoshiCore
import PlanReader
import Vapor

/// The demo township around the fixture plan: the town, its 10 villages and a community, a dozen
/// departments, leaders, reporters, a deputy; tasks assigned; five months of reports, some late,
/// some returned, some waiting for review.
public enum Demo {
    public struct Account: Sendable {
        public var username: String
        public var password: String
        public var role: Role
        public var name: String
    }

    public static let password = "luoshi2015"

    static let villages = ["永兴村", "东港村", "西亭村", "南坝村", "北河村", "新联村", "和平村", "光明村", "团结村", "星河村"]
    static let departments: [(String, [String])] = [
        ("经济发展局", ["产业", "招商", "项目", "企业", "园区", "工业"]),
        ("招商服务中心", ["招商", "引进", "入驻"]),
        ("建设管理局", ["道路", "公路", "建设", "工程", "管网", "改造", "镇区", "停车"]),
        ("城市管理局", ["环境", "整治", "绿化", "集镇", "长效"]),
        ("社会事业局", ["教育", "幼儿园", "学校", "卫生", "医疗", "文化", "养老"]),
        ("民政办", ["养老", "民生", "保障", "社区", "志愿"]),
        ("农业服务中心", ["农业", "农村", "秸秆", "养殖", "造林"]),
        ("水利站", ["河道", "水", "河长", "桥"]),
        ("环保办", ["环保", "污染", "废水", "扬尘", "生态"]),
        ("安监办", ["安全", "事故", "监管"]),
        ("综治办", ["治安", "信访", "矛盾", "稳定", "法治"]),
        ("党政办", ["政府", "作风", "考核", "督查", "制度"]),
    ]

    /// Loads the demo unless a plan exists already; returns the accounts to print once.
    public static func load(_ app: Application, planData: Data, planName: String) async throws -> [Account]? {
        let db = app.db
        if try await Plan.query(on: db).count() > 0 { return nil }
        let cost = app.storage[BcryptCostKey.self] ?? 10
        let now = app.clock.now()
        // Units.
        let town = Organization(id: UUID(), name: "张芝山镇人民政府", kind: .town)
        try await town.create(on: db)
        var units: [Organization] = []
        for v in villages { units.append(Organization(id: UUID(), name: v, kind: .village, parent: town)) }
        units.append(Organization(id: UUID(), name: "星河社区", kind: .community, parent: town))
        for (d, _) in departments {
            units.append(Organization(id: UUID(), name: d, kind: .department, parent: town))
        }
        try await units.create(on: db)
        let byName = Dictionary(uniqueKeysWithValues: units.map { ($0.name, $0) })
        // People.
        let hash = try Accounts.hash(password, cost: cost)
        var accounts: [Account] = []
        func person(_ username: String, _ name: String, _ role: Role, _ unit: Organization?) -> User {
            accounts.append(Account(username: username, password: password, role: role, name: name))
            return User(
                id: UUID(), username: username, displayName: name, passwordHash: hash, role: role,
                organizationID: unit?.id)
        }
        let admin = person("duchaban", "督查办 王芳", .admin, town)
        let leaders = [
            person("zhenzhang", "镇长 陈建国", .leader, town), person("fuzhen1", "副镇长 李明", .leader, town),
            person("fuzhen2", "副镇长 周丽", .leader, town), person("fuzhen3", "副镇长 吴强", .leader, town),
        ]
        var reporters: [String: User] = [:]
        for (i, (d, _)) in departments.enumerated() {
            reporters[d] = person("dept\(i + 1)", "\(d) 填报员", .reporter, byName[d])
        }
        reporters["星河社区"] = person("xinghe", "星河社区 填报员", .reporter, byName["星河社区"])
        for (i, v) in villages.enumerated() { reporters[v] = person("cun\(i + 1)", "\(v) 填报员", .reporter, byName[v]) }
        let deputy = person("daibiao", "人大代表 赵敏", .deputy, nil)
        try await ([admin, deputy] + leaders + Array(reporters.values)).create(on: db)

        // The plan, published.
        let doc = try PlanReader.read(planData, name: planName)
        let decoded = try DocumentDecoder.decode(planData)
        let plan = try await PlanStore.store(
            doc, sourceText: decoded.text, actor: admin.username, owner: town.id, on: app.store, now: now)
        plan.status = .published
        plan.publishedAt = Calendar.beijing.date(from: DateComponents(year: plan.year, month: 1, day: 23, hour: 9))
        try await plan.save(on: db)

        // Assignments: each area to a leader; each task, target and project to the department whose
        // words it uses (else the town office), some with a village helping.
        let items = try await PlanItem.live(plan: plan.id!, on: db).sort(\.$position).all()
        var areaOf: [UUID: Int] = [:]
        var areaIndex = -1
        var parentArea: [UUID: Int] = [:]
        for item in items {
            if item.kind == .area {
                areaIndex += 1
                areaOf[item.id!] = areaIndex
            }
            if let p = item.$parent.id { parentArea[item.id!] = areaOf[p] ?? parentArea[p] }
            if let a = areaOf[item.id!] { parentArea[item.id!] = a }
        }
        let year = plan.year
        let start = Calendar.beijing.date(from: DateComponents(year: year, month: 1, day: 1))!
        var assignments: [Assignment] = []
        var leadOf: [UUID: Organization] = [:]
        for (n, item) in items.enumerated() where PlanSnapshot.isLeaf(item) {
            let text = item.title + (item.subject ?? "")
            let dept = departments.first { $0.1.contains { text.contains($0) } }?.0 ?? "党政办"
            let unit = text.contains("村") && n % 3 == 0 ? byName[villages[n % villages.count]]! : byName[dept]!
            let a = Assignment(itemID: item.id!, cycle: n % 5 == 0 ? .quarterly : .monthly)
            a.$leadLeader.id = leaders[(parentArea[item.id!] ?? 0) % leaders.count].id
            a.$leadUnit.id = unit.id
            if n % 4 == 0 { a.cooperatingUnitIDs = byName[villages[(n / 4) % villages.count]]!.id!.uuidString }
            a.responsiblePerson = ["张伟", "刘洋", "王静", "杨帆", "黄磊", "孙丽"][n % 6]
            a.startDate = start
            // Most work is due at the year's end; some by mid-year, a few already past.
            a.dueDate = Calendar.beijing.date(
                from: DateComponents(
                    year: year, month: n % 7 == 0 ? 6 : (n % 11 == 0 ? 5 : 12),
                    day: n % 7 == 0 ? 30 : (n % 11 == 0 ? 31 : 31)))
            a.weight = item.kind == .target ? 2 : 1
            assignments.append(a)
            leadOf[item.id!] = unit
        }
        try await assignments.create(on: db)
        // Each leader's office, and the areas of the plan the leader answers for as their 分管.
        for (i, leader) in leaders.enumerated() {
            leader.office = i == 0 ? "镇长" : "副镇长"
            let areas = items.filter { $0.kind == .area && (areaOf[$0.id!] ?? -1) % leaders.count == i }
            let names = areas.map { Wording.shortName($0.title) }.filter { !$0.isEmpty }
            let portfolio = (i == 0 ? ["全面工作"] : []) + names.prefix(3)
            leader.portfolio = portfolio.isEmpty ? nil : portfolio.joined(separator: "、")
            try await leader.save(on: db)
        }
        // The town's head is the principal leader that unanswered notices finally reach.
        let supervision = PlanSupervision()
        supervision.$plan.id = plan.id!
        supervision.rulesJSON = Audit.snapshot(SupervisionRules.standard)
        supervision.$principalLeader.id = leaders[0].id
        try await supervision.create(on: db)

        // Five months of reports: steady, lagging, silent; the latest of some still waiting or returned.
        var reports: [ProgressReport] = []
        for (n, item) in items.enumerated() where PlanSnapshot.isLeaf(item) {
            guard let unit = leadOf[item.id!], let reporter = reporters[unit.name] else { continue }
            let pace: Double = [1.1, 1.0, 1.0, 0.95, 1.05, 0.85, 0.7, 0.4, 0][n % 9]
            if pace == 0 { continue }  // a unit that has not reported at all
            let lastMonth = n % 13 == 0 ? 3 : 5  // some stopped reporting in March: late
            // Work due by mid-year was mostly finished on time.
            let dueMidYear = n % 7 == 0 && pace >= 0.95
            for month in 1...lastMonth {
                let share = dueMidYear ? min(1, Double(month) / 5) : min(1, pace * Double(month) / 12 * 1.1)
                let at = Calendar.beijing.date(from: DateComponents(year: year, month: month, day: 25, hour: 16))!
                var actual: Double?
                if item.kind == .target, let v = item.value ?? item.valueMin {
                    actual =
                        item.comparator == .atMost ? v * (n % 2 == 0 ? 0.9 : 1.1) : (v * share * 100).rounded() / 100
                }
                let r = ProgressReport(
                    id: UUID(), itemID: item.id!, unitID: unit.id!, authorID: reporter.id!,
                    period: String(format: "%04d-%02d", year, month), actualValue: actual,
                    percentComplete: (share * 100).rounded(), milestone: dueMidYear && month == lastMonth ? "完成" : nil,
                    narrative: "\(month)月份：按计划推进，完成阶段性工作，形成工作台账。", submittedAt: at)
                if month == lastMonth && n % 4 == 1 && !dueMidYear {
                    r.state = .submitted  // waiting for review
                } else if month == lastMonth && n % 9 == 2 {
                    r.state = .returned
                    r.reviewReason = "数据与台账不一致，请核实后重新报送"
                    r.$reviewer.id = admin.id
                    r.reviewedAt = at.addingTimeInterval(86400)
                } else {
                    r.state = .accepted
                    r.$reviewer.id = admin.id
                    r.reviewedAt = at.addingTimeInterval(86400)
                }
                reports.append(r)
            }
        }
        for chunk in stride(from: 0, to: reports.count, by: 200) {
            try await Array(reports[chunk..<min(chunk + 200, reports.count)]).create(on: db)
        }
        let instruction = Comment(
            itemID: items.first { $0.headline }?.id ?? items[0].id!, authorID: leaders[0].id!, isInstruction: true,
            body: "请经济发展局每月中旬前报送地区生产总值测算情况。", createdAt: now)
        try await instruction.create(on: db)
        let counts = ["assignments": assignments.count, "reports": reports.count]
        try await app.store.write(.plan(plan.id!), actor: "system", at: now) { tx in
            tx.record(.demoLoad, .plan, plan.id!, after: counts)
        }
        return accounts
    }

    /// Where the demo plan is: an explicit path, `LUOSHI_DEMO_PLAN`, or the shared fixture beside the
    /// checkout, looked for from the working folder and from the binary.
    public static func findPlan(explicit: String?, environment: [String: String], executable: String) -> String? {
        var candidates: [String] = []
        if let explicit { candidates.append(explicit) }
        if let env = environment["LUOSHI_DEMO_PLAN"] { candidates.append(env) }
        let name = "shared/fixtures/zhangzhishan-2015.txt"
        candidates.append("../" + name)
        candidates.append(name)
        var dir = URL(fileURLWithPath: executable).resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<6 {
            candidates.append(dir.appendingPathComponent(name).path)
            dir = dir.deletingLastPathComponent()
        }
        return candidates.first { FileManager.default.fileExists(atPath: $0) }
    }
}
