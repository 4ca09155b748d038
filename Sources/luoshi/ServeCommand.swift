import ArgumentParser
import Foundation
import LuoshiCore
import LuoshiServer

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
    @Option(
        name: .customLong("as-of"),
        help:
            "以此日上午9时为系统时间，用于演练与测量；催办、督办单和邮件照常发出，勿用于正式数据库 (run as of 09:00 on this day, for rehearsals and benchmarks: passes and mail run as usual, so never on a live database)"
    )
    var asOf: CivilDay?

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
            host: host, port: port, storage: store, demo: demo,
            fixedNow: demo ? ServerConfiguration.demoNow : asOf.map(ServerConfiguration.morning(of:)))
        config.background = true
        config.publicURL = ProcessInfo.processInfo.environment["LUOSHI_PUBLIC_URL"]
        config.mail = ServerConfiguration.MailSettings.from(environment: ProcessInfo.processInfo.environment)
        config.dataFiles(environment: ProcessInfo.processInfo.environment, dataDirectory: storage.data)
        if !demo, config.evidenceDirectory.hasPrefix(NSTemporaryDirectory()) {
            FileHandle.standardError.write(
                Data(
                    ("luoshi: 证据文件仍在临时目录 \(config.evidenceDirectory)，重启可能丢失；请移到 \(storage.data)/evidence 或设置 LUOSHI_EVIDENCE_DIR"
                        + " (evidence is still in the temporary folder, which a reboot may empty: move it to \(storage.data)/evidence or set LUOSHI_EVIDENCE_DIR)\n")
                        .utf8))
        }
        try await reporting { try config.proxies(environment: ProcessInfo.processInfo.environment) }
        config.delivery.allowedHosts = Set(
            (ProcessInfo.processInfo.environment["LUOSHI_WEBHOOK_ALLOW"] ?? "").split(separator: ",").map {
                $0.trimmingCharacters(in: .whitespaces).lowercased()
            }.filter { !$0.isEmpty })
        try await reporting { try await Runner.serve(config, demoPlan: plan) }
    }
}
