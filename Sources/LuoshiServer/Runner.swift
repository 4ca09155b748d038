import Fluent
import Foundation
import LuoshiCore
import Vapor

/// What the `luoshi` executable runs: it parses arguments and calls these, never the HTTP layer.
public enum Runner {
    /// Opens the database (migrating it), runs `body`, and shuts the app down.
    static func withApplication<T>(_ configuration: ServerConfiguration, _ body: (Application) async throws -> T)
        async throws -> T
    {
        let app = try await Application.make(Environment(name: "production", arguments: ["luoshi"]))
        app.logger.logLevel = quietLevel()
        do {
            try await LuoshiServer.configure(app, configuration)
            let result = try await body(app)
            try await app.asyncShutdown()
            return result
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
    }

    /// Starts the server; with `demoPlan`, loads the demo first. Prints where to sign in.
    public static func serve(_ config: ServerConfiguration, demoPlan: String?) async throws {
        let app = try await Application.make(Environment(name: "production", arguments: ["luoshi", "serve"]))
        app.logger.logLevel = quietLevel()
        do {
            try await LuoshiServer.configure(app, config)
            var banner: [String] = []
            if let path = demoPlan {
                let data = try Data(contentsOf: URL(fileURLWithPath: path))
                if let accounts = try await Demo.load(
                    app, planData: data, planName: URL(fileURLWithPath: path).lastPathComponent)
                {
                    banner.append("演示账号 (demo accounts)，密码均为 password: \(Demo.password)")
                    for role in Role.allCases {
                        let list = accounts.filter { $0.role == role }
                        guard let first = list.first else { continue }
                        let more =
                            list.count > 1
                            ? "（共 \(list.count) 个，另如 \(list.dropFirst().prefix(2).map(\.username).joined(separator: "、"))）"
                            : ""
                        banner.append("  \(role.chinese) \(role.rawValue): \(first.username) — \(first.name)\(more)")
                    }
                } else {
                    banner.append("演示数据已载入 (demo data already loaded)；密码 password: \(Demo.password)")
                }
                banner.append("演示时间固定为 2015年6月30日 (the demo's clock is fixed at 2015-06-30)")
            } else if let password = try await LuoshiServer.ensureAdmin(app) {
                banner.append("首次启动：已创建管理员 admin，密码 \(password)（只显示这一次）")
                banner.append("First start: created the account admin, password \(password) (shown once)")
            }
            let lines =
                [
                    "落实 Luoshi 已启动 · http://\(config.host):\(config.port)/  登录 sign in: http://\(config.host):\(config.port)/login"
                ] + banner
            // Straight to the terminal, before the server's own log lines.
            FileHandle.standardOutput.write(Data((lines.joined(separator: "\n") + "\n").utf8))
            try await app.execute()
            try await app.asyncShutdown()
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
    }

    /// Notices and worse by default (migrations are not news); `LOG_LEVEL=info` or `debug` for more.
    static func quietLevel() -> Logger.Level {
        ProcessInfo.processInfo.environment["LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .notice
    }

    public static func addUser(
        _ config: ServerConfiguration, username: String, displayName: String, role: Role, unit: String?
    )
        async throws -> String
    {
        try await withApplication(config) {
            try await LuoshiServer.addUser($0, username: username, displayName: displayName, role: role, unit: unit)
        }
    }

    public static func resetPassword(_ config: ServerConfiguration, username: String) async throws -> String {
        try await withApplication(config) { try await LuoshiServer.resetPassword($0, username: username) }
    }

    public static func listUsers(_ config: ServerConfiguration) async throws -> [String] {
        try await withApplication(config) { try await LuoshiServer.listUsers($0) }
    }

    /// One supervision pass at the start of office hours on `day`; unless dry, stores it and sends what
    /// it queued. Returns the lines to print.
    public static func remind(_ config: ServerConfiguration, at day: CivilDay, dryRun: Bool) async throws -> [String] {
        try await withApplication(config) { app in
            let at = ServerConfiguration.morning(of: day)
            let result = try await Supervisor.pass(at: at, dryRun: dryRun, on: app.store)
            var lines = ["督查督办 \(day.chinese) 9:00" + (dryRun ? "（演练，不发送 dry run: nothing stored or sent）" : "")]
            for failure in result.failures { lines.append("未完成 (failed, rolled back): \(failure)") }
            for action in result.actions {
                let label = action.kind.chinese
                lines.append(
                    "\(label) · \(action.unit) · \(action.item.prefix(40)) · \(action.detail) → \(action.recipients.joined(separator: "、"))"
                )
            }
            let summary = [MessageKind.reminder, .notice, .escalation].map { "\($0.chinese) \(result.count($0))" }
                .joined(separator: "，")
            var tail = "共 \(summary)；\(String(format: "%.3f", result.seconds)) 秒"
            if !dryRun {
                let sent = try await Deliveries.runOnce(app: app)
                tail +=
                    "；站内消息 \(result.messages) 条，推送 \(sent) 次 (inbox \(result.messages), deliveries attempted \(sent))"
            }
            lines.append(tail)
            return lines
        }
    }

    /// A 考核 of a plan's units for a period (2015, or 2015-Q2) as its data stood at the period's end (or
    /// `at`): the ranking by group and, for `unit`, every line of its score; or all of it as JSON.
    public static func assess(
        _ config: ServerConfiguration, plan: String, period: String, at: CivilDay?, unit: String?, json: Bool
    ) async throws -> String {
        try await withApplication(config) { app in
            let stored = try await PlanStore.find(plan, on: app.db)
            let day = try at ?? AssessmentPeriod.end(of: period)
            let result = try await AssessmentService.score(plan: stored, period: period, at: day, on: app.db)
            if json { return try AssessmentPeriod.json(result, period: period) }
            var lines = [
                "考核 \(stored.title) · \(period) · 截至 \(day.chinese) · 方案第 \(result.scheme.version) 版 (scheme v\(result.scheme.version))"
            ]
            for group in Set(result.scores.map(\.group)).sorted() {
                lines.append("— \(group)")
                for s in result.scores where s.group == group {
                    lines.append(
                        String(format: "%3d. ", s.rank) + s.name + String(format: "  %6.2f  ", s.total)
                            + s.grade.chinese
                            + (s.vetoed ? "（一票否决）" : ""))
                }
            }
            if let unit {
                guard let s = result.scores.first(where: { $0.name == unit || $0.unit.uuidString == unit }) else {
                    throw LuoshiError.notFound(entity: "单位", id: unit)
                }
                lines.append("— \(s.name) 的得分明细 (the working)")
                for l in s.lines {
                    lines.append(
                        String(format: "%+7.2f  ", l.points) + "\(l.category.chinese) · \(l.subject) · \(l.rule)"
                            + (l.sources.isEmpty ? "" : " · 依据 " + l.sources.joined(separator: "、")))
                }
                lines.append(
                    String(format: "%7.2f  合计 (total)，第 %d 名 / %d，", s.total, s.rank, s.groupSize) + s.grade.chinese)
            }
            return lines.joined(separator: "\n")
        }
    }

    public static func verifyAudit(_ config: ServerConfiguration) async throws -> (Int, AuditChain.Break?) {
        try await withApplication(config) { try await LuoshiServer.verifyAudit($0) }
    }
}
