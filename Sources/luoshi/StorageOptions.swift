import ArgumentParser
import Foundation
import LuoshiCore
import LuoshiServer

/// Where the data lives: `--data DIR` for SQLite, or `DATABASE_URL` for PostgreSQL.
struct StorageOptions: ParsableArguments {
    @Option(name: .long, help: "SQLite 数据目录 (SQLite data folder; ignored when DATABASE_URL is set)")
    var data: String = "./data"

    /// The same environment as `serve` (database, SMTP relay, public address), so that a command that
    /// sends, like `remind`, sends as the server would.
    func configuration() -> ServerConfiguration {
        let env = ProcessInfo.processInfo.environment
        var config = ServerConfiguration(storage: ServerConfiguration.storage(dataDirectory: data, environment: env))
        config.publicURL = env["LUOSHI_PUBLIC_URL"]
        config.mail = ServerConfiguration.MailSettings.from(environment: env)
        config.dataFiles(environment: env, dataDirectory: data)
        return config
    }
}

/// Domain errors become one clear line and exit status 1; usage errors stay ArgumentParser's.
func reporting<T>(_ body: () async throws -> T) async throws -> T {
    do {
        return try await body()
    } catch let error as LuoshiError {
        FileHandle.standardError.write(Data("luoshi: \(error.message)\n".utf8))
        throw ExitCode(1)
    }
}
