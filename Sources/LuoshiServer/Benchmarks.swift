import Fluent
import Foundation
import LuoshiCore
import OfficeOpenXML
import SQLKit
import Vapor

/// Benchmarks that need a database: a supervision pass over a district, webhook delivery throughput.
/// They print figures; nothing here asserts on time.
public enum Benchmarks {
    /// Fills an empty database with a district: `towns` towns, each with ten units and a plan of
    /// `itemsPerTown` assigned items, monthly reports (accepted) from January to the month before `at` with
    /// one unit in ten silent; then times passes at `at`.
    public static func supervision(
        _ config: ServerConfiguration, towns: Int, itemsPerTown: Int, at day: CivilDay
    ) async throws -> [String] {
        try await Runner.withApplication(config) { app in
            try await requireEmpty(app.db)
            let sql = app.db as! any SQLDatabase
            var lines: [String] = []
            let t0 = Date()
            let counts = try await fillDistrict(sql, towns: towns, itemsPerTown: itemsPerTown, until: day)
            lines.append(
                "生成 (generated): \(towns) 镇, \(counts.items) 项已分解事项, \(counts.reports) 份报送 in "
                    + String(format: "%.1f s", Date().timeIntervalSince(t0)))
            let at = day.start(in: .beijing).addingTimeInterval(9 * 3600)
            for (label, dry) in [("dry run", true), ("first pass", false), ("second pass (idempotent)", false)] {
                let r = try await Supervisor.pass(at: at, dryRun: dry, on: app.store)
                lines.append(
                    String(
                        format: "%@: %.3f s — %d reminders, %d notices, %d escalations, %d inbox messages", label,
                        r.seconds, r.count(.reminder), r.count(.notice), r.count(.escalation), r.messages))
            }
            // The next mornings: escalations and the reminders of later stages.
            for offset in 1...5 {
                let r = try await Supervisor.pass(at: at.addingTimeInterval(Double(offset) * 86_400), on: app.store)
                lines.append(
                    String(
                        format: "+%d day: %.3f s — %d reminders, %d notices, %d escalations", offset, r.seconds,
                        r.count(.reminder), r.count(.notice), r.count(.escalation)))
            }
            // The 考核 of every town's plan at the year's end, from what the passes left.
            for round in 1...2 {
                let t = Date()
                var slowest = 0.0
                var units = 0
                for plan in try await Plan.query(on: app.db).all() {
                    let p = Date()
                    let r = try await AssessmentService.score(
                        plan: plan, period: "\(day.year)", at: CivilDay(year: day.year, month: 12, day: 31), on: app.db)
                    units += r.scores.count
                    slowest = max(slowest, Date().timeIntervalSince(p))
                }
                lines.append(
                    String(
                        format: "考核 round %d: every plan scored in %.3f s (%d unit scores; the slowest plan %.3f s)",
                        round,
                        Date().timeIntervalSince(t), units, slowest))
            }
            return lines
        }
    }

