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

@Suite("命令行 luoshi import --explain (why the reader read it so)")
struct ExplainTests {
    func report() throws -> URL {
        let dir = try CLI.temporaryDirectory()
        let file = dir.appendingPathComponent("report.txt")
        try Data(BenchCorpusTests.report.utf8).write(to: file)
        return file
    }

    @Test("all：计划部分、各部分、标题与目标各有其规则 (the plan section, parts, headings and targets each name their rule)")
    func all() throws {
        let file = try report()
        defer { try? FileManager.default.removeItem(at: file.deletingLastPathComponent()) }
        let r = try CLI.run(["import", file.path, "--explain", "all"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("计划部分「2015年工作安排」："))
        #expect(r.stdout.contains("「2014年工作回顾」→ 回顾 (review)"))
        #expect(r.stdout.contains("1 一 做强工业经济\n    标题 (heading): 编号的短行 (a short numbered line)"))
        // 新增规模以上工业企业10家: the subject stands between the verb and the figure.
        #expect(
            r.stdout.contains(
                "t1 规模以上工业企业：新增 10 家\n    找到 (found): 「10家」：数字与单位「家」，在领域 1"))
        #expect(r.stdout.contains("主语「规模以上工业企业」(subject): 动作动词与数量之间的名词"))
        // 工业增加值增长9%: the subject stands before the level verb.
        #expect(r.stdout.contains("主语「工业增加值」(subject): 增长、达到等水平动词前的名词"))
    }

    @Test("一个目标、一个领域，或不存在的编号 (one target, one section, or an id that is not there)")
    func oneItem() throws {
        let file = try report()
        defer { try? FileManager.default.removeItem(at: file.deletingLastPathComponent()) }
        let target = try CLI.run(["import", file.path, "--explain", "t3"])
        #expect(target.status == 0)
        #expect(target.stdout.hasPrefix("t3 停车位：新建 300 个"))
        #expect(!target.stdout.contains("t4"))
        let section = try CLI.run(["import", file.path, "--explain", "2"])
        #expect(section.stdout.hasPrefix("2 二 办好民生实事\n    标题 (heading): 编号的短行"))
        #expect(section.stdout.contains("t3 停车位") && section.stdout.contains("t4 改造农村公路"))
        #expect(!section.stdout.contains("t1 "))
        let missing = try CLI.run(["import", file.path, "--explain", "t99"])
        #expect(missing.status == 64)
        #expect(missing.stderr.contains("没有「t99」"))
        #expect(missing.stdout.isEmpty)
    }
}
