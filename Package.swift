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
                "DropQueue", "DropQueuePostgres", "HeyGenAPI", "HeyGenSimulator", "InboxWatcher", "DropMetrics", "DropHTTP",
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
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.0"),
        .package(url: "https://github.com/vapor/multipart-kit.git", from: "4.7.0"),
    ],
    targets: [
        // libsqlite3, used directly through its C API.
        .systemLibrary(
            name: "CSQLite",
            pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"])]
        ),
        // System calls Glibc's module leaves out: statfs(2), by which the inbox watcher judges the inbox's file
        // system, and getxattr, for the inbox's default ACL.
        .target(name: "CSystemCalls"),
        // Small helpers every module shares: units of a Duration, the text of an errno.
        .target(name: "SystemSupport"),
        // The durable job queue and the asset table: the `QueueStore` protocol and its SQLite backend.
        .target(
            name: "DropQueue",
            dependencies: [
                "SystemSupport",
                "CSQLite",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        // The queue and the asset table on PostgreSQL, shared by several hosts.
        .target(
            name: "DropQueuePostgres",
            dependencies: [
                "DropQueue",
                "SystemSupport",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ]
        ),
        // The HeyGen API: types, client, errors, retry policy, media type detection.
        .target(
            name: "HeyGenAPI",
            dependencies: [
                "SystemSupport",
                "DropMetrics",
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
                "CSystemCalls",
                "SystemSupport",
                "DropMetrics",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The series the daemon records (names, labels, buckets), through swift-metrics.
        .target(
            name: "DropMetrics",
            dependencies: [
                .product(name: "CoreMetrics", package: "swift-metrics"),
            ]
        ),
        // The operator's HTTP endpoint: /metrics, /healthz, /api/jobs and the dashboard page.
        .target(
            name: "DropHTTP",
            dependencies: [
                "DropMetrics",
                "SystemSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
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
                "DropMetrics",
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
                "DropHTTP",
                "DropOperator",
                "DropQueue",
                "DropSettings",
                "DropPipeline",
                "HeyGenAPI",
                "InboxWatcher",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // The operator commands' work: the status report, the job listing, retrying failed jobs, and the state
        // directory's lock that the daemon holds and `status` reads.
        .target(
            name: "DropOperator",
            dependencies: [
                "SystemSupport",
                "CSystemCalls",
                "DropHTTP",
                "DropQueue",
                "DropQueuePostgres",
                "DropSettings",
                "DropPipeline",
                "HeyGenAPI",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        // The first run with no key: the simulator, a daemon on ./demo, sample drops, a feed of results.
        .target(
            name: "DropDemo",
            dependencies: [
                "DropHTTP",
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
                "DropHTTP",
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
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
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
                "DropQueue", "DropQueuePostgres", "TestSupport", "queue-crash-helper",
                .product(name: "Logging", package: "swift-log"),
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
            name: "DropHTTPTests",
            dependencies: [
                "DropHTTP", "DropMetrics", "SystemSupport", "TestSupport",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .testTarget(
            name: "DropDaemonTests",
            dependencies: [
                "DropLogging", "DropSettings", "DropPipeline", "DropService", "DropOperator", "DropDemo",
                "DropQueue", "TestSupport", "heygen-dropd",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
