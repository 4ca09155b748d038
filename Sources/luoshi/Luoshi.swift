import ArgumentParser
import Foundation
import LuoshiCore
import PlanReader

@main
struct Luoshi: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "luoshi",
        abstract: "落实 Luoshi：把年度工作计划变成可落实、可督办、可公开的计划 (carries out a government's annual work plan).",
        version: "0.1.0",
        subcommands: [
            Import.self, Serve.self, Remind.self, Assess.self, UserCommand.self, AuditCommand.self, Bench.self,
        ]
    )
}