    /// Fills an empty database with one plan of `items` assigned items and their reports to `at`, then times
    /// the exports an office downloads: the 任务分解表 (.xlsx with progress, and .csv) and the 台账.
    public static func export(_ config: ServerConfiguration, items: Int, at day: CivilDay) async throws -> [String] {
        try await Runner.withApplication(config) { app in
            try await requireEmpty(app.db)
            let sql = app.db as! any SQLDatabase
            var lines: [String] = []
            let t0 = Date()
            let counts = try await fillDistrict(sql, towns: 1, itemsPerTown: items, until: day)
            lines.append(
                "生成 (generated): 1 个计划, \(counts.items) 项已分解事项, \(counts.reports) 份报送 in "
                    + String(format: "%.1f s", Date().timeIntervalSince(t0)))
            let plan = try await Plan.query(on: app.db).first()!
            let admin = try await User.query(on: app.db).filter(\.$role == .leader).first()!
            let now = day.start(in: .beijing).addingTimeInterval(9 * 3600)
            for round in 1...3 {
                var t = Date()
                // Where the load's time goes.
                let planID = try plan.requireID()
                let items = try await PlanRows.liveItems(plan: planID, on: app.db)
                let tItems = Date().timeIntervalSince(t)
                t = Date()
                let ids = items.compactMap(\.id)
                _ = try await PlanRows.assignments(plan: planID, on: app.db)
                let tAssign = Date().timeIntervalSince(t)
                t = Date()
                _ = try await PlanSnapshot.latestAccepted(plan: planID, items: ids, on: app.db)
                let tLatest = Date().timeIntervalSince(t)
                lines.append(
                    String(
                        format: "round %d load parts: items %.3f s, assignments %.3f s, latest reports %.3f s", round,
                        tItems, tAssign, tLatest))
                t = Date()
                let b = try await Breakdown.build(
                    plan: plan, filter: .init(progress: true), for: admin, on: app.db, now: now)
                let load = Date().timeIntervalSince(t)
                t = Date()
                let xlsx = try SpreadsheetWriter.xlsx(b.workbook())
                let write = Date().timeIntervalSince(t)
                t = Date()
                let csv = b.csv()
                let csvTime = Date().timeIntervalSince(t)
                t = Date()
                let back = try SpreadsheetReader.sheets(of: xlsx).first?.rows ?? []
                let read = Date().timeIntervalSince(t)
                t = Date()
                let preview = try await BreakdownImport.preview(plan: plan, rows: back, on: app.db, now: now)
                lines.append(
                    String(
                        format: "round %d: 分解表 read back %.3f s, import preview %.3f s (%d rows, %d changes)", round,
                        read, Date().timeIntervalSince(t), preview.rows, preview.changes.count))
                t = Date()
                let ledger = try await Ledger.build(plan: plan, for: admin, unit: nil, on: app.db)
                let ledgerXLSX = try SpreadsheetWriter.xlsx(ledger.workbook())
                let ledgerTime = Date().timeIntervalSince(t)
                lines.append(
                    String(
                        format:
                            "round %d: 分解表 %d rows — load %.3f s, .xlsx %.3f s (%d KB), .csv %.3f s (%d KB); total %.3f s. 台账 %d reports: %.3f s (%d KB)",
                        round, b.lines.count, load, write, xlsx.count / 1024, csvTime, csv.count / 1024,
                        load + write, ledger.reports.count, ledgerTime, ledgerXLSX.count / 1024))
                t = Date()
                let assessed = try await AssessmentService.score(
                    plan: plan, period: "\(day.year)", at: CivilDay(year: day.year, month: 12, day: 31), on: app.db)
                lines.append(
                    String(
                        format: "round %d: 考核 of the plan %.3f s (%d units)", round, Date().timeIntervalSince(t),
                        assessed.scores.count))
                guard round == 3 else { continue }
                // Applying, all in one transaction: every row's due date moved, then 10,000 rows new to the plan.
                var edited = back
                let due = edited.dropFirst().first.flatMap { $0.firstIndex(of: "完成时限") } ?? 8
                for r in 2..<edited.count where edited[r].count > due && Int(edited[r][0]) != nil {
                    edited[r][due] = "2015年11月底"
                }
                func apply(_ rows: [[String]], name: String, addItems: Bool) async throws -> String {
                    let t = Date()
                    let p = try await BreakdownImport.preview(plan: plan, rows: rows, on: app.db, now: now)
                    let previewed = Date().timeIntervalSince(t)
                    let a = try await BreakdownImport.apply(
                        plan: planID, source: .init(name: name, sha256: String(repeating: "0", count: 64), rows: rows),
                        expected: p.digest, createUnits: [], addItems: addItems, actor: admin, on: app.store, now: now)
                    return String(
                        format: "preview %.3f s, apply %.3f s (%d assignments changed, %d tasks added)", previewed,
                        Date().timeIntervalSince(t) - previewed, a.assigned, a.added)
                }
                lines.append(
                    "apply, every due date moved: " + (try await apply(edited, name: "due.xlsx", addItems: false)))
                let unit = try await Organization.query(on: app.db).first()?.name ?? ""
                var fresh = [["序号", "领域/部分", "任务内容", "牵头单位", "完成时限"]]
                for i in 1...10_000 { fresh.append(["\(i)", "新增工作", "第\(i)项新增任务：修缮道路\(i)米", unit, "年底"]) }
                lines.append("apply, 10,000 new rows: " + (try await apply(fresh, name: "new.csv", addItems: true)))
            }
            return lines
        }
    }

