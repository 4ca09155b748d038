import ArgumentParser
import Foundation
import LuoshiCore
import LuoshiServer
import PlanReader

#if canImport(Glibc)
    import Glibc
#endif

/// `luoshi bench import FILE`: how fast the reader is, and how much memory it takes.
struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench", abstract: "性能测试 (benchmarks)",
        subcommands: [
            BenchImport.self, BenchCorpus.self, BenchSupervise.self, BenchProvince.self, BenchExport.self,
            BenchDeliver.self,
        ])
}

struct BenchImport: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "测量导入速度与内存 (measure import speed and peak memory)",
        discussion:
            "Reads FILE once (start-up cost), then repeats its text to --size MB and reads that, printing characters per second and peak resident memory."
    )

    @Argument(help: "文档 (a document)")
    var file: String

    @Option(name: .long, help: "重复文本至多少 MB (repeat the text up to this many MB)")
    var size: Double = 10

    @Option(name: .long, help: "单个文件重复读取次数 (repetitions of the single-file read)")
    var repeats: Int = 200

    func run() throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: file))
        let name = URL(fileURLWithPath: file).lastPathComponent
        // Warm up once: the first read pays for lexicon set-up.
        let first = try PlanReader.read(data, name: name)
        var times: [Double] = []
        for _ in 0..<max(1, repeats) {
            let t0 = DispatchTime.now().uptimeNanoseconds
            _ = try PlanReader.read(data, name: name)
            times.append(Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e6)
        }
        times.sort()
        let median = times[times.count / 2]
        let p95 = times[min(times.count - 1, Int(Double(times.count) * 0.95))]
        print("单文件 \(name): \(first.source.characters) 字, 中位 \(fmt(median)) ms, p95 \(fmt(p95)) ms (\(times.count) 次)")

        // A large document made by repeating the real text (built as bytes, so the harness holds one copy).
        let target = Int(size * 1_048_576)
        var bigData = Data(capacity: target + data.count + 1)
        while bigData.count < target {
            bigData.append(data)
            bigData.append(0x0A)
        }
        let inputBytes = bigData.count
        let rssBefore = peakRSS()
        let t0 = DispatchTime.now().uptimeNanoseconds
        let plan = try PlanReader.read(consume bigData, name: "repeated")
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
        let rssAfter = peakRSS()
        let chars = Double(plan.source.characters)
        print(
            "大文档 \(fmt(Double(inputBytes) / 1_048_576)) MB, \(plan.source.characters) 字: \(fmt(seconds)) s, \(fmt(chars / seconds / 1e6)) M 字/秒, 目标 \(plan.targets.count) 个"
        )
        print(
            "峰值内存 \(fmt(Double(rssAfter) / 1_048_576)) MB (读取前 \(fmt(Double(rssBefore) / 1_048_576)) MB), 为输入的 \(fmt(Double(rssAfter) / Double(inputBytes))) 倍"
        )
    }

    func fmt(_ v: Double) -> String { String(format: "%.2f", v) }

    /// Peak resident set size of this process, in bytes (VmHWM).
    func peakRSS() -> Int {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
        for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            let digits = line.filter(\.isNumber)
            return (Int(digits) ?? 0) * 1024
        }
        return 0
    }
}

/// `luoshi bench supervise`: a supervision pass over a district-sized database.
struct BenchSupervise: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "supervise",
        abstract: "测量一次督办巡查的耗时 (time a supervision pass over a district)",
        discussion:
            "Fills an empty database (--data, or DATABASE_URL) with --towns towns of --items assigned items each and a year of reports, then times passes."
    )
    @Option(name: .long, help: "镇的数量 (towns)") var towns = 20
    @Option(name: .long, help: "每镇事项数 (items per town)") var items = 300
    @Option(name: .long, help: "巡查日期 (the day of the pass)") var at = "2015-12-28"
    @OptionGroup var storage: StorageOptions

    func run() async throws {
        guard let day = CivilDay(at) else { throw ValidationError("日期应为 2015-12-28 的形式") }
        for line in try await reporting({
            try await Benchmarks.supervision(storage.configuration(), towns: towns, itemsPerTown: items, at: day)
        }) { print(line) }
    }
}

/// `luoshi bench province`: a province's towns on one database; a pass with filings beside it, the offices' pages.
struct BenchProvince: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "province",
        abstract: "测量全省规模：督办巡查、巡查时报送、镇概览、县汇总 (a province: the pass, filings during it, overview and roll-up)",
        discussion:
            "Fills an empty database (--data, or DATABASE_URL) with a province of --towns towns (ten to a county, ten counties to a city) of --items assigned items each and reports to the month before --at, then measures."
    )
    @Option(name: .long, help: "镇的数量 (towns)") var towns = 1200
    @Option(name: .long, help: "每镇事项数 (items per town)") var items = 300
    @Option(name: .long, help: "巡查日期 (the day of the pass)") var at = "2015-06-28"
    @Option(name: .long, help: "巡查期间的报送份数 (filings during the pass)") var filings = 300
    @Option(name: .long, help: "巡查同时处理的计划数，缺省按数据库而定 (plans worked at once; default by database)")
    var passWidth: Int?
    @Option(
        name: .customLong("http-plan"),
        help:
            "只生成数据，把令牌与报送事项写入此文件，由 Scripts/bench-province-http.sh 经网络测量 (generate only; write tokens and items here for the measuring over the network)"
    )
    var httpPlan: String?
    @OptionGroup var storage: StorageOptions

    func run() async throws {
        guard let day = CivilDay(at) else { throw ValidationError("日期应为 2015-12-28 的形式") }
        for line in try await reporting({
            try await Benchmarks.province(
                storage.configuration(), towns: towns, itemsPerTown: items, at: day, filings: filings,
                passWidth: passWidth, httpPlan: httpPlan)
        }) { print(line) }
    }
}

/// `luoshi bench export`: the 任务分解表 and 台账 of a large plan.
struct BenchExport: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "测量任务分解表与台账的导出耗时 (time the 任务分解表 and 台账 exports)",
        discussion:
            "Fills an empty database (--data, or DATABASE_URL) with one plan of --items assigned items and a year of reports."
    )
    @Option(name: .long, help: "事项数 (items)") var items = 6000
    @Option(name: .long, help: "日期 (the day)") var at = "2015-12-28"
    @OptionGroup var storage: StorageOptions

    func run() async throws {
        guard let day = CivilDay(at) else { throw ValidationError("日期应为 2015-12-28 的形式") }
        for line in try await reporting({
            try await Benchmarks.export(storage.configuration(), items: items, at: day)
        }) { print(line) }
    }
}

/// `luoshi bench deliver`: webhook delivery throughput to a local receiver, with and without a stuck one.
struct BenchDeliver: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deliver", abstract: "测量 Webhook 推送速度 (webhook delivery throughput)")
    @Option(name: .long, help: "推送条数 (deliveries)") var count = 2000
    @Option(name: .long, help: "发往卡死接收方的条数 (deliveries to a receiver that never answers)") var stuck = 0
    @OptionGroup var storage: StorageOptions

    func run() async throws {
        for line in try await reporting({
            try await Benchmarks.delivery(storage.configuration(), count: count, stuck: stuck)
        }) { print(line) }
    }
}
