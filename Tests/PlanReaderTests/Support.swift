import Foundation
import LuoshiCore
import PlanReader

/// Where the test documents are: our own under `Tests/PlanReaderTests/Fixtures`, the shared ones
/// (the real 张芝山镇 plan, its gold, the scorer) in `../shared` beside the checkout.
enum Paths {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let shared = packageRoot.deletingLastPathComponent().appendingPathComponent("shared")
    static let fixtures = packageRoot.appendingPathComponent("Tests/PlanReaderTests/Fixtures")
    static let zhangzhishan = shared.appendingPathComponent("fixtures/zhangzhishan-2015.txt")
    static let zhangzhishanGold = shared.appendingPathComponent("fixtures/zhangzhishan-2015.gold.json")
    static let scorer = shared.appendingPathComponent("tools/score-plan")
}

/// Reads a short plan made around one sentence: the sentence stands in area 一 of a township plan.
func targets(in sentence: String, year: Int = 2016) throws -> [PlanTarget] {
    let text = "测试镇\(year)年工作计划\n一、测试领域\n\(sentence)\n"
    return try PlanReader.read(text: text).targets
}

/// The values of the targets a sentence yields.
func values(_ sentence: String) throws -> [Double?] { try targets(in: sentence).map(\.value) }

/// Runs the shared scorer on a plan and a gold file; returns its figures.
func score(_ plan: PlanDocument, gold: URL) throws -> [String: Any] {
    let encoder = JSONEncoder()
    let predicted = FileManager.default.temporaryDirectory.appendingPathComponent("luoshi-\(UUID().uuidString).json")
    try encoder.encode(plan).write(to: predicted)
    defer { try? FileManager.default.removeItem(at: predicted) }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", Paths.scorer.path, predicted.path, gold.path, "--json"]
    let pipe = Pipe()
    process.standardOutput = pipe
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0, let figures = try JSONSerialization.jsonObject(with: data) as? [String: Any]
    else {
        throw ScoreError.scorerFailed(String(decoding: data, as: UTF8.self))
    }
    return figures
}

enum ScoreError: Error { case scorerFailed(String) }

func figure(_ figures: [String: Any], _ group: String, _ key: String) -> Double {
    ((figures[group] as? [String: Any])?[key] as? NSNumber)?.doubleValue ?? -1
}

/// The source text a span points at.
func sourceText(_ text: String, _ span: Span) -> String {
    let scalars = Array(text.unicodeScalars)
    guard span.start >= 0, span.end <= scalars.count, span.start <= span.end else { return "<bad span>" }
    return String(String.UnicodeScalarView(scalars[span.start..<span.end]))
}