    /// Benchmarks fill the database and send: never on one that holds real data.
    static func requireEmpty(_ db: any Database) async throws {
        let users = try await User.query(on: db).count()
        let channels = try await NotificationChannel.query(on: db).count()
        guard users == 0 && channels == 0 else {
            throw LuoshiError.conflict(
                reason: "基准测试只在空数据库上运行 (benchmarks need an empty database: use a new --data folder)")
        }
    }

    /// Fills the towns of a district, or (`counties`) of several counties, the towns dealt out among them.
    static func fillDistrict(
        _ sql: any SQLDatabase, towns: Int, itemsPerTown: Int, until day: CivilDay,
        counties: [(id: UUID, path: TreePath)] = []
    ) async throws -> (items: Int, reports: Int) {
        let now = Date()
        var parents = counties
        if parents.isEmpty {
            let district = UUID()
            try await sql.insert(into: Organization.schema).columns("id", "name", "kind", "parent_id", "path")
                .values(
                    SQLBind(district), SQLBind("演示区"), SQLBind(OrganizationKind.district.rawValue),
                    SQLBind(UUID?.none), SQLBind(TreePath([district]).text)
                )
                .run()
            parents = [(district, TreePath([district]))]
        }
        var itemCount = 0
        var reportCount = 0
        // Any string will do: nobody signs in as these people.
        let hash = "$2b$04$benchmarkbenchmarkbenchuOyX5jfJ1ZYqU8p4n5l0vq7x9mI6a"
        for t in 0..<towns {
            let town = UUID()
            let units = (0..<10).map { _ in UUID() }
            let leader = UUID()
            let (district, districtPath) = parents[t % parents.count]
            let townPath = districtPath.appending(town)
            var orgs = sql.insert(into: Organization.schema).columns("id", "name", "kind", "parent_id", "path")
                .values(
                    SQLBind(town), SQLBind("第\(t + 1)镇"), SQLBind(OrganizationKind.town.rawValue), SQLBind(district),
                    SQLBind(townPath.text))
            for (n, u) in units.enumerated() {
                orgs = orgs.values(
                    SQLBind(u), SQLBind("第\(t + 1)镇第\(n + 1)单位"), SQLBind(OrganizationKind.department.rawValue),
                    SQLBind(town), SQLBind(townPath.appending(u).text))
            }
            try await orgs.run()
            var users = sql.insert(into: User.schema).columns(
                "id", "username", "display_name", "password_hash", "role", "organization_id", "language", "created_at")
            users = users.values(
                SQLBind(leader), SQLBind("leader\(t)"), SQLBind("第\(t + 1)镇镇长"), SQLBind(hash),
                SQLBind(Role.leader.rawValue), SQLBind(town), SQLBind(String?.none), SQLBind(now))
            for (n, u) in units.enumerated() {
                users = users.values(
                    SQLBind(UUID()), SQLBind("unit\(t)-\(n)"), SQLBind("第\(t + 1)镇第\(n + 1)单位填报员"), SQLBind(hash),
                    SQLBind(Role.reporter.rawValue), SQLBind(u), SQLBind(String?.none), SQLBind(now))
            }
            try await users.run()
            let plan = UUID()
            try await sql.insert(into: Plan.schema).columns(
                "id", "title", "issuer", "year", "status", "source_name", "source_sha256", "source_encoding",
                "source_text",
                "published_at", "created_at", "organization_id"
            ).values(
                SQLBind(plan), SQLBind("第\(t + 1)镇\(day.year)年工作计划"), SQLBind("第\(t + 1)镇人民政府"), SQLBind(day.year),
                SQLBind(PlanStatus.published.rawValue), SQLBind("bench.txt"), SQLBind(""), SQLBind("utf-8"),
                SQLBind(""),
                SQLBind(now), SQLBind(now), SQLBind(town)
            ).run()
            let items = (0..<itemsPerTown).map { _ in UUID() }
            for chunk in Array(items.enumerated()).chunked(200) {
                var insert = sql.insert(into: PlanItem.schema).columns(
                    "id", "plan_id", "parent_id", "kind", "position", "code", "number", "title", "span_start",
                    "span_end",
                    "headline", "subject", "comparator", "value", "value_min", "value_max", "unit", "baseline", "per",
                    "attributes")
                for (n, id) in chunk {
                    insert = insert.values(
                        SQLBind(id), SQLBind(plan), SQLBind(UUID?.none), SQLBind(ItemKind.task.rawValue), SQLBind(n),
                        SQLBind("T\(n)"), SQLBind(String?.none), SQLBind("第\(n + 1)项重点工作"), SQLBind(0), SQLBind(0),
                        SQLBind(false), SQLBind(String?.none), SQLBind(String?.none), SQLBind(Double?.none),
                        SQLBind(Double?.none), SQLBind(Double?.none), SQLBind(String?.none), SQLBind(Double?.none),
                        SQLBind(String?.none), SQLBind(String?.none))
                }
                try await insert.run()
                var assign = sql.insert(into: Assignment.schema).columns(
                    "id", "item_id", "lead_leader_id", "lead_unit_id", "cooperating_unit_ids", "responsible_person",
                    "start_date", "due_date", "weight", "cycle")
                for (n, id) in chunk {
                    assign = assign.values(
                        SQLBind(UUID()), SQLBind(id), SQLBind(leader), SQLBind(units[n % 10]), SQLBind(""),
                        SQLBind(String?.none), SQLBind(CivilDay(year: day.year, month: 1, day: 1).start(in: .beijing)),
                        SQLBind(
                            (n % 7 == 0
                                ? CivilDay(year: day.year, month: 6, day: 30)
                                : CivilDay(year: day.year, month: 12, day: 31)).start(in: .beijing)), SQLBind(1.0),
                        SQLBind((n % 5 == 0 ? ReportingCycle.quarterly : .monthly).rawValue))
                }
                try await assign.run()
                // Reports: every month before `day`'s, from nine units in ten, filed on the 24th and accepted.
                var rows: [(UUID, UUID, Int)] = []
                for (n, id) in chunk where n % 10 != 9 {
                    for month in 1..<day.month { rows.append((id, units[n % 10], month)) }
                }
                for part in rows.chunked(200) {
                    var reports = sql.insert(into: ProgressReport.schema).columns(
                        "id", "item_id", "unit_id", "author_id", "period", "actual_value", "percent_complete",
                        "milestone",
                        "narrative", "state", "supersedes_id", "submitted_at")
                    for (item, unit, month) in part {
                        reports = reports.values(
                            SQLBind(UUID()), SQLBind(item), SQLBind(unit), SQLBind(leader),
                            SQLBind(String(format: "%04d-%02d", day.year, month)), SQLBind(Double?.none),
                            SQLBind(Double(month) * 8), SQLBind(String?.none), SQLBind("按计划推进"),
                            SQLBind(ReportState.accepted.rawValue), SQLBind(UUID?.none),
                            SQLBind(CivilDay(year: day.year, month: month, day: 24).start(in: .beijing)))
                    }
                    try await reports.run()
                }
                reportCount += rows.count
            }
            itemCount += itemsPerTown
        }
        return (itemCount, reportCount)
    }

