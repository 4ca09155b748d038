import ArgumentParser
import Foundation
import LuoshiCore
import LuoshiServer

struct UserCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user", abstract: "管理账号 (manage accounts)", subcommands: [Add.self, Passwd.self, List.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add", abstract: "新增账号，随机密码只显示一次 (add an account; its random password is shown once)")
        @Argument(help: "用户名 (username)") var username: String
        @Option(name: .long, help: "角色 (role): admin|reporter|leader|deputy") var role: Role
        @Option(name: .customLong("name"), help: "显示名 (display name)") var displayName: String?
        @Option(name: .long, help: "所属单位：名称、统计用区划代码，或重名时的「镇·单位」 (the unit: its name, its division code, or town·name)")
        var unit: String?
        @OptionGroup var storage: StorageOptions

        func run() async throws {
            let password = try await reporting {
                try await Runner.addUser(
                    storage.configuration(), username: username, displayName: displayName ?? username, role: role,
                    unit: unit)
            }
            print("已创建 \(username)，密码 \(password)（只显示这一次） / created; password shown once")
        }
    }

    struct Passwd: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "passwd", abstract: "重置密码 (reset a password)")
        @Argument(help: "用户名 (username)") var username: String
        @OptionGroup var storage: StorageOptions

        func run() async throws {
            let password = try await reporting {
                try await Runner.resetPassword(storage.configuration(), username: username)
            }
            print("\(username) 的新密码 \(password)（只显示这一次） / new password, shown once")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "列出账号 (list accounts)")
        @OptionGroup var storage: StorageOptions

        func run() async throws {
            for row in try await reporting({ try await Runner.listUsers(storage.configuration()) }) { print(row) }
        }
    }
}

/// `--role admin` parses as the role itself: a wrong word is refused with the list of right ones.
extension Role: ExpressibleByArgument {}
