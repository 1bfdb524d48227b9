// swift-tools-version: 6.2
import PackageDescription

let package = Package(
    name: "heygen-dropd",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "heygen-dropd", targets: ["heygen-dropd"]),
        .library(
            name: "HeyGenDrop",
            targets: [
                "DropQueue", "HeyGenAPI", "HeyGenSimulator", "InboxWatcher",
                "DropLogging", "DropSettings", "DropPipeline", "DropService", "DropOperator",
            ]
        ),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.100.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.0"..<"5.0.0"),
        .package(
            url: "https://github.com/apple/swift-configuration.git", from: "1.0.0",
            traits: [.defaults, "YAML", "CommandLineArguments"]
        ),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.8.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.0"),
        .package(url: "https://github.com/vapor/multipart-kit.git", from: "4.7.0"),
    ],
    targets: [
        // libsqlite3, used directly through its C API.
        .systemLibrary(
            name: "CSQLite",
            pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"])]
        ),
        // statfs(2), which Glibc's module does not export: the inbox watcher judges the inbox's file system.
        .systemLibrary(name: "CStatfs"),
        // Small helpers every module shares: units of a Duration, the text of an errno.
        .target(name: "SystemSupport"),
        // The durable job queue and the asset table, on SQLite.
        .target(
            name: "DropQueue",
            dependencies: [
                "SystemSupport",
                "CSQLite",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The HeyGen API: types, client, errors, retry policy, media type detection.
        .target(
            name: "HeyGenAPI",
            dependencies: [
                "SystemSupport",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        // A HeyGen-compatible server with fault injection, for tests, benchmarks and the demo.
        .target(
            name: "HeyGenSimulator",
            dependencies: [
                "SystemSupport",
                "HeyGenAPI",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "MultipartKit", package: "multipart-kit"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        // inotify or polling on the inbox, the start-up scan and the folder rules.
        .target(
            name: "InboxWatcher",
            dependencies: [
                "CStatfs",
                "SystemSupport",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Log lines: the text and JSON formats and their handlers.
        .target(
            name: "DropLogging",
            dependencies: [.product(name: "Logging", package: "swift-log")]
        ),
        // Settings: the one catalogue, its sources (flags, environment, config file, defaults), the API key,
        // the folder checks made before start.
        .target(
            name: "DropSettings",
            dependencies: [
                "SystemSupport",
                "DropLogging",
                "HeyGenAPI",
                "InboxWatcher",
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The job pipeline: the job lifecycle, intake, workers, local checks, sidecars, uploads, videos,
        // results and source moves.
        .target(
            name: "DropPipeline",
            dependencies: [
                "SystemSupport",
                "DropQueue",
                "DropSettings",
                "HeyGenAPI",
                "InboxWatcher",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            exclude: ["result.schema.json"]
        ),
        // The daemon as a service: start-up, sd_notify, the watchdog, periodic status lines.
        .target(
            name: "DropService",
            dependencies: [
                "SystemSupport",
                "DropOperator",
                "DropQueue",
                "DropSettings",
                "DropPipeline",
                "HeyGenAPI",
                "InboxWatcher",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // The operator commands' work: the status report, the job listing, retrying failed jobs, and the state
        // directory's lock that the daemon holds and `status` reads.
        .target(
            name: "DropOperator",
            dependencies: [
                "SystemSupport",
                "DropQueue",
                "DropSettings",
                "DropPipeline",
                "HeyGenAPI",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The first run with no key: the simulator, a daemon on ./demo, sample drops, a feed of results.
        .target(
            name: "DropDemo",
            dependencies: [
                "DropOperator",
                "DropSettings",
                "DropPipeline",
                "DropService",
                "HeyGenAPI",
                "HeyGenSimulator",
                "SystemSupport",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .executableTarget(
            name: "heygen-dropd",
            dependencies: [
                "DropLogging",
                "DropSettings",
                "DropPipeline",
                "DropService",
                "DropOperator",
                "DropDemo",
                "HeyGenAPI",
                "HeyGenSimulator",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),

        // Test support: temp folders, files and digests, waiting, quiet loggers, the JSON Schema check, processes, built binaries.
        .target(
            name: "TestSupport",
            dependencies: [.product(name: "Crypto", package: "swift-crypto"), .product(name: "Logging", package: "swift-log")],
            path: "Tests/TestSupport"
        ),
        // A child process for the queue's crash test: claims jobs, then waits to be killed.
        .executableTarget(
            name: "queue-crash-helper",
            dependencies: ["DropQueue", .product(name: "Logging", package: "swift-log")],
            path: "Tests/QueueCrashHelper"
        ),
        // Benchmarks: `swift run -c release queue-benchmark`, `upload-benchmark`, `download-benchmark`,
        // `daemon-benchmark MODE`, `poll-benchmark`.
        .executableTarget(
            name: "queue-benchmark",
            dependencies: ["DropQueue", .product(name: "Logging", package: "swift-log")],
            path: "Benchmarks/QueueBenchmark"
        ),
        .executableTarget(
            name: "poll-benchmark",
            dependencies: ["InboxWatcher", .product(name: "Logging", package: "swift-log")],
            path: "Benchmarks/PollBenchmark"
        ),
        .executableTarget(
            name: "upload-benchmark",
            dependencies: [
                "HeyGenAPI", "HeyGenSimulator",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Benchmarks/UploadBenchmark"
        ),
        .executableTarget(
            name: "download-benchmark",
            dependencies: [
                "HeyGenAPI", "HeyGenSimulator",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Benchmarks/DownloadBenchmark"
        ),
        .executableTarget(
            name: "daemon-benchmark",
            dependencies: [
                "HeyGenSimulator",
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Benchmarks/DaemonBenchmark"
        ),
        .testTarget(
            name: "DropQueueTests",
            dependencies: [
                "DropQueue", "TestSupport", "queue-crash-helper", .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "HeyGenAPITests",
            dependencies: [
                "HeyGenAPI", "HeyGenSimulator", "SystemSupport", "TestSupport", "upload-benchmark",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "InboxWatcherTests",
            dependencies: ["InboxWatcher", "TestSupport", .product(name: "Logging", package: "swift-log")]
        ),
        .testTarget(
            name: "DropDaemonTests",
            dependencies: [
                "DropLogging", "DropSettings", "DropPipeline", "DropService", "DropOperator", "DropDemo",
                "DropQueue", "TestSupport", "heygen-dropd",
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
