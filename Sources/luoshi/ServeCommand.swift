import ArgumentParser
import Foundation
import LuoshiCore
import LuoshiServer

/// Where the data lives: `--data DIR` for SQLite, or `DATABASE_URL` for PostgreSQL.
struct StorageOptions: ParsableArguments {
    @Option(name: .long, help: "SQLite 数据目录 (SQLite data folder; ignored when DATABASE_URL is set)")
    var data: String = "./data"

    /// The same environment as `serve` (database, SMTP relay, public address), so that a command that
    /// sends, like `remind`, sends as the server would.
    func configuration() -> ServerConfiguration {
        let env = ProcessInfo.processInfo.environment
        var config = ServerConfiguration(storage: ServerConfiguration.storage(dataDirectory: data, environment: env))
        config.publicURL = env["LUOSHI_PUBLIC_URL"]
        config.mail = ServerConfiguration.MailSettings.from(environment: env)
        return config
    }
}

/// Domain errors become one clear line and exit status 1; usage errors stay ArgumentParser's.
func reporting<T>(_ body: () async throws -> T) async throws -> T {
    do {
        return try await body()
    } catch let error as LuoshiError {
        FileHandle.standardError.write(Data("luoshi: \(error.message)\n".utf8))
        throw ExitCode(1)
    }
}

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "启动网页与 JSON API (start the web app and JSON API)",
        discussion: """
            默认在 127.0.0.1:8080，数据存于 ./data 下的 SQLite 文件；设置 DATABASE_URL 则使用 PostgreSQL。
            --demo 载入张芝山镇2015年计划和一个演示乡镇（数据在 ./data/demo），系统时间固定为 2015年6月30日。
            """
    )

    @Option(name: .long, help: "监听地址 (address to listen on)") var host = "127.0.0.1"
    @Option(name: .long, help: "端口 (port)") var port = 8080
    @OptionGroup var storage: StorageOptions
    @Flag(name: .long, help: "载入演示数据 (load the demo township and plan)") var demo = false
    @Option(name: .customLong("demo-plan"), help: "演示用计划文档 (the plan document for the demo)") var demoPlan: String?

    func run() async throws {
        var store = storage.configuration().storage
        if demo, case .sqliteFile(let dir) = store {
            // The demo keeps to a folder of its own, so it never mixes with real data.
            store = .sqliteFile(directory: dir + "/demo")
        }
        var plan: String?
        if demo {
            plan = Demo.findPlan(
                explicit: demoPlan, environment: ProcessInfo.processInfo.environment,
                executable: CommandLine.arguments[0])
            guard plan != nil else {
                throw ValidationError("找不到演示计划文档，请用 --demo-plan 指定 (demo plan not found: pass --demo-plan)")
            }
        }
        var config = ServerConfiguration(
            host: host, port: port, storage: store, demo: demo, fixedNow: demo ? ServerConfiguration.demoNow : nil)
        config.background = true
        config.publicURL = ProcessInfo.processInfo.environment["LUOSHI_PUBLIC_URL"]
        config.mail = ServerConfiguration.MailSettings.from(environment: ProcessInfo.processInfo.environment)
        try await reporting { try await Runner.serve(config, demoPlan: plan) }
    }
}

struct UserCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user", abstract: "管理账号 (manage accounts)", subcommands: [Add.self, Passwd.self, List.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add", abstract: "新增账号，随机密码只显示一次 (add an account; its random password is shown once)")
        @Argument(help: "用户名 (username)") var username: String
        @Option(name: .long, help: "角色 admin|reporter|leader|deputy") var role: String
        @Option(name: .customLong("name"), help: "显示名 (display name)") var displayName: String?
        @Option(name: .long, help: "所属单位名称 (the unit's name)") var unit: String?
        @OptionGroup var storage: StorageOptions

        func run() async throws {
            guard let role = Role(rawValue: role) else { throw ValidationError("未知角色 \(role) (unknown role)") }
            let password = try await reporting {
                try await Runner.addUser(
                    storage.configuration(), username: username, displayName: displayName ?? username, role: role,
                    unit: unit)
            }
            print("已创建 \(username)，密码 \(password)（只显示这一次） / created; password shown once")
        }
    }

    struct Passwd: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "passwd", abstract: "重置密码 (reset a password)")
        @Argument(help: "用户名 (username)") var username: String
        @OptionGroup var storage: StorageOptions

        func run() async throws {
            let password = try await reporting {
                try await Runner.resetPassword(storage.configuration(), username: username)
            }
            print("\(username) 的新密码 \(password)（只显示这一次） / new password, shown once")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "列出账号 (list accounts)")
        @OptionGroup var storage: StorageOptions

        func run() async throws {
            for row in try await reporting({ try await Runner.listUsers(storage.configuration()) }) { print(row) }
        }
    }
}

struct Remind: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "remind",
        abstract: "执行一次督查督办：催办、自动督办单、升级 (run one supervision pass)",
        discussion: "以指定日期上午9时为准；--dry-run 只显示将要发送的内容。演示数据在 ./data/demo。")
    @Option(name: .long, help: "日期，如 2015-06-26 (the day of the pass)") var at: String
    @Flag(name: .customLong("dry-run"), help: "只显示，不保存也不发送 (show, store and send nothing)") var dryRun = false
    @OptionGroup var storage: StorageOptions

    func run() async throws {
        guard let day = CivilDay(at) else { throw ValidationError("日期应为 2015-06-26 的形式 (date as 2015-06-26)") }
        for line in try await reporting({ try await Runner.remind(storage.configuration(), at: day, dryRun: dryRun) }) {
            print(line)
        }
    }
}

struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit", abstract: "审计日志 (the audit log)", subcommands: [Verify.self])

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "verify", abstract: "校验审计日志的哈希链 (check the audit log's hash chain)")
        @OptionGroup var storage: StorageOptions

        func run() async throws {
            let (count, broken) = try await reporting { try await Runner.verifyAudit(storage.configuration()) }
            if let broken {
                print("审计链断裂 (audit chain broken): \(broken)；共 \(count) 条")
                throw ExitCode(1)
            }
            print("审计链完整 (audit chain intact)：\(count) 条记录 (entries)")
        }
    }
}
