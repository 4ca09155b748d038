import Foundation
import Testing

@Suite("命令行 luoshi bench corpus (the reader over a folder)")
struct BenchCorpusTests {
    /// A short work report (a review, then the plan year), the fixture plan, and a file that is not a document.
    static let report = """
        某县政府工作报告
        一、2014年工作回顾
        全年完成地区生产总值120亿元，增长8%。新建学校3所。
        二、2015年工作安排
        （一）做强工业经济
        新增规模以上工业企业10家，工业增加值增长9%。
        （二）办好民生实事
        新建停车位300个，改造农村公路50公里。
        """

    func folder() throws -> URL {
        let dir = try CLI.temporaryDirectory()
        try Data(BenchCorpusTests.report.utf8).write(to: dir.appendingPathComponent("a-report.txt"))
        try Data(contentsOf: CLI.fixture).write(to: dir.appendingPathComponent("b-plan.txt"))
        try Data([0x00, 0xFF, 0x00, 0x13, 0x37]).write(to: dir.appendingPathComponent("c-binary.txt"))
        return dir
    }

    @Test("逐个文件与汇总，读不了的文件单独计数 (per file and a summary; an unreadable file counted, not fatal)")
    func summary() throws {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try CLI.run(["bench", "corpus", dir.path])
        #expect(r.status == 0, "\(r.stderr)")
        // The report's plan section is its second part; its review's figures are not targets.
        #expect(r.stdout.contains("✓ a-report.txt"))
        #expect(r.stdout.contains("计划部分 「2015年工作安排」  目标 4（主要 0）"))
        // A plan (not a report) is all plan: no section of it is set apart.
        #expect(r.stdout.contains("✓ b-plan.txt"))
        #expect(r.stdout.contains("✗ c-binary.txt"))
        #expect(r.stdout.contains("文件 3：读取 2，读不了 1，崩溃 0，超时 0"))
        #expect(r.stdout.contains("找到计划部分 1/2 (50.0%)"))
    }

    @Test("--isolate --json：子进程读取，结果与本进程相同 (in child processes the counts are the same)")
    func isolated() throws {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let here = try CLI.run(["bench", "corpus", dir.path, "--json"])
        let apart = try CLI.run(["bench", "corpus", dir.path, "--json", "--isolate"])
        #expect(here.status == 0 && apart.status == 0, "\(here.stderr) \(apart.stderr)")
        struct Output: Decodable {
            struct Summary: Decodable {
                var files: Int
                var read: Int
                var unreadable: Int
                var crashed: Int
                var targets: Int
                var planSectionFound: Int
            }
            struct File: Decodable {
                var file: String
                var outcome: String
                var targets: Int
                var planSection: String?
            }
            var summary: Summary
            var files: [File]
        }
        let a = try JSONDecoder().decode(Output.self, from: Data(here.stdout.utf8))
        let b = try JSONDecoder().decode(Output.self, from: Data(apart.stdout.utf8))
        #expect(a.summary.read == 2 && b.summary.read == 2)
        #expect(a.summary.unreadable == 1 && b.summary.unreadable == 1)
        #expect(b.summary.crashed == 0)
        #expect(a.summary.targets == b.summary.targets)
        #expect(a.summary.targets > 0)
        #expect(a.files.map(\.outcome) == ["read", "read", "unreadable"])
        #expect(a.files.map(\.planSection) == b.files.map(\.planSection))
    }
}