    /// Queues `count` deliveries spread over 20 channels (say, 20 units' webhooks) to a receiver on
    /// loopback (in this process), and `stuck` more to a channel that never answers in time, then drains
    /// the queue as the server's worker does (16 in flight, 4 per channel) and reports the rate.
    public static func delivery(_ config: ServerConfiguration, count: Int, stuck: Int) async throws -> [String] {
        let receiver = try await Application.make(.testing)
        receiver.logger.logLevel = .critical
        receiver.on(.POST, "hook", body: .collect(maxSize: "1mb")) { _ in "ok" }
        receiver.on(.POST, "stuck", body: .collect(maxSize: "1mb")) { _ async throws -> String in
            try await Task.sleep(for: .seconds(5))
            return "late"
        }
        try await receiver.server.start(address: .hostname("127.0.0.1", port: 0))
        let port = receiver.http.server.shared.localAddress?.port ?? 0
        defer {
            Task {
                await receiver.server.shutdown()
                try? await receiver.asyncShutdown()
            }
        }
        return try await Runner.withApplication(config) { app in
            try await requireEmpty(app.db)
            app.luoshi.delivery.timeoutSeconds = 2
            // The benchmark's receiver listens on loopback.
            app.luoshi.delivery.allowedHosts = ["127.0.0.1"]
            app.luoshi.delivery.maxAttempts = 1
            let sql = app.db as! any SQLDatabase
            let good = (0..<20).map { _ in UUID() }
            let bad = UUID()
            let now = Date()
            for (id, path) in good.map({ ($0, "hook") }) + [(bad, "stuck")] {
                try await sql.insert(into: NotificationChannel.schema).columns(
                    "id", "name", "kind", "target", "secret", "organization_id", "user_id", "active", "created_at"
                ).values(
                    SQLBind(id), SQLBind(path), SQLBind(ChannelKind.webhook.rawValue),
                    SQLBind("http://127.0.0.1:\(port)/\(path)"), SQLBind("secret"), SQLBind(UUID?.none),
                    SQLBind(UUID?.none),
                    SQLBind(true), SQLBind(now)
                ).run()
            }
            let rows = Array(repeating: bad, count: stuck) + (0..<count).map { good[$0 % good.count] }
            for part in rows.chunked(200) {
                var insert = sql.insert(into: Delivery.schema).columns(
                    "id", "channel_id", "event", "title", "body", "link", "state", "attempts", "next_attempt_at",
                    "last_error", "created_at", "delivered_at")
                for channel in part {
                    insert = insert.values(
                        SQLBind(UUID()), SQLBind(channel), SQLBind("reminder"), SQLBind("【催办】基准测试"),
                        SQLBind("请于2015年6月25日前报送进展。"), SQLBind("/items/x"), SQLBind(DeliveryState.queued.rawValue),
                        SQLBind(0), SQLBind(now), SQLBind(String?.none), SQLBind(now), SQLBind(Date?.none))
                }
                try await insert.run()
            }
            let started = Date()
            let inFlight = Deliveries.InFlight()
            // When the last of the healthy channels' deliveries was done.
            var firstGoodDone: Date?
            while true {
                try await Deliveries.work(app: app, inFlight: inFlight)
                let sent = try await Delivery.query(on: app.db).filter(\.$state == .sent).count()
                if sent >= count && firstGoodDone == nil { firstGoodDone = Date() }
                let open = try await Delivery.query(on: app.db).filter(\.$state ~~ [.queued, .sending]).count()
                let running = await inFlight.count
                if open == 0 && running == 0 { break }
                try await Task.sleep(for: .milliseconds(2))
            }
            let seconds = Date().timeIntervalSince(started)
            let sent = try await Delivery.query(on: app.db).filter(\.$state == .sent).count()
            let failed = try await Delivery.query(on: app.db).filter(\.$state == .failed).count()
            let healthy = (firstGoodDone ?? Date()).timeIntervalSince(started)
            return [
                String(
                    format: "%d delivered to 20 healthy channels in %.2f s: %.0f deliveries/s", sent, healthy,
                    Double(sent) / healthy),
                String(
                    format: "%d to the stuck channel failed at the %d s timeout; queue empty after %.2f s", failed,
                    Int(app.luoshi.delivery.timeoutSeconds), seconds),
            ]
        }
    }
}
