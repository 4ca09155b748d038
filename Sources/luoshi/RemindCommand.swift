import ArgumentParser
import Foundation
import LuoshiCore
import LuoshiServer

struct Remind: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "remind",
        abstract: "执行一次督查督办：催办、自动督办单、升级 (run one supervision pass)",
        discussion: "以指定日期上午9时为准；--dry-run 只显示将要发送的内容。演示数据在 ./data/demo。")
    @Option(name: .long, help: "日期，如 2015-06-26 (the day of the pass)") var at: CivilDay
    @Flag(name: .customLong("dry-run"), help: "只显示，不保存也不发送 (show, store and send nothing)") var dryRun = false
    @OptionGroup var storage: StorageOptions

    func run() async throws {
        for line in try await reporting({ try await Runner.remind(storage.configuration(), at: at, dryRun: dryRun) }) {
            print(line)
        }
    }
}

/// `--at 2015-06-26` parses as a day; anything else is refused as ArgumentParser refuses a bad value.
extension CivilDay: ExpressibleByArgument {
    public init?(argument: String) { self.init(argument) }
}
