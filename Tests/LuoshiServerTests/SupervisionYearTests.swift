import Fluent
import Foundation
import LuoshiCore
import Testing
import Vapor

@testable import LuoshiServer

private func day(_ m: Int, _ d: Int) -> CivilDay { CivilDay(year: 2015, month: m, day: d) }
private func at(_ d: CivilDay, hour: Int) -> Date { d.start(in: .beijing).addingTimeInterval(Double(hour) * 3600) }

extension ServerTests {
    /// A whole plan year, day by day, on the demo plan: six units follow a script (on time, late, silent,
    /// quarterly work reported monthly, work due mid-year left unfinished, a target far behind), the pass
    /// runs every morning, and every reminder, notice and escalation is checked against what the standard
    /// rules say, worked out here independently of the pass.
    @Test("全年逐日督办：催办、督办单、升级与规则一致 (a plan year, day by day)")
    func supervisionYear() async throws {
        try await TestApp.with { app in
            let db = app.db
            // The script's reports only: none of the demo's, and only the scripted items assigned.
            try await TestApp.wipe([Evidence.schema, ProgressReport.schema], in: app)
            let admin = try #require(try await User.query(on: db).filter(\.$username == "duchaban").first())
            let leader = try #require(try await User.query(on: db).filter(\.$username == "fuzhen1").first())
            let principal = try #require(try await User.query(on: db).filter(\.$username == "zhenzhang").first())
            var reporters: [User] = []
            for u in try await User.query(on: db).filter(\.$role == .reporter).sort(\.$username).all()
            where !reporters.contains(where: { $0.$organization.id == u.$organization.id }) {
                reporters.append(u)
            }
            #expect(reporters.count >= 6)
            let assignments = try await Assignment.query(on: db).with(\.$item).all()
            let tasks = assignments.filter { $0.item.kind == .task }.map(\.item)
            let targets: [PlanItem] = assignments.map(\.item).filter { (i: PlanItem) -> Bool in
                i.kind == .target && i.comparator == .atLeast && (i.value ?? 0) > 0
            }
            let target = try #require(targets.first)
            try await TestApp.wipe([Assignment.schema], in: app)
            let names = ["A", "B", "C", "D", "E", "F"]
            var items: [String: PlanItem] = [:]
            var unitOf: [String: User] = [:]
            for (n, name) in names.enumerated() {
                let item = name == "F" ? target : tasks[n]
                let a = Assignment(itemID: item.id!, cycle: name == "D" ? .quarterly : .monthly)
                a.$leadUnit.id = reporters[n].$organization.id
                a.$leadLeader.id = leader.id
                a.startDate = day(1, 1).start(in: .beijing)
                a.dueDate = (name == "E" ? day(6, 30) : day(12, 31)).start(in: .beijing)
                try await a.create(on: db)
                items[name] = item
                unitOf[name] = reporters[n]
            }

            func file(_ name: String, period: String, on d: CivilDay, actual: Double? = nil, percent: Double)
                async throws
            {
                let report = try await Reports.file(
                    .init(
                        period: period, actualValue: actual, percentComplete: percent, milestone: nil,
                        narrative: "按计划推进"),
                    item: items[name]!, user: unitOf[name]!, on: app.store, now: at(d, hour: 10))
                _ = try await Reports.review(
                    report.id!.uuidString, accept: true, reason: nil, user: admin, on: app.store, now: at(d, hour: 11))
            }

            // What happened, per scripted item: (day, kind, detail, recipients).
            var seen: [String: [String]] = [:]
            let nameOf = Dictionary(uniqueKeysWithValues: items.map { ($0.value.id!, $0.key) })
            // B files each month's report four days after its due day (February's on 1 March).
            let bFiles = Dictionary(uniqueKeysWithValues: (1...12).map { (day($0, 25).adding(days: 4), $0) })
            var d = day(1, 1)
            while d <= day(12, 31) {
                let result = try await Supervisor.pass(at: at(d, hour: 9), on: app.store)
                for a in result.actions {
                    guard let name = nameOf[a.itemID] else { continue }
                    seen[name, default: []].append(
                        "\(d) \(a.kind) \(a.detail.split(separator: " ").dropFirst(a.kind == .reminder ? 0 : 1).joined(separator: " ")) → \(a.recipients.sorted().joined(separator: ","))"
                    )
                }
                // Idempotent: a second pass at the same moment does nothing.
                if d.day == 1 || d.day == 26 {
                    #expect(
                        try await Supervisor.pass(at: at(d, hour: 9), on: app.store).actions.isEmpty,
                        "second pass on \(d)")
                }
                let period = String(format: "2015-%02d", d.month)
                // A files the day before the due day; B four days after it; C never; D monthly on the 20th for its
                // quarterly work; E the day before, for work due on 30 June that is never finished; F the day
                // before, with a target figure of zero.
                if d.day == 24 { try await file("A", period: period, on: d, percent: Double(d.month) * 8) }
                if let m = bFiles[d] { try await file("B", period: String(format: "2015-%02d", m), on: d, percent: 50) }
                if d.day == 20 { try await file("D", period: period, on: d, percent: Double(d.month) * 8) }
                if d.day == 24 && d.month <= 6 { try await file("E", period: period, on: d, percent: 40) }
                if d.day == 24 { try await file("F", period: period, on: d, actual: 0, percent: 0) }
                // E answers its notice the next day and staff close it the day after; so does F each time.
                for name in ["E", "F"] {
                    for n in try await SupervisionNotice.query(on: db).filter(\.$item.$id == items[name]!.id!)
                        .filter(\.$state != .closed).all()
                    {
                        let issued = CivilDay(n.issuedAt, calendar: .beijing)
                        if issued.adding(days: 1) == d {
                            _ = try await Notices.act(
                                .respond, on: n.id!.uuidString, text: "已落实整改", by: unitOf[name]!, on: app.store,
                                now: at(d, hour: 14))
                        } else if issued.adding(days: 2) == d {
                            _ = try await Notices.act(
                                .close, on: n.id!.uuidString, text: "同意办结", by: admin, on: app.store,
                                now: at(d, hour: 15))
                        }
                    }
                }
                d = d.adding(days: 1)
            }

            // What the standard rules say.
            let reporterName = { (n: String) in unitOf[n]!.displayName }
            let withLeader = { (n: String) in [reporterName(n), leader.displayName].sorted().joined(separator: ",") }
            func reminders(_ name: String, months: ClosedRange<Int>, stages: [(Int, String)]) -> [String] {
                months.flatMap { m in
                    stages.map { offset, stage in
                        "\(day(m, 25).adding(days: offset)) reminder 2015-\(String(format: "%02d", m)) \(stage) → "
                            + (stage == "lateToLeader" ? withLeader(name) : reporterName(name))
                    }
                }
            }
            #expect(seen["A", default: []] == reminders("A", months: 1...12, stages: [(-3, "upcoming")]))
            #expect(
                seen["B", default: []]
                    == reminders(
                        "B", months: 1...12,
                        stages: [(-3, "upcoming"), (0, "dueToday"), (1, "late"), (3, "lateToLeader")]))
            // C: every stage of every month; a yellow notice when January counts as missed (the 25th + 6), a red
            // one when February does; the red one, unanswered, goes to the lead leader the day after its three
            // days, and to the principal leader two days later; no further notice while it is open.
            var expectC = reminders(
                "C", months: 1...12, stages: [(-3, "upcoming"), (0, "dueToday"), (1, "late"), (3, "lateToLeader")])
            expectC += [
                "\(day(1, 31)) notice yellow missed:2015-01 → \(reporterName("C"))",
                // The yellow one's seven days run out on 7 February: to the leader on the 8th, five days on to
                // the principal leader.
                "\(day(2, 8)) escalation → lead leader → \(leader.displayName)",
                "\(day(2, 13)) escalation → principal leader → \(principal.displayName)",
                "\(day(3, 3)) notice red missed:2015-02 → \(reporterName("C"))",
                "\(day(3, 7)) escalation → lead leader → \(leader.displayName)",
                "\(day(3, 9)) escalation → principal leader → \(principal.displayName)",
            ]
            #expect(seen["C", default: []].sorted() == expectC.sorted())
            // D reports monthly on the 20th: each quarter is answered long before it is due.
            #expect(seen["D", default: []].isEmpty)
            // E: upcoming reminders to June; overdue the day after its due date; answered, so never escalated.
            #expect(
                seen["E", default: []]
                    == reminders("E", months: 1...6, stages: [(-3, "upcoming")])
                    + ["\(day(7, 1)) notice red overdue → \(reporterName("E"))"])
            // F: a yellow notice on the first morning its target is more than 20 points behind the linear
            // expectation, then, each closed two days after it was issued, one on the first of every month.
            let yearStart = day(1, 1).start(in: .beijing)
            let yearEnd = day(12, 31).start(in: .beijing).addingTimeInterval(86_399)
            var first = day(1, 1)
            while StatusRules.expectedProgress(start: yearStart, due: yearEnd, now: at(first, hour: 9)) <= 0.2 {
                first = first.adding(days: 1)
            }
            var expectF = reminders("F", months: 1...12, stages: [(-3, "upcoming")])
            expectF.append(
                "\(first) notice yellow behind:2015-\(String(format: "%02d", first.month)) → \(reporterName("F"))")
            for m in (first.month + 1)...12 {
                expectF.append(
                    "\(day(m, 1)) notice yellow behind:2015-\(String(format: "%02d", m)) → \(reporterName("F"))")
            }
            #expect(seen["F", default: []].sorted() == expectF.sorted())

            // The notices as stored: C's yellow was replaced by its red, which escalated twice.
            let cNotices = try await SupervisionNotice.query(on: db).filter(\.$item.$id == items["C"]!.id!)
                .sort(\.$serial).all()
            #expect(cNotices.map(\.level) == [.yellow, .red])
            #expect(cNotices[0].state == .closed && cNotices[0].closingNote?.contains(cNotices[1].number) == true)
            #expect(cNotices[1].escalation == 2 && cNotices[1].state == .issued)
            #expect(cNotices[1].number.hasPrefix("督〔2015〕"))
            // The principal leader's digest names the escalated notice and its unit; the lead leader gets no
            // copies of units' reminders, only digests naming the units and items; the audit chain holds every step.
            let inbox = try await InboxMessage.query(on: db).filter(\.$user.$id == principal.id!).all()
            let cUnit = try #require(try await Organization.find(unitOf["C"]!.$organization.id, on: db)).name
            #expect(
                inbox.contains {
                    $0.kind == .digest && $0.body.contains(cNotices[1].number) && $0.body.contains(cUnit)
                })
            let leaderInbox = try await InboxMessage.query(on: db).filter(\.$user.$id == leader.id!).all()
            #expect(!leaderInbox.contains { $0.kind == .reminder })
            #expect(leaderInbox.contains { $0.kind == .digest && $0.body.contains("「\(items["B"]!.title)」") })
            // One digest a day at most: the passes of a day tell the leader each thing once.
            let days = leaderInbox.filter { $0.kind == .digest }.map { CivilDay($0.createdAt, calendar: .beijing) }
            #expect(days.count == Set(days).count)
            let steps = try await AuditEntry.query(on: db).filter(\.$entity == "notice").all().map(\.action)
            #expect(steps.filter { $0 == "notice.escalate" }.count == 4)
            #expect(
                steps.contains("notice.respond") && steps.contains("notice.close") && steps.contains("notice.supersede")
            )
            #expect(try await Audit.verify(on: db, key: app.auditKey).broken == nil)
        }
    }
}

