import ArgumentParser
import Foundation
import LuoshiCore
import LuoshiServer

struct Assess: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "assess",
        abstract: "考核：按方案计算各单位得分、名次、等次 (score the plan's units)",
        discussion: "以存储的数据为准，截至考核期最后一天（或 --at）；同样的数据得到同样的结果。")
    @Option(name: .long, help: "计划编号 (the plan's id)") var plan: String
    @Option(name: .long, help: "考核期，如 2015 或 2015-Q2 (a year or a quarter)") var period: String
    @Option(name: .long, help: "截至日期，如 2015-06-30 (score the data as of this day)") var at: CivilDay?
    @Option(name: .long, help: "列出该单位的得分明细 (the working of this unit, by name)") var unit: String?
    @Flag(name: .long, help: "以 JSON 输出全部明细 (everything as JSON)") var json = false
    @OptionGroup var storage: StorageOptions

    func run() async throws {
        print(
            try await reporting {
                try await Runner.assess(
                    storage.configuration(), plan: plan, period: period, at: at, unit: unit, json: json)
            })
    }
}
