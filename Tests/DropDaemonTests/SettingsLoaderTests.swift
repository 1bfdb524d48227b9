import Foundation
import Logging
import Testing
import TestSupport

@testable import DropDemo
@testable import DropLogging
@testable import DropOperator
@testable import DropPipeline
@testable import DropService
@testable import DropSettings

/// Loads settings with no default config file, so the machine's /etc is never read.
func loadSettings(
    flags: [String: String] = [:],
    environment: [String: String] = [:],
    defaultConfigFile: String? = nil
) async throws -> Settings {
    try await SettingsLoader.load(flags: flags, environment: environment, defaultConfigFile: defaultConfigFile)
}

/// The `SettingsError` thrown by `body`, failing the test if none (or another error) is thrown.
func settingsError(_ body: () async throws -> Settings) async throws -> SettingsError {
    do {
        let settings = try await body()
        Issue.record("expected a SettingsError, got settings \(settings)")
        throw CancellationError()
    } catch let error as SettingsError {
        return error
    }
}

@Suite(.timeLimit(.minutes(5))) struct SettingsLoaderTests {
    @Test func defaultsWithoutAnySource() async throws {
        let settings = try await loadSettings()
        #expect(settings == Settings())
        #expect(settings.inbox == "/var/spool/heygen-dropd/inbox")
        #expect(settings.outbox == "/var/spool/heygen-dropd/outbox")
        #expect(settings.archive == "/var/spool/heygen-dropd/archive")
        #expect(settings.failed == "/var/spool/heygen-dropd/failed")
        #expect(settings.stateDir == "/var/lib/heygen-dropd")
        #expect(settings.databasePath == "/var/lib/heygen-dropd/queue.sqlite3")
        #expect(settings.apiBaseURL == "https://api.heygen.com")
        #expect(settings.apiKey == nil)
        #expect(settings.workers == 4)
        #expect(settings.maxAttempts == 10)
        #expect(settings.settle == .milliseconds(1000))
        #expect(settings.logFormat == .text)
        #expect(settings.logLevel == .info)
        #expect(settings.videoConcurrency == 10)
        #expect(settings.videoTimeout == .seconds(3600))
        #expect(settings.orphanSidecarTimeout == .seconds(600))
        #expect(settings.reuseWindow == .seconds(168 * 3600))
        #expect(settings.shutdownGrace == .seconds(30))
        #expect(settings.configFile == nil)
    }

    @Test func missingDefaultConfigFileIsFine() async throws {
        try await withTemporaryDirectory { dir in
            let settings = try await loadSettings(defaultConfigFile: dir.file("absent.yaml"))
            #expect(settings == Settings())
        }
    }

    @Test func defaultConfigFileIsReadWhenPresent() async throws {
        try await withTemporaryDirectory { dir in
            let file = dir.file("config.yaml")
            try writeFile(file, "workers: 2\n")
            let settings = try await loadSettings(defaultConfigFile: file)
            #expect(settings.workers == 2)
            #expect(settings.configFile == file)
        }
    }

    @Test func flagsBeatEnvironmentBeatConfigFileBeatDefaults() async throws {
        try await withTemporaryDirectory { dir in
            let file = dir.file("config.yaml")
            try writeFile(
                file,
                """
                inbox: /from-file/inbox
                outbox: /from-file/outbox
                workers: 3
                log_level: debug
                settle_ms: 500
                video_timeout_minutes: 5
                """)
            let settings = try await loadSettings(
                flags: ["workers": "7", "config": file],
                environment: [
                    "HEYGEN_DROPD_WORKERS": "5",
                    "HEYGEN_DROPD_INBOX": "/from-env/inbox",
                    "HEYGEN_DROPD_VIDEO_TIMEOUT_MINUTES": "9",
                    "HEYGEN_API_BASE_URL": "http://127.0.0.1:8080/",
                ])
            #expect(settings.workers == 7)  // flag over environment and file
            #expect(settings.inbox == "/from-env/inbox")  // environment over file
            #expect(settings.videoTimeout == .seconds(9 * 60))  // environment over file
            #expect(settings.outbox == "/from-file/outbox")  // file over default
            #expect(settings.logLevel == .debug)
            #expect(settings.settle == .milliseconds(500))
            #expect(settings.apiBaseURL == "http://127.0.0.1:8080")  // trailing slash dropped
            #expect(settings.archive == Settings.Defaults.archive)  // default
            #expect(settings.maxAttempts == 10)
            #expect(settings.configFile == file)
        }
    }

    @Test func everySettingFromEachSource() async throws {
        let values: [String: String] = [
            "inbox": "/q/in", "outbox": "/q/out", "archive": "/q/arch", "failed": "/q/fail",
            "state_dir": "/q/state", "api_base_url": "https://example.test/api", "workers": "2",
            "max_attempts": "3", "settle_ms": "0", "log_format": "json", "log_level": "warning",
            "video_concurrency": "4", "video_timeout_minutes": "5", "orphan_sidecar_timeout_minutes": "6",
            "asset_reuse_hours": "0", "shutdown_grace_seconds": "8", "max_bundle_files": "9",
            "progress_retention_days": "10", "lease_seconds": "11",
        ]
        var expected = Settings()
        expected.maxBundleFiles = 9
        expected.progressRetention = .seconds(10 * 86_400)
        expected.lease = .seconds(11)
        expected.inbox = "/q/in"
        expected.outbox = "/q/out"
        expected.archive = "/q/arch"
        expected.failed = "/q/fail"
        expected.stateDir = "/q/state"
        expected.apiBaseURL = "https://example.test/api"
        expected.workers = 2
        expected.maxAttempts = 3
        expected.settle = .zero
        expected.logFormat = .json
        expected.logLevel = .warning
        expected.videoConcurrency = 4
        expected.videoTimeout = .seconds(300)
        expected.orphanSidecarTimeout = .seconds(360)
        expected.reuseWindow = .zero
        expected.shutdownGrace = .seconds(8)
        #expect(expected.databasePath == "/q/state/queue.sqlite3")

        #expect(try await loadSettings(flags: values) == expected)

        var environment: [String: String] = [:]
        for (key, value) in values {
            environment[key == "api_base_url" ? "HEYGEN_API_BASE_URL" : "HEYGEN_DROPD_" + key.uppercased()] = value
        }
        #expect(try await loadSettings(environment: environment) == expected)

        try await withTemporaryDirectory { dir in
            let file = dir.file("all.yaml")
            try writeFile(file, values.map { "\($0.key): \"\($0.value)\"" }.joined(separator: "\n"))
            var fromFile = expected
            fromFile.configFile = file
            #expect(try await loadSettings(flags: ["config": file]) == fromFile)
        }
    }

    @Test func configFlagBeatsConfigEnvironment() async throws {
        try await withTemporaryDirectory { dir in
            let flagFile = dir.file("flag.yaml")
            let envFile = dir.file("env.yaml")
            try writeFile(flagFile, "workers: 11\n")
            try writeFile(envFile, "workers: 12\n")
            let both = try await loadSettings(flags: ["config": flagFile], environment: ["HEYGEN_DROPD_CONFIG": envFile])
            #expect(both.workers == 11)
            #expect(both.configFile == flagFile)
            let envOnly = try await loadSettings(environment: ["HEYGEN_DROPD_CONFIG": envFile])
            #expect(envOnly.workers == 12)
            #expect(envOnly.configFile == envFile)
        }
    }

    @Test func emptyEnvironmentVariablesCountAsUnset() async throws {
        let settings = try await loadSettings(environment: ["HEYGEN_DROPD_WORKERS": "", "HEYGEN_DROPD_INBOX": ""])
        #expect(settings == Settings())
    }

    @Test func relativePathsAreMadeAbsolute() async throws {
        let settings = try await loadSettings(flags: ["inbox": "spool/./in/", "state_dir": "."])
        let cwd = FileManager.default.currentDirectoryPath
        #expect(settings.inbox == SettingsLoader.absolutePath(cwd + "/spool/in"))
        #expect(settings.inbox.hasPrefix("/"))
        #expect(settings.inbox.hasSuffix("/spool/in"))
        #expect(settings.stateDir == SettingsLoader.absolutePath(cwd))
    }

    @Test func configFileWithOnlyCommentsGivesDefaults() async throws {
        try await withTemporaryDirectory { dir in
            let file = dir.file("empty.yaml")
            try writeFile(file, "# nothing here\n\n   # still nothing\n---\n")
            var expected = Settings()
            expected.configFile = file
            #expect(try await loadSettings(flags: ["config": file]) == expected)
        }
    }
}