extension ServerTests {
    /// Two towns under one county, each with a unit that never reports, supervised through a year by passes
    /// over each town run side by side every morning. Each town's reminders, notices and escalations are
    /// what the standard rules say for it alone, and reach only its own people: its unit, the lead leader
    /// it chose, and its own principal leader (the second town names none, so its first leader is it, never
    /// the first town's).
    @Test("两个镇的全年督办交错进行，互不串扰 (two towns' supervision years, interleaved)")
    func supervisionYearTwoTowns() async throws {
        try await TestApp.with { app in
            let db = app.db
            let towns = try await app.twoTowns()
            let (item1, reporter1) = try await app.assignedItem()
            try await TestApp.wipe([Evidence.schema, ProgressReport.schema], in: app)
            let now = app.clock.now()
            // The second town's leaders: its head first, so it is the town's principal leader.
            var town2People: [String: User] = [:]
            for (username, role) in [("sanchang-zhenzhang", Role.leader), ("sanchang-fuzhen", .leader)] {
                let (user, _) = try await Directory.addAccount(
                    .init(username: username, displayName: username, role: role, organization: towns.town2.id),
                    by: .commandLine, cost: 4, on: app.store, now: now)
                town2People[username] = user
            }
            let reporter2 = try #require(
                try await User.query(on: db).filter(\.$username == "sanchang-dzb").first())
            let leader1 = try #require(try await User.query(on: db).filter(\.$username == "fuzhen1").first())
            let principal1 = try #require(try await User.query(on: db).filter(\.$username == "zhenzhang").first())
            // One silent item in each town, due at the year's end, with the town's own lead leader.
            let silent: [(item: UUID, unit: UUID, leader: User, reporter: User, principal: User)] = [
                (item1.id!, reporter1.$organization.id!, leader1, reporter1, principal1),
                (
                    towns.item2.id!, towns.unit2.id!, town2People["sanchang-fuzhen"]!, reporter2,
                    town2People["sanchang-zhenzhang"]!
                ),
            ]
            let admins = [
                try #require(try await User.query(on: db).filter(\.$username == "duchaban").first()),
                try #require(try await User.query(on: db).filter(\.$username == "sanchang").first()),
            ]
            for (s, admin) in zip(silent, admins) {
                var change = Assignments.Change()
                change.unit = .set(s.unit)
                change.leader = .set(s.leader.id!)
                change.start = .set(CivilDay(year: 2015, month: 1, day: 1).start(in: .beijing))
                change.due = .set(CivilDay(year: 2015, month: 12, day: 31).start(in: .beijing))
                change.cycle = .monthly
                _ = try await Assignments.apply(change, to: [s.item], actor: admin, on: app.store, now: now)
            }
            var seen: [UUID: [String]] = [:]
            var d = CivilDay(year: 2015, month: 1, day: 1)
            while d <= CivilDay(year: 2015, month: 3, day: 31) {
                let moment = d.start(in: .beijing).addingTimeInterval(9 * 3600)
                async let first = Supervisor.pass(at: moment, government: towns.town1.id, on: app.store)
                async let second = Supervisor.pass(at: moment, government: towns.town2.id, on: app.store)
                for result in try await [first, second] {
                    #expect(result.failures.isEmpty, "\(result.failures)")
                    for a in result.actions where silent.contains(where: { $0.item == a.itemID }) {
                        seen[a.itemID, default: []].append(
                            "\(d) \(a.kind) \(a.detail.split(separator: " ").dropFirst(a.kind == .reminder ? 0 : 1).joined(separator: " ")) → \(a.recipients.sorted().joined(separator: ","))"
                        )
                    }
                }
                d = d.adding(days: 1)
            }
            for s in silent {
                // The same year as the single town's silent unit, in this town's own people.
                let reporter = s.reporter.displayName
                let withLeader = [reporter, s.leader.displayName].sorted().joined(separator: ",")
                var expected: [String] = []
                for m in 1...3 {
                    let due = CivilDay(year: 2015, month: m, day: 25)
                    let p = "2015-\(String(format: "%02d", m))"
                    expected += [
                        "\(due.adding(days: -3)) reminder \(p) upcoming → \(reporter)",
                        "\(due) reminder \(p) dueToday → \(reporter)",
                        "\(due.adding(days: 1)) reminder \(p) late → \(reporter)",
                        "\(due.adding(days: 3)) reminder \(p) lateToLeader → \(withLeader)",
                    ]
                }
                expected += [
                    "2015-01-31 notice yellow missed:2015-01 → \(reporter)",
                    "2015-02-08 escalation → lead leader → \(s.leader.displayName)",
                    "2015-02-13 escalation → principal leader → \(s.principal.displayName)",
                    "2015-03-03 notice red missed:2015-02 → \(reporter)",
                    "2015-03-07 escalation → lead leader → \(s.leader.displayName)",
                    "2015-03-09 escalation → principal leader → \(s.principal.displayName)",
                ]
                #expect(seen[s.item, default: []].sorted() == expected.sorted(), "\(s.reporter.username)")
            }
            // Nothing of one town reached the other's people.
            let town2Users = [reporter2.id!] + town2People.values.map(\.id!)
            let toTown2 = try await InboxMessage.query(on: db).filter(\.$user.$id ~~ town2Users).all()
            #expect(!toTown2.isEmpty)
            #expect(!toTown2.contains { $0.body.contains(item1.title.prefix(20)) })
            let toTown1 = try await InboxMessage.query(on: db).filter(\.$user.$id !~ town2Users).all()
            #expect(!toTown1.contains { $0.body.contains(towns.item2.title.prefix(20)) })
            // Each town numbers its own notices from 1, with no number drawn twice by the side-by-side passes.
            let notices = try await SupervisionNotice.query(on: db).all()
            for town in [towns.town1.id!, towns.town2.id!] {
                let serials = notices.filter { $0.$government.id == town }.map(\.serial).sorted()
                #expect(!serials.isEmpty && serials == Array(1...serials.count), "\(town)")
            }
            #expect(notices.allSatisfy { $0.$government.id != nil })
        }
    }
}
