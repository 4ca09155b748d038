import Foundation
import Testing

/// The built `luoshi` binary, run as a user runs it.
enum CLI {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let fixture = packageRoot.deletingLastPathComponent().appendingPathComponent(
        "shared/fixtures/zhangzhishan-2015.txt")

    /// The products folder holds the test bundle and the executable side by side.
    static let binary: URL? = {
        let candidates = [
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent(),
            Bundle.main.bundleURL,
            Bundle.main.bundleURL.deletingLastPathComponent(),
            packageRoot.appendingPathComponent(".build/debug"),
        ]
        return candidates.map { $0.appendingPathComponent("luoshi") }.first {
            FileManager.default.isExecutableFile(atPath: $0.path)
        }
    }()

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static func run(_ arguments: [String]) throws -> Result {
        let binary = try #require(binary, "luoshi binary not built next to the tests")
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // Read both pipes before waiting, so a large output cannot block the child.
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(
            status: process.terminationStatus, stdout: String(decoding: o, as: UTF8.self),
            stderr: String(decoding: e, as: UTF8.self))
    }

    static func temporaryDirectory() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("luoshi-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }
}

@Suite("命令行 luoshi import (the import command)")
struct ImportCommandTests {
    @Test("提纲：各领域、目标与计数 (the outline shows areas, targets and counts)")
    func outline() throws {
        let r = try CLI.run(["import", CLI.fixture.path])
        #expect(r.status == 0)
        #expect(r.stdout.contains("《张芝山镇2015年度工作计划》"))
        #expect(r.stdout.contains("一、以园区建设为引擎,做强园区"))
        #expect(r.stdout.contains("停车位：新增 ≥300 个"))
        #expect(r.stdout.contains("张江公路升级改造工程（长度 1.7千米，总投资 4000万元，宽度 60米）"))
        #expect(r.stdout.contains("领域 6 · 主题 19"))
        #expect(r.stdout.contains("目标 25（主要预期目标 5）"))
    }

    @Test("--json 输出 luoshi-plan/1，--out 写入文件 (--json prints the format, --out writes it)")
    func json() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("plan.json")
        let r = try CLI.run(["import", "--json", "--out", out.path, CLI.fixture.path])
        #expect(r.status == 0)
        #expect(r.stdout.isEmpty)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: out)) as? [String: Any])
        #expect(json["format"] as? String == "luoshi-plan/1")
        #expect((json["targets"] as? [Any])?.count == 25)
        #expect(
            (json["source"] as? [String: Any])?["sha256"] as? String
                == "\(try sha256sum(CLI.fixture))")
    }

    @Test("空文件与二进制文件：一行错误，退出码 65，无部分输出 (bad files: one line, status 65, no output)")
    func refusals() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let empty = dir.appendingPathComponent("empty.txt")
        try Data().write(to: empty)
        let pdf = dir.appendingPathComponent("plan.pdf")
        try Data("%PDF-1.4\n%\u{00E2}\u{00E3}".utf8).write(to: pdf)
        for file in [empty, pdf] {
            let r = try CLI.run(["import", "--json", file.path])
            #expect(r.status == 65)
            #expect(r.stdout.isEmpty)
            #expect(r.stderr.split(separator: "\n").count == 1)
        }
        let missing = try CLI.run(["import", dir.appendingPathComponent("nope.txt").path])
        #expect(missing.status == 66)
    }

    @Test("一个文件夹：逐个读取并分别报告 (a folder: each file read and reported)")
    func folder() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.copyItem(at: CLI.fixture, to: dir.appendingPathComponent("a.txt"))
        try Data("某镇2016年工作计划\n一、产业\n新建厂房5万平方米。\n".utf8).write(to: dir.appendingPathComponent("b.txt"))
        try Data().write(to: dir.appendingPathComponent("c.txt"))
        let out = dir.appendingPathComponent("out")
        let r = try CLI.run(["import", "--json", "--out", out.path, dir.path])
        #expect(r.status == 65)  // one of three failed
        #expect(r.stdout.contains("共 3 个文件，成功 2，失败 1"))
        #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("a.json").path))
        #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("b.json").path))
        #expect(!FileManager.default.fileExists(atPath: out.appendingPathComponent("c.json").path))
        #expect(r.stderr.contains("c.txt"))
    }

    @Test("帮助文字 (help text)")
    func help() throws {
        let r = try CLI.run(["import", "--help"])
        #expect(r.status == 0)
        #expect(r.stdout.contains("--json"))
        #expect(r.stdout.contains("--out"))
    }

    func sha256sum(_ url: URL) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["sha256sum", url.path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(String(decoding: data, as: UTF8.self).prefix(64))
    }
}
