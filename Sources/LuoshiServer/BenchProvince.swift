import Fluent
import Foundation
import LuoshiCore
import SQLKit
import Vapor

extension Benchmarks {
    /// A province: one province, its cities, ten counties a city and the towns dealt out among the counties,
    /// each town with ten units, a plan of `itemsPerTown` assigned items and reports to the month before
    /// `day`. Then, in this process: a full supervision pass with report filings running beside it (their
    /// latency), a town's overview page and a county's roll-up page as their offices open them (through the
    /// app's whole middleware and router, without the network), and the process's peak memory.
    public static func province(
        _ config: ServerConfiguration, towns: Int, itemsPerTown: Int, at day: CivilDay, filings: Int,
        passWidth: Int? = nil, httpPlan: String? = nil
    ) async throws -> [String] {
        try await Runner.withApplication(config) { app in
            try await requireEmpty(app.db)
            let sql = app.db as! any SQLDatabase
            var lines: [String] = []
            let t0 = Date()
            // The frame: province → cities → counties.
            let province = UUID()
            let provincePath = TreePath([province])
            var frame: [(UUID, String, OrganizationKind, UUID?, TreePath)] = [
                (province, "演示省", .province, nil, provincePath)
            ]
            let countyCount = max(1, towns / 10)
            let cityCount = max(1, countyCount / 10)
            var counties: [(id: UUID, path: TreePath)] = []
            for c in 0..<cityCount {
                let city = UUID()
                let cityPath = provincePath.appending(city)
                frame.append((city, "第\(c + 1)市", .city, province, cityPath))
                for k in 0..<(countyCount / cityCount) {
                    let county = UUID()
                    frame.append((county, "第\(c + 1)市第\(k + 1)县", .county, city, cityPath.appending(county)))
                    counties.append((county, cityPath.appending(county)))
                }
            }
            for part in frame.chunked(200) {
                var insert = sql.insert(into: Organization.schema).columns("id", "name", "kind", "parent_id", "path")
                for (id, name, kind, parent, path) in part {
                    insert = insert.values(
                        SQLBind(id), SQLBind(name), SQLBind(kind.rawValue), SQLBind(parent), SQLBind(path.text))
                }
                try await insert.run()
            }
            let counts = try await fillDistrict(
                sql, towns: towns, itemsPerTown: itemsPerTown, until: day, counties: counties)
            lines.append(
                "生成 (generated): 1 省, \(cityCount) 市, \(counties.count) 县, \(towns) 镇, \(counts.items) 项已分解事项, "
                    + "\(counts.reports) 份报送 in " + String(format: "%.1f s", Date().timeIntervalSince(t0)))

            // Offices that sign in: a town's and a county's.
            let county = counties[0].id
            let town = try requireBench(
                try await Organization.query(on: app.db).filter(\.$parent.$id == county).filter(\.$kind == .town)
                    .first())
            var tokens: [String: String] = [:]
            for (username, unit) in [("bench-town", town.id!), ("bench-county", county)] {
                let (_, password) = try await Directory.addAccount(
                    .init(username: username, displayName: username, role: .admin, organization: unit),
                    by: .commandLine, cost: 4, on: app.store, now: Date())
                let user = try await Accounts.signIn(
                    username: username, password: password, address: "127.0.0.1", on: app.db,
                    checker: PasswordChecker(cost: 4))
                let token = [UInt8].random(count: 32).base64URL
                try await UserToken(
                    value: StoredSecret.digest(token), userID: user.id!, expiresAt: Date().addingTimeInterval(6 * 3600)
                ).create(on: app.db)
                tokens[username] = token
            }
            let townPlan = try requireBench(
                try await Plan.query(on: app.db).filter(\.$owner.$id == town.id!).first())
            let reporters = try await User.query(on: app.db).filter(\.$role == .reporter).limit(2000).all()
            if let httpPlan {
                // The measuring is done over the network (Scripts/bench-province-http.sh): what its clients
                // present, and what they file on.
                var filings: [[String: String]] = []
                for k in 0..<min(600, reporters.count) {
                    let reporter = reporters[(k * 7919) % reporters.count]
                    guard
                        let assignment = try await Assignment.query(on: app.db)
                            .filter(\.$leadUnit.$id == reporter.$organization.id!).first()
                    else { continue }
                    let token = [UInt8].random(count: 32).base64URL
                    try await UserToken(
                        value: StoredSecret.digest(token), userID: reporter.id!,
                        expiresAt: Date().addingTimeInterval(6 * 3600)
                    ).create(on: app.db)
                    filings.append(["token": token, "item": assignment.$item.id.uuidString])
                }
                let plan: [String: Any] = [
                    "overview": "/plans/\(townPlan.id!)", "rollup": "/standing", "town": tokens["bench-town"]!,
                    "county": tokens["bench-county"]!, "period": String(format: "%04d-%02d", day.year, day.month),
                    "filings": filings,
                ]
                try JSONSerialization.data(withJSONObject: plan, options: [.prettyPrinted, .sortedKeys])
                    .write(to: URL(fileURLWithPath: httpPlan))
                lines.append("\(filings.count) 份报送与两个办公室的令牌写入 (filings and the offices' tokens written to) \(httpPlan)")
                return lines
            }

            func get(_ path: String, as who: String) async throws -> (Double, HTTPStatus) {
                var headers = HTTPHeaders()
                headers.bearerAuthorization = .init(token: tokens[who]!)
                let req = Request(
                    application: app, method: .GET, url: URI(string: path), headers: headers,
                    on: app.eventLoopGroup.next())
                let t = Date()
                let res = try await app.responder.respond(to: req).get()
                return (Date().timeIntervalSince(t) * 1000, res.status)
            }
            func spread(_ ms: [Double]) -> String {
                let s = ms.sorted()
                func q(_ p: Double) -> Double { s[min(s.count - 1, Int(Double(s.count) * p))] }
                return String(
                    format: "p50 %.1f ms, p99 %.1f ms, max %.1f ms (n=%d)", q(0.5), q(0.99), s.last ?? 0, s.count)
            }
            for (label, path, who) in [
                ("town overview", "/plans/\(townPlan.id!)", "bench-town"),
                ("county roll-up", "/standing", "bench-county"),
            ] {
                var ms: [Double] = []
                for _ in 0..<20 {
                    let (t, status) = try await get(path, as: who)
                    guard status == .ok else { throw LuoshiError.invalid(field: path, reason: "\(status)") }
                    ms.append(t)
                }
                lines.append("\(label) \(path): first \(String(format: "%.1f", ms[0])) ms; " + spread(ms))
            }

            // The pass, with filings beside it: each a report on another town's item by its unit.
            let at = ServerConfiguration.morning(of: day)
            let store = app.store
            let done = PassDone()
            let passTask = Task {
                let r = try await Supervisor.pass(at: at, width: passWidth, on: store)
                await done.set()
                return r
            }
            var filed: [Double] = []
            var n = 0
            // Filings until the pass ends (at most `filings`): every one measured here ran beside it.
            while n < filings, !(await done.value) {
                let reporter = reporters[(n * 7919) % reporters.count]
                guard
                    let assignment = try await Assignment.query(on: app.db)
                        .filter(\.$leadUnit.$id == reporter.$organization.id!).with(\.$item).first()
                else { continue }
                let t = Date()
                _ = try await Reports.file(
                    .init(
                        period: String(format: "%04d-%02d", day.year, day.month), actualValue: nil,
                        percentComplete: 60, milestone: nil, narrative: "推进中"),
                    item: assignment.item, user: reporter, on: store, now: at)
                filed.append(Date().timeIntervalSince(t) * 1000)
                n += 1
            }
            let pass = try await passTask.value
            lines.append(
                String(
                    format: "full pass over %d towns: %.1f s — %d reminders, %d notices, %d escalations; %d failures",
                    towns, pass.seconds, pass.count(.reminder), pass.count(.notice), pass.count(.escalation),
                    pass.failures.count) + " (\(passWidth.map(String.init) ?? "default") plans at a time)")
            lines.append("report filing during the pass: " + spread(filed))
            lines.append("peak memory (VmHWM): \(peakMemoryKB() / 1024) MB")
            return lines
        }
    }

    /// The process's peak resident memory, from /proc (Linux); 0 elsewhere.
    static func peakMemoryKB() -> Int {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") })
        else { return 0 }
        return Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0
    }
}

private actor PassDone {
    var value = false
    func set() { value = true }
}

/// A benchmark's precondition: the generated data must hold what it measures.
private func requireBench<T>(_ value: T?) throws -> T {
    guard let value else { throw LuoshiError.invalid(field: "bench", reason: "generated data is missing a record") }
    return value
}
