import ArgumentParser
import Foundation
import LuoshiCore
import PlanReader

/// `luoshi import FILE…`: read work-plan documents into structured plans.
struct Import: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "读取工作计划文档，提取结构与目标 (read plan documents: text, GB18030, UTF-16, HTML, .docx, Markdown).",
        discussion: """
            默认输出供人阅读的提纲；--json 输出 luoshi-plan/1。可一次读取多个文件或一个文件夹。
            无法读取的文件：一行错误说明，退出码 65，不输出部分结果。
            By default prints an outline; --json prints luoshi-plan/1. Exit status 65 when a file cannot be read.
            """
    )

    @Argument(help: "文档或文件夹 (documents or folders)")
    var paths: [String]

    @Flag(name: .long, help: "输出 luoshi-plan/1 JSON (print the plan as luoshi-plan/1 JSON)")
    var json = false

    @Option(name: .long, help: "写入文件而非标准输出；多个输入时为文件夹 (write to PATH; a folder when several inputs)")
    var out: String?

    @Flag(name: .long, help: "不显示进度 (no progress line)")
    var quiet = false

    @Option(
        name: .long,
        help: ArgumentHelp(
            "说明每条规则：all、plan、领域编号（1.2）或目标编号（t12）(say which rule made each heading, the plan section and each target: all, plan, a section id or a target id)",
            valueName: "ITEM"))
    var explain: String?

    func run() throws {
        let files: [String]
        do {
            files = try Inputs.expand(paths)
        } catch let error as ImportFailure {
            FileHandle.standardError.write(Data("luoshi import: \(error.message)\n".utf8))
            throw ExitCode(error.code)
        }
        if files.isEmpty {
            FileHandle.standardError.write(Data("luoshi import: 没有找到可读取的文件 (no files found)\n".utf8))
            throw ExitCode(66)
        }
        let many = files.count > 1
        if let item = explain {
            guard !many else {
                throw ValidationError("--explain 一次只说明一个文件 (--explain reads one file at a time)")
            }
            do {
                let (plan, why) = try Inputs.explain(files[0])
                guard let text = Render.explain(plan, why, item: item) else {
                    FileHandle.standardError.write(
                        Data(
                            "luoshi import: 没有「\(item)」：可用 all、plan、领域编号如 1.2、目标编号如 t12 (no such item: use all, plan, a section id such as 1.2 or a target id such as t12)\n"
                                .utf8))
                    throw ExitCode(64)
                }
                print(text)
                return
            } catch let error as ImportFailure {
                FileHandle.standardError.write(Data("luoshi import: \(files[0]): \(error.message)\n".utf8))
                throw ExitCode(error.code)
            }
        }
        if many, let out, !isDirectoryOrCreatable(out) {
            throw ValidationError("--out 须为文件夹，因为有多个输入 (--out must be a folder for several inputs): \(out)")
        }
        var failures = 0
        let started = Date()
        for (index, file) in files.enumerated() {
            if many && !quiet && Date().timeIntervalSince(started) > 1 {
                FileHandle.standardError.write(Data("[\(index + 1)/\(files.count)] \(file)\n".utf8))
            }
            do {
                let plan = try Inputs.read(file)
                let text = json ? try Render.json(plan) : Render.outline(plan)
                if let out {
                    let target =
                        many
                        ? URL(fileURLWithPath: out).appendingPathComponent(
                            URL(fileURLWithPath: file).deletingPathExtension().lastPathComponent
                                + (json ? ".json" : ".txt")
                        ).path : out
                    try Data(text.utf8).write(to: URL(fileURLWithPath: target), options: .atomic)
                    if many { print("✓ \(file) → \(target)  \(Render.counts(plan))") }
                } else {
                    if many && !json { print("== \(file)") }
                    print(text)
                }
            } catch let error as ImportFailure {
                failures += 1
                FileHandle.standardError.write(Data("luoshi import: \(file): \(error.message)\n".utf8))
                if !many { throw ExitCode(error.code) }
            }
        }
        if many {
            print(
                "共 \(files.count) 个文件，成功 \(files.count - failures)，失败 \(failures) (files \(files.count), ok \(files.count - failures), failed \(failures))"
            )
        }
        if failures > 0 { throw ExitCode(65) }
    }

    func isDirectoryOrCreatable(_ path: String) -> Bool {
        var isDir: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDir) { return isDir.boolValue }
        return (try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)) != nil
    }
}

struct ImportFailure: Error {
    var message: String
    /// sysexits: 65 data error, 66 no input, 64 usage.
    var code: Int32
}

enum Inputs {
    static let extensions: Set<String> = ["txt", "text", "htm", "html", "shtml", "docx", "md", "markdown"]

    /// Files named directly, and the readable files inside folders (sorted, not recursive into hidden folders).
    static func expand(_ paths: [String]) throws -> [String] {
        var out: [String] = []
        for p in paths {
            var isDir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: p, isDirectory: &isDir) else {
                throw ImportFailure(message: "\(p): 文件不存在 (no such file)", code: 66)
            }
            if isDir.boolValue {
                let items = (try? FileManager.default.contentsOfDirectory(atPath: p)) ?? []
                for item in items.sorted() where !item.hasPrefix(".") {
                    let full = (p as NSString).appendingPathComponent(item)
                    if extensions.contains((item as NSString).pathExtension.lowercased()) { out.append(full) }
                }
            } else {
                out.append(p)
            }
        }
        return out
    }

    static func read(_ path: String) throws -> PlanDocument {
        let (data, name) = try bytes(path)
        do {
            return try PlanReader.read(consume data, name: name)
        } catch {
            throw ImportFailure(message: error.message, code: 65)
        }
    }

    static func explain(_ path: String) throws -> (PlanDocument, ReadingExplanation) {
        let (data, name) = try bytes(path)
        do {
            return try PlanReader.explain(data, name: name)
        } catch {
            throw ImportFailure(message: error.message, code: 65)
        }
    }

    /// A file's bytes, refused before reading when larger than the reader takes.
    static func bytes(_ path: String) throws -> (Data, String) {
        let url = URL(fileURLWithPath: path)
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        if size > DocumentDecoder.sizeLimit {
            throw ImportFailure(
                message: DocumentError.tooLarge(bytes: size, limit: DocumentDecoder.sizeLimit).message, code: 65)
        }
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw ImportFailure(message: "无法读取文件 (cannot read): \(error.localizedDescription)", code: 66)
        }
        return (data, url.lastPathComponent)
    }
}
