// swift-tools-version: 6.1
import PackageDescription

/// Strict settings for our own targets; in CI (CI=true) warnings are errors too.
let strict: [SwiftSetting] =
    [
        .enableUpcomingFeature("ExistentialAny"),
        .enableUpcomingFeature("MemberImportVisibility"),
    ] + (Context.environment["CI"] != nil ? [.unsafeFlags(["-warnings-as-errors"])] : [])

let package = Package(
    name: "Luoshi",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "luoshi", targets: ["luoshi"]),
        .library(name: "LuoshiCore", targets: ["LuoshiCore"]),
        .library(name: "PlanReader", targets: ["PlanReader"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
        .package(url: "https://github.com/vapor/vapor", from: "4.122.3"),
        .package(url: "https://github.com/vapor/fluent", from: "4.13.0"),
        .package(url: "https://github.com/vapor/fluent-sqlite-driver", from: "4.9.0"),
        .package(url: "https://github.com/vapor/fluent-postgres-driver", from: "2.14.0"),
        .package(url: "https://github.com/vapor/sql-kit", from: "3.36.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        // SHA-256 and HMAC; already in the graph through Vapor.
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        // Typed HTML that escapes by default, as SwiftPackageIndex-Server builds its pages.
        .package(url: "https://github.com/JohnSundell/Plot", from: "0.14.0"),
    ],
    targets: [
        // The domain as plain values and pure functions: no Vapor, no Fluent, no I/O.
        .target(
            name: "LuoshiCore", dependencies: [.product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: strict),
        // Office Open XML (.docx/.xlsx) containers: reading now, writing for later exports.
        .target(
            name: "OfficeOpenXML",
            dependencies: ["LuoshiCore", .product(name: "ZIPFoundation", package: "ZIPFoundation")],
            swiftSettings: strict
        ),
        // Document -> luoshi-plan/1.
        .target(name: "PlanReader", dependencies: ["LuoshiCore", "OfficeOpenXML"], swiftSettings: strict),
        // Plain-TCP SMTP client for notification mail (no TLS: intranet relays on 25/587).
        .target(
            name: "Mail",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),
        // The tracking server: configuration, migrations, persistence, routes, pages, JSON API, auth.
        .target(
            name: "LuoshiServer",
            dependencies: [
                "LuoshiCore", "PlanReader", "OfficeOpenXML", "Mail",
                .product(name: "Vapor", package: "vapor"),
                .product(name: "Fluent", package: "fluent"),
                .product(name: "FluentSQLiteDriver", package: "fluent-sqlite-driver"),
                .product(name: "FluentPostgresDriver", package: "fluent-postgres-driver"),
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "Plot", package: "Plot"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ],
            resources: [.copy("Assets")],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "luoshi",
            dependencies: [
                "LuoshiCore", "PlanReader", "LuoshiServer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .testTarget(name: "LuoshiCoreTests", dependencies: ["LuoshiCore"], swiftSettings: strict),
        .testTarget(
            name: "PlanReaderTests",
            dependencies: ["PlanReader", "LuoshiCore", "OfficeOpenXML"],
            exclude: ["Fixtures"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "MailTests",
            dependencies: [
                "Mail",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),
        .testTarget(name: "LuoshiCLITests", dependencies: ["LuoshiCore"], swiftSettings: strict),
        .testTarget(
            name: "LuoshiServerTests",
            dependencies: [
                "LuoshiServer", "LuoshiCore", "PlanReader", "OfficeOpenXML",
                .product(name: "VaporTesting", package: "vapor"),
                .product(name: "Fluent", package: "fluent"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            exclude: ["Fixtures"],
            swiftSettings: strict
        ),
    ],
    swiftLanguageModes: [.v6]
)
