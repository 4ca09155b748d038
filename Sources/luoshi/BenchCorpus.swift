import ArgumentParser
import Foundation
import LuoshiCore
import PlanReader

/// `luoshi bench corpus DIR`: the reader over a folder of real documents — what it found in each, what it
/// could not read, and how fast. The figure a collection of thousands of reports is judged by.
struct BenchCorpus: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "corpus",
        abstract: "读取整个文件夹，逐个统计并汇总 (import a folder: counts per file and a summary)",
        discussion: """
            每个文件一行：字数、用时、计划部分的标题、目标（主要预期目标）、项目、领域、主题。最后汇总：找到计划部分的比例、
            读不了的文件、崩溃、每秒字数。--isolate 让每个文件在单独的进程中读取，崩溃或超时只记一次，不中断整批。
            One line a file (characters, time, the plan section's heading, targets with headline targets, projects,
            areas, themes), then a summary: plan section found, unreadable files, crashes, characters per second.
            With --isolate each file is read by a child process, so a crash or a hang counts once and the run goes on.
            """
    )

    @Argument(help: "文件夹或文件 (folders or files)")
    var paths: [String]

    @Flag(name: .long, help: "每个文件单独一个进程 (read each file in a child process; counts crashes)")
    var isolate = false

    @Option(name: .long, help: "--isolate 时每个文件的时限（秒）(per-file time limit with --isolate, seconds)")
    var timeout: Double = 60

    @Flag(name: .long, help: "输出 JSON (print the results as JSON)")
    var json = false

    @Flag(name: .long, help: "只输出汇总 (print only the summary)")
    var summaryOnly = false

    enum Outcome: String, Codable {
        case read, unreadable, crashed, timedOut = "timed-out"
    }

    struct FileResult: Codable {
        var file: String
        var outcome: Outcome
        var message: String?
        var characters: Int = 0
        var milliseconds: Double = 0
        var planSection: String?
        var targets = 0
        var headlineTargets = 0
        var projects = 0
        var areas = 0
        var themes = 0
    }

    struct Summary: Codable {
        var files = 0
        var read = 0
        var unreadable = 0
        var crashed = 0
        var timedOut = 0
        var planSectionFound = 0
        var withTargets = 0
        var targets = 0
        var headlineTargets = 0
        var projects = 0
        var characters = 0
        var seconds = 0.0
        var charactersPerSecond = 0.0
        var slowestFile: String?
        var slowestMilliseconds = 0.0
    }

    func run() throws {
        let files: [String]
        do {
            files = try Inputs.expand(paths)
        } catch let error as ImportFailure {
            FileHandle.standardError.write(Data("luoshi bench corpus: \(error.message)\n".utf8))
            throw ExitCode(error.code)
        }
        guard !files.isEmpty else {
            FileHandle.standardError.write(Data("luoshi bench corpus: 没有找到可读取的文件 (no files found)\n".utf8))
            throw ExitCode(66)
        }
        var results: [FileResult] = []
        for file in files {
            let result = isolate ? readInChild(file) : readHere(file)
            results.append(result)
            if !json && !summaryOnly { print(line(result)) }
        }
        let summary = summarise(results)
        if json {
            struct Output: Codable {
                var summary: Summary
                var files: [FileResult]
            }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(Output(summary: summary, files: results)), as: UTF8.self))
        } else {
            for l in describe(summary) { print(l) }
        }
        if summary.crashed > 0 || summary.timedOut > 0 { throw ExitCode(70) }
    }

    /// Reads one file in this process. A crash here ends the run; the line of the file before it has
    /// been printed, so the file that did it is the next one.
    func readHere(_ file: String) -> FileResult {
        let t0 = DispatchTime.now().uptimeNanoseconds
        do {
            let plan = try Inputs.read(file)
            var r = counts(plan, file: file)
            r.milliseconds = Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e6
            return r
        } catch let error as ImportFailure {
            return FileResult(file: file, outcome: .unreadable, message: error.message)
        } catch {
            return FileResult(file: file, outcome: .unreadable, message: "\(error)")
        }
    }

    /// Reads one file with `luoshi import --json` in a child process, so a trap or a hang is counted
    /// instead of ending the run. The time includes the child's start (a few milliseconds).
    func readInChild(_ file: String) -> FileResult {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent(
            "luoshi-corpus-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: out) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        if let path = Bundle.main.executablePath { process.executableURL = URL(fileURLWithPath: path) }
        process.arguments = ["import", file, "--json", "--quiet", "--out", out.path]
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        let t0 = DispatchTime.now().uptimeNanoseconds
        do {
            try process.run()
        } catch {
            return FileResult(file: file, outcome: .crashed, message: "无法启动子进程 (cannot start a child): \(error)")
        }
        // The child's errors are one line; read them as they come so a full pipe never blocks it.
        let errorData = LockedData()
        let reader = Thread {
            errorData.set(errors.fileHandleForReading.readDataToEndOfFile())
        }
        reader.start()
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { usleep(2_000) }
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
            return FileResult(
                file: file, outcome: .timedOut, message: "超过 \(Int(timeout)) 秒 (over \(Int(timeout)) s)")
        }
        process.waitUntilExit()
        let ms = Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e6
        while !errorData.done { usleep(1_000) }
        let message = String(decoding: errorData.data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        if process.terminationReason == .uncaughtSignal {
            return FileResult(
                file: file, outcome: .crashed, message: "信号 \(process.terminationStatus) (signal) \(message)")
        }
        guard process.terminationStatus == 0 else {
            return FileResult(file: file, outcome: .unreadable, message: message)
        }
        guard let data = try? Data(contentsOf: out), let plan = try? JSONDecoder().decode(PlanDocument.self, from: data)
        else {
            return FileResult(file: file, outcome: .crashed, message: "输出不是 luoshi-plan/1 (output is not a plan)")
        }
        var r = counts(plan, file: file)
        r.milliseconds = ms
        return r
    }

    func counts(_ plan: PlanDocument, file: String) -> FileResult {
        let all = plan.allSections()
        return FileResult(
            file: file, outcome: .read, characters: plan.source.characters, planSection: plan.planSection?.heading,
            targets: plan.targets.count, headlineTargets: plan.targets.filter(\.headline).count,
            projects: plan.projects.count, areas: all.filter { $0.level == 1 }.count,
            themes: all.filter { $0.level == 2 }.count)
    }

    func summarise(_ results: [FileResult]) -> Summary {
        var s = Summary()
        s.files = results.count
        for r in results {
            switch r.outcome {
            case .read: s.read += 1
            case .unreadable: s.unreadable += 1
            case .crashed: s.crashed += 1
            case .timedOut: s.timedOut += 1
            }
            guard r.outcome == .read else { continue }
            if r.planSection != nil { s.planSectionFound += 1 }
            if r.targets > 0 { s.withTargets += 1 }
            s.targets += r.targets
            s.headlineTargets += r.headlineTargets
            s.projects += r.projects
            s.characters += r.characters
            s.seconds += r.milliseconds / 1000
            if r.milliseconds > s.slowestMilliseconds {
                s.slowestMilliseconds = r.milliseconds
                s.slowestFile = r.file
            }
        }
        s.charactersPerSecond = s.seconds > 0 ? Double(s.characters) / s.seconds : 0
        return s
    }

    func line(_ r: FileResult) -> String {
        let name = URL(fileURLWithPath: r.file).lastPathComponent
        switch r.outcome {
        case .read:
            let section = r.planSection.map { "「\(clip($0, 24))」" } ?? "—"
            return
                "✓ \(name)  \(r.characters) 字 \(format(r.milliseconds)) ms  计划部分 \(section)  目标 \(r.targets)（主要 \(r.headlineTargets)）项目 \(r.projects) 领域 \(r.areas) 主题 \(r.themes)"
        case .unreadable: return "✗ \(name)  读不了 (unreadable): \(r.message ?? "")"
        case .crashed: return "‼ \(name)  崩溃 (crashed): \(r.message ?? "")"
        case .timedOut: return "‼ \(name)  超时 (timed out): \(r.message ?? "")"
        }
    }

    func describe(_ s: Summary) -> [String] {
        func share(_ n: Int, _ of: Int) -> String {
            of == 0 ? "—" : String(format: "%.1f%%", Double(n) * 100 / Double(of))
        }
        return [
            "文件 \(s.files)：读取 \(s.read)，读不了 \(s.unreadable)，崩溃 \(s.crashed)，超时 \(s.timedOut) (files \(s.files): read \(s.read), unreadable \(s.unreadable), crashed \(s.crashed), timed out \(s.timedOut))",
            "找到计划部分 \(s.planSectionFound)/\(s.read) (\(share(s.planSectionFound, s.read)))；有目标 \(s.withTargets)/\(s.read) (plan section found; with targets)",
            "目标 \(s.targets)（主要预期目标 \(s.headlineTargets)），项目 \(s.projects) (targets, headline targets, projects)",
            "\(s.characters) 字，\(format(s.seconds)) s，\(format(s.charactersPerSecond / 1e6)) M 字/秒 (characters, seconds, M chars/s)"
                + (s.slowestFile.map {
                    "；最慢 \(URL(fileURLWithPath: $0).lastPathComponent) \(format(s.slowestMilliseconds)) ms"
                }
                    ?? ""),
        ]
    }

    func format(_ v: Double) -> String { String(format: "%.2f", v) }

    func clip(_ s: String, _ n: Int) -> String { s.count <= n ? s : String(s.prefix(n)) + "…" }
}

/// Bytes handed from the thread that drains a child's stderr to the one that waits for it.
final class LockedData: @unchecked Sendable {
    private let lock = NSLock()
    private var value = Data()
    private var finished = false

    func set(_ data: Data) {
        lock.withLock {
            value = data
            finished = true
        }
    }

    var done: Bool { lock.withLock { finished } }
    var data: Data { lock.withLock { value } }
}
