import Foundation
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// `luoshi serve` as its own process, attacked over TCP, so that what it holds in memory is its own.
struct ServedProcess {
    let process: Process
    let base: String
    let directory: URL

    static func start() async throws -> ServedProcess {
        let binary = try #require(CLI.binary, "luoshi binary not built next to the tests")
        let directory = try CLI.temporaryDirectory()
        let port = Int.random(in: 20_000..<40_000)
        let process = Process()
        process.executableURL = binary
        process.arguments = ["serve", "--demo", "--port", "\(port)", "--data", directory.path]
        // Its own SQLite database, whatever database the suite runs on.
        process.environment = ProcessInfo.processInfo.environment.filter { $0.key != "DATABASE_URL" }
        let log = directory.appendingPathComponent("serve.log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        let served = ServedProcess(process: process, base: "http://127.0.0.1:\(port)", directory: directory)
        for _ in 0..<240 {
            if (try? await served.send("GET", "/healthz").status) == 200 { return served }
            try await Task.sleep(for: .milliseconds(250))
        }
        served.stop()
        throw TestFailure("luoshi serve did not answer on \(served.base)")
    }

    /// What the server logged, for a failure's message.
    var log: String {
        (try? String(contentsOf: directory.appendingPathComponent("serve.log"), encoding: .utf8)) ?? ""
    }

    func stop() {
        process.terminate()
        process.waitUntilExit()
        try? FileManager.default.removeItem(at: directory)
    }

    func send(_ method: String, _ path: String, headers: [String: String] = [:], body: Data? = nil) async throws
        -> (status: Int, body: Data)
    {
        var request = URLRequest(url: URL(string: base + path)!)
        request.httpMethod = method
        request.timeoutInterval = 120
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        request.httpBody = body
        let (data, response) = try await URLSession.shared.data(for: request)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, data)
    }

    /// A bearer token for a demo account.
    func token(_ username: String) async throws -> String {
        let answer = try await send(
            "POST", "/api/v1/session", headers: ["Content-Type": "application/json"],
            body: Data(#"{"username":"\#(username)","password":"luoshi2015"}"#.utf8))
        let json = try JSONSerialization.jsonObject(with: answer.body) as? [String: Any]
        return try #require(json?["token"] as? String)
    }

    /// Kilobytes of memory the process holds now (`VmRSS`) or has held at most (`VmHWM`).
    func memory(_ field: String) throws -> Int {
        let status = try String(contentsOfFile: "/proc/\(process.processIdentifier)/status", encoding: .utf8)
        let line = try #require(status.split(separator: "\n").first { $0.hasPrefix(field + ":") })
        return try #require(Int(line.split(separator: " ", omittingEmptySubsequences: true)[1]))
    }

    /// Starts counting the most memory held afresh (Linux: writing 5 to `clear_refs`).
    func resetPeakMemory() throws {
        try Data("5".utf8).write(to: URL(fileURLWithPath: "/proc/\(process.processIdentifier)/clear_refs"))
    }
}

struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

@Suite("luoshi serve 作为独立进程 (luoshi serve as its own process)", .serialized)
struct ServeProcessTests {
    /// Four uploads of 16 MB at once: what the server holds grows by far less than what they send
    /// (64 MB), since files go to disk as they arrive. Buffering them took it from 243 MB to 2.3 GB.
    @Test("并发上传大文件时内存不随上传量增长 (parallel large uploads do not grow memory with their size)")
    func parallelUploadsStreamToDisk() async throws {
        #if os(Linux)
            let served = try await ServedProcess.start()
            defer { served.stop() }
            let token = try await served.token("dept1")
            let tasks = try await served.send("GET", "/my", headers: ["Authorization": "Bearer \(token)"])
            let page = String(decoding: tasks.body, as: UTF8.self)
            let item = try #require(
                page.firstMatch(of: /\/items\/([0-9A-Fa-f-]{36})/).map { String($0.1) }, "an item on 我的任务")
            var pdf = Data("%PDF-1.4\n".utf8)
            pdf.append(Data(repeating: 0x20, count: 16_000_000))
            try served.resetPeakMemory()
            let before = try served.memory("VmRSS")
            let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                for month in 1...4 {
                    let boundary = "LuoshiMemoryTest\(month)"
                    var body = Data()
                    for (name, value) in [
                        ("period", "2015-0\(month)"), ("percentComplete", "10"), ("narrative", "附大文件"),
                    ] {
                        body.append(
                            Data(
                                "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n"
                                    .utf8))
                    }
                    body.append(
                        Data(
                            "--\(boundary)\r\nContent-Disposition: form-data; name=\"evidence\"; filename=\"台账.pdf\"\r\nContent-Type: application/pdf\r\n\r\n"
                                .utf8))
                    body.append(pdf)
                    body.append(Data("\r\n--\(boundary)--\r\n".utf8))
                    group.addTask { [body] in
                        try await served.send(
                            "POST", "/api/v1/items/\(item)/reports",
                            headers: [
                                "Authorization": "Bearer \(token)",
                                "Content-Type": "multipart/form-data; boundary=\(boundary)",
                            ], body: body
                        ).status
                    }
                }
                return try await group.reduce(into: [Int]()) { $0.append($1) }
            }
            #expect(statuses == Array(repeating: 201, count: 4), "\(served.log.suffix(3000))")
            let grown = try served.memory("VmHWM") - before
            #expect(grown < 32_000, "the server grew by \(grown) KB while receiving 64 MB")
            // Each file is kept whole, and nothing is left half-received.
            let evidence = served.directory.appendingPathComponent("demo/evidence")
            let kept = try FileManager.default.contentsOfDirectory(atPath: evidence.path).filter { $0.count == 36 }
            #expect(kept.count == 4)
            for name in kept {
                let size =
                    try FileManager.default.attributesOfItem(atPath: evidence.appendingPathComponent(name).path)[
                        .size] as? Int
                #expect(size == pdf.count)
            }
            let incoming = try FileManager.default.contentsOfDirectory(
                atPath: evidence.appendingPathComponent("incoming").path)
            #expect(incoming.isEmpty)
        #endif
    }
}
