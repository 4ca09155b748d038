import ArgumentParser
import Foundation
import LuoshiCore
import LuoshiServer

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