@Suite(.timeLimit(.minutes(5))) struct SettingsErrorTests {
    struct BadValue: Sendable, CustomTestStringConvertible {
        var flags: [String: String] = [:]
        var environment: [String: String] = [:]
        /// YAML for a config file, passed with --config.
        var file: String? = nil
        /// The setting the message must name.
        var key: String
        /// Expected text; `FILE` stands for the config file's path.
        var message: String
        var testDescription: String { message }
    }

    static let cases: [BadValue] = [
        .init(flags: ["workers": "0"], key: "workers",
              message: "invalid setting workers=0 (from --workers): must be a whole number ≥ 1"),
        .init(environment: ["HEYGEN_DROPD_WORKERS": "four"], key: "workers",
              message: "invalid setting workers=four (from HEYGEN_DROPD_WORKERS): must be a whole number ≥ 1"),
        .init(file: "workers: 2.5\n", key: "workers",
              message: "invalid setting workers=2.5 (from config file FILE): must be a whole number ≥ 1"),
        .init(environment: ["HEYGEN_DROPD_LOG_LEVEL": "loud"], key: "log_level",
              message: "unknown log level \"loud\" (from HEYGEN_DROPD_LOG_LEVEL): use trace, debug, info, notice, warning or error"),
        .init(flags: ["log_level": "critical"], key: "log_level",
              message: "unknown log level \"critical\" (from --log-level): use trace, debug, info, notice, warning or error"),
        .init(flags: ["log_format": "xml"], key: "log_format",
              message: "unknown log format \"xml\" (from --log-format): use text or json"),
        .init(file: "log_format: logfmt\n", key: "log_format",
              message: "unknown log format \"logfmt\" (from config file FILE): use text or json"),
        .init(environment: ["HEYGEN_DROPD_MAX_ATTEMPTS": "0"], key: "max_attempts",
              message: "invalid setting max_attempts=0 (from HEYGEN_DROPD_MAX_ATTEMPTS): must be a whole number ≥ 1"),
        .init(flags: ["settle_ms": "-1"], key: "settle_ms",
              message: "invalid setting settle_ms=-1 (from --settle-ms): must be a whole number from 0 to 3600000"),
        .init(flags: ["watch": "fanotify"], key: "watch",
              message: "invalid setting watch=fanotify (from --watch): must be auto, inotify or poll"),
        .init(environment: ["HEYGEN_DROPD_POLL_INTERVAL_MS": "5"], key: "poll_interval_ms",
              message: "invalid setting poll_interval_ms=5 (from HEYGEN_DROPD_POLL_INTERVAL_MS): must be a whole number from 10 to 600000"),
        .init(environment: ["HEYGEN_API_BASE_URL": "ftp://example.com"], key: "api_base_url",
              message: "invalid setting api_base_url=ftp://example.com (from HEYGEN_API_BASE_URL): must be an http:// or https:// URL, like https://api.heygen.com"),
        .init(flags: ["api_base_url": "not a url"], key: "api_base_url",
              message: "invalid setting api_base_url=not a url (from --api-base-url): must be an http:// or https:// URL, like https://api.heygen.com"),
        .init(flags: ["video_concurrency": "0"], key: "video_concurrency",
              message: "invalid setting video_concurrency=0 (from --video-concurrency): must be a whole number ≥ 1"),
        .init(environment: ["HEYGEN_DROPD_VIDEO_TIMEOUT_MINUTES": "0"], key: "video_timeout_minutes",
              message: "invalid setting video_timeout_minutes=0 (from HEYGEN_DROPD_VIDEO_TIMEOUT_MINUTES): must be a number of minutes above 0 and at most 10080"),
        .init(file: "orphan_sidecar_timeout_minutes: never\n", key: "orphan_sidecar_timeout_minutes",
              message: "invalid setting orphan_sidecar_timeout_minutes=never (from config file FILE): must be a number of minutes above 0 and at most 10080"),
        .init(flags: ["max_bundle_files": "0"], key: "max_bundle_files",
              message: "invalid setting max_bundle_files=0 (from --max-bundle-files): must be a whole number from 1 to 1000000"),
        .init(flags: ["lease_seconds": "0"], key: "lease_seconds",
              message: "invalid setting lease_seconds=0 (from --lease-seconds): must be a whole number from 1 to 3600"),
        .init(flags: ["asset_reuse_hours": "-5"], key: "asset_reuse_hours",
              message: "invalid setting asset_reuse_hours=-5 (from --asset-reuse-hours): must be a whole number from 0 to 87600"),
        .init(environment: ["HEYGEN_DROPD_SHUTDOWN_GRACE_SECONDS": "99999999999999999999"], key: "shutdown_grace_seconds",
              message: "invalid setting shutdown_grace_seconds=99999999999999999999 (from HEYGEN_DROPD_SHUTDOWN_GRACE_SECONDS): must be a whole number from 0 to 86400"),
        .init(flags: ["inbox": ""], key: "inbox",
              message: "invalid setting inbox= (from --inbox): must not be empty"),
        .init(file: "outbox: \"\"\n", key: "outbox",
              message: "invalid setting outbox= (from config file FILE): must not be empty"),
        .init(file: "failed: ~\n", key: "failed",
              message: "invalid setting failed=~ (from config file FILE): ~ is not expanded; give an absolute path"),
        .init(environment: ["HEYGEN_DROPD_STATE_DIR": "~/state"], key: "state_dir",
              message: "invalid setting state_dir=~/state (from HEYGEN_DROPD_STATE_DIR): ~ is not expanded; give an absolute path"),
        .init(file: "archive: [a, b]\n", key: "archive",
              message: "invalid setting archive=… (from config file FILE): must be a single value, not a list or a mapping"),
        .init(flags: ["workers": "1\n2"], key: "workers",
              message: "invalid setting workers=1\\n2 (from --workers): must be a whole number ≥ 1"),
    ]

    @Test(arguments: cases)
    func badValueGivesOneLineNamingSettingAndSource(_ bad: BadValue) async throws {
        try await withTemporaryDirectory { dir in
            var flags = bad.flags
            let file = dir.file("config.yaml")
            if let yaml = bad.file {
                try writeFile(file, yaml)
                flags["config"] = file
            }
            let error = try await settingsError { try await loadSettings(flags: flags, environment: bad.environment) }
            #expect(error.description == bad.message.replacingOccurrences(of: "FILE", with: file))
            #expect(error.setting == bad.key)
            #expect(!error.description.contains("\n"))
        }
    }

    @Test func malformedYAML() async throws {
        try await withTemporaryDirectory { dir in
            let file = dir.file("broken.yaml")
            try writeFile(file, "workers: 2\ninbox: [unclosed\nlog_level: info\n")
            let error = try await settingsError { try await loadSettings(flags: ["config": file]) }
            #expect(error.description.hasPrefix("cannot parse config file \(file): "))
            #expect(error.description.count > "cannot parse config file \(file): ".count)
            #expect(!error.description.contains("\n"))
            #expect(!error.description.hasSuffix(":"))

            try writeFile(file, "inbox: /a\ninbox: /b\n")
            let duplicate = try await settingsError { try await loadSettings(flags: ["config": file]) }
            #expect(duplicate.description.hasPrefix("cannot parse config file \(file): "))
            #expect(duplicate.description.contains("inbox"))
        }
    }

    @Test func yamlThatIsNotAMapping() async throws {
        try await withTemporaryDirectory { dir in
            let file = dir.file("scalar.yaml")
            try writeFile(file, "just some text\n")
            let error = try await settingsError { try await loadSettings(flags: ["config": file]) }
            #expect(error.description == "cannot parse config file \(file): expected lines of the form \"setting: value\"")
        }
    }

    @Test func unknownKeyInConfigFile() async throws {
        try await withTemporaryDirectory { dir in
            let file = dir.file("typo.yaml")
            try writeFile(file, "wrokers: 2\n")
            let typo = try await settingsError { try await loadSettings(flags: ["config": file]) }
            #expect(typo.description.hasPrefix("unknown setting \"wrokers\" in config file \(file): known settings are inbox, "))
            #expect(typo.setting == "wrokers")

            try writeFile(file, "max-attempts: 3\n")
            let kebab = try await settingsError { try await loadSettings(flags: ["config": file]) }
            #expect(kebab.description == "unknown setting \"max-attempts\" in config file \(file): did you mean max_attempts?")

            try writeFile(file, "inbox:\n  path: /x\n")
            let nested = try await settingsError { try await loadSettings(flags: ["config": file]) }
            #expect(nested.description.hasPrefix("unknown setting \"inbox.path\" in config file \(file)"))

            try writeFile(file, "api_key: sk-should-not-be-here\n")
            let key = try await settingsError { try await loadSettings(flags: ["config": file]) }
            #expect(key.description == "unknown setting \"api_key\" in config file \(file): put the key in a file and set api_key_file")
            #expect(!key.description.contains("sk-should-not-be-here"))
        }
    }

    @Test func explicitConfigFileThatIsMissing() async throws {
        try await withTemporaryDirectory { dir in
            let missing = dir.file("missing.yaml")
            let fromFlag = try await settingsError { try await loadSettings(flags: ["config": missing]) }
            #expect(fromFlag.description == "cannot read config file \(missing): No such file or directory")
            let fromEnvironment = try await settingsError {
                try await loadSettings(environment: ["HEYGEN_DROPD_CONFIG": missing])
            }
            #expect(fromEnvironment.description == "cannot read config file \(missing): No such file or directory")
        }
    }

    @Test func configFileThatIsADirectory() async throws {
        try await withTemporaryDirectory { dir in
            let error = try await settingsError { try await loadSettings(flags: ["config": dir.path]) }
            #expect(error.description == "cannot read config file \(dir.path): Is a directory")
        }
    }
}
