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

/// Every entry of `SettingsCatalogue`, set from each source, lands where it belongs in `Settings`.
@Suite(.timeLimit(.minutes(5))) struct SettingsDriftTests {
    /// A value for one setting, other than its default, and what it does to `Settings`.
    struct Sample: Sendable {
        var key: String
        var text: String
        /// Applies the value to default settings; `origin` is the flag, variable or config file it came from.
        var apply: @Sendable (inout Settings, _ origin: String) -> Void
    }

    /// One sample per catalogue entry; `dir` holds the key file and the (empty) config file.
    static func samples(_ dir: TemporaryDirectory) -> [Sample] {
        let keyFile = dir.file("api-key")
        let configFile = dir.file("named.yaml")
        return [
            Sample(key: "inbox", text: "/q/in") { s, _ in s.inbox = "/q/in" },
            Sample(key: "outbox", text: "/q/out") { s, _ in s.outbox = "/q/out" },
            Sample(key: "archive", text: "/q/arch") { s, _ in s.archive = "/q/arch" },
            Sample(key: "failed", text: "/q/fail") { s, _ in s.failed = "/q/fail" },
            Sample(key: "state_dir", text: "/q/state") { s, _ in s.stateDir = "/q/state" },
            Sample(key: "api_base_url", text: "https://example.test/api") { s, _ in
                s.apiBaseURL = "https://example.test/api"
            },
            Sample(key: "api_key_file", text: keyFile) { s, origin in
                s.apiKey = APIKey("drift-key", source: "file \(keyFile) (from \(origin))")
            },
            Sample(key: "workers", text: "2") { s, _ in s.workers = 2 },
            Sample(key: "max_attempts", text: "3") { s, _ in s.maxAttempts = 3 },
            Sample(key: "settle_ms", text: "0") { s, _ in s.settle = .zero },
            Sample(key: "watch", text: "poll") { s, _ in s.watchMode = .poll },
            Sample(key: "poll_interval_ms", text: "250") { s, _ in s.pollInterval = .milliseconds(250) },
            Sample(key: "log_format", text: "json") { s, _ in s.logFormat = .json },
            Sample(key: "log_level", text: "warning") { s, _ in s.logLevel = .warning },
            Sample(key: "video_concurrency", text: "4") { s, _ in s.videoConcurrency = 4 },
            Sample(key: "video_timeout_minutes", text: "5") { s, _ in s.videoTimeout = .seconds(300) },
            Sample(key: "orphan_sidecar_timeout_minutes", text: "6") { s, _ in s.orphanSidecarTimeout = .seconds(360) },
            Sample(key: "asset_reuse_hours", text: "0") { s, _ in s.reuseWindow = .zero },
            Sample(key: "shutdown_grace_seconds", text: "8") { s, _ in s.shutdownGrace = .seconds(8) },
            Sample(key: "video_poll_initial_ms", text: "12") { s, _ in s.videoPollInitial = .milliseconds(12) },
            Sample(key: "video_poll_max_ms", text: "13") { s, _ in s.videoPollMax = .milliseconds(13) },
            Sample(key: "retry_base_delay_ms", text: "14") { s, _ in s.retryBaseDelay = .milliseconds(14) },
            Sample(key: "max_retry_after_seconds", text: "15") { s, _ in s.maxRetryAfter = .seconds(15) },
            Sample(key: "max_bundle_files", text: "9") { s, _ in s.maxBundleFiles = 9 },
            Sample(key: "max_file_bytes", text: "1000000") { s, _ in s.maxFileBytes = 1_000_000 },
            Sample(key: "direct_upload_above_bytes", text: "4096") { s, _ in s.directUploadAboveBytes = 4096 },
            Sample(key: "progress_retention_days", text: "10") { s, _ in s.progressRetention = .seconds(10 * 86_400) },
            Sample(key: "lease_seconds", text: "11") { s, _ in s.lease = .seconds(11) },
            Sample(key: "max_videos_per_day", text: "7") { s, _ in s.spend.maxVideosPerDay = 7 },
            Sample(key: "spend_window_hours", text: "0.5") { s, _ in s.spend.window = .seconds(1800) },
            Sample(key: "http_listen", text: "127.0.0.1:9464") { s, _ in s.httpListen = "127.0.0.1:9464" },
            Sample(key: "min_free_disk_mb", text: "7") { s, _ in s.minFreeDiskBytes = 7_000_000 },
            Sample(key: "queue_url", text: "postgres://dropd@db.test:5433/queue") { s, _ in
                s.queue.url = "postgres://dropd@db.test:5433/queue"
            },
            Sample(key: "queue_password_file", text: dir.file("queue-password")) { s, _ in
                s.queue.password = QueuePassword("drift-pw", source: "file \(dir.file("queue-password"))")
            },
            Sample(key: "download", text: "all") { s, _ in s.outputs.download = .all },
            Sample(key: "download_max_bytes", text: "4096") { s, _ in s.outputs.downloadMaxBytes = 4096 },
            Sample(key: "config", text: configFile) { s, _ in s.configFile = configFile },
        ]
    }

    /// Writes the key file and the empty config file the samples name.
    static func prepare(_ dir: TemporaryDirectory) throws {
        try writeFile(dir.file("api-key"), "drift-key\n")
        try writeFile(dir.file("named.yaml"), "# nothing\n")
        try writeFile(dir.file("queue-password"), "drift-pw\n")
    }

    @Test func everyCatalogueEntryHasASampleThatChangesSomething() async throws {
        try await withTemporaryDirectory { dir in
            let samples = Self.samples(dir)
            #expect(samples.map(\.key).sorted() == SettingsCatalogue.all.map(\.key).sorted())
            for sample in samples {
                var changed = Settings()
                sample.apply(&changed, "somewhere")
                #expect(changed != Settings(), "the sample of \(sample.key) is its default")
            }
        }
    }

    @Test func eachSettingAloneFromEachSource() async throws {
        try await withTemporaryDirectory { dir in
            try Self.prepare(dir)
            let file = dir.file("one.yaml")
            for sample in Self.samples(dir) {
                let spec = try #require(SettingsCatalogue.byKey[sample.key])

                var expected = Settings()
                sample.apply(&expected, spec.flag)
                #expect(try await loadSettings(flags: [sample.key: sample.text]) == expected, "\(spec.flag)")

                expected = Settings()
                sample.apply(&expected, spec.environment)
                #expect(try await loadSettings(environment: [spec.environment: sample.text]) == expected, "\(spec.environment)")

                guard spec.inConfigFile else { continue }
                try writeFile(file, "\(sample.key): \"\(sample.text)\"\n")
                expected = Settings()
                sample.apply(&expected, "config file \(file)")
                expected.configFile = file
                #expect(try await loadSettings(flags: ["config": file]) == expected, "\(sample.key) in a config file")
            }
        }
    }

    @Test func allSettingsAtOnceFromEachSource() async throws {
        try await withTemporaryDirectory { dir in
            try Self.prepare(dir)
            let samples = Self.samples(dir)

            var fromFlags = Settings()
            for sample in samples { sample.apply(&fromFlags, SettingsCatalogue.byKey[sample.key]!.flag) }
            let flags = Dictionary(uniqueKeysWithValues: samples.map { ($0.key, $0.text) })
            #expect(try await loadSettings(flags: flags) == fromFlags)

            var fromEnvironment = Settings()
            for sample in samples { sample.apply(&fromEnvironment, SettingsCatalogue.byKey[sample.key]!.environment) }
            let environment = Dictionary(
                uniqueKeysWithValues: samples.map { (SettingsCatalogue.byKey[$0.key]!.environment, $0.text) })
            #expect(try await loadSettings(environment: environment) == fromEnvironment)

            let file = dir.file("all.yaml")
            let inFile = samples.filter { SettingsCatalogue.byKey[$0.key]!.inConfigFile }
            try writeFile(file, inFile.map { "\($0.key): \"\($0.text)\"" }.joined(separator: "\n"))
            var fromFile = Settings()
            for sample in inFile { sample.apply(&fromFile, "config file \(file)") }
            fromFile.configFile = file
            #expect(try await loadSettings(flags: ["config": file]) == fromFile)
        }
    }

    /// The catalogue's default texts, given as values, are the defaults: each parses back to its default.
    @Test func defaultTextsParseToTheDefaults() async throws {
        let flags = Dictionary(
            uniqueKeysWithValues: SettingsCatalogue.all.compactMap { spec in spec.defaultText.map { (spec.key, $0) } })
        #expect(flags.count == SettingsCatalogue.all.count - 6)  // all but api_key_file, max_videos_per_day, http_listen, queue_url, queue_password_file and config
        #expect(try await loadSettings(flags: flags) == Settings())
    }

    @Test func namesAreUniqueAndTheProfileSettingsAreMarked() {
        let all = SettingsCatalogue.all
        #expect(Set(all.map(\.key)).count == all.count)
        #expect(Set(all.map(\.flag)).count == all.count)
        #expect(Set(all.map(\.environment)).count == all.count)
        #expect(
            Set(all.filter { $0.level == .profile }.map(\.key))
                == ["inbox", "outbox", "archive", "failed", "settle_ms", "watch", "poll_interval_ms", "max_videos_per_day", "download"])
        for spec in all {
            #expect(spec.environment == (spec.key == "api_base_url" ? "HEYGEN_API_BASE_URL" : "HEYGEN_DROPD_" + spec.key.uppercased()))
            #expect(spec.flag == "--" + spec.key.replacingOccurrences(of: "_", with: "-"))
        }
        #expect(SettingsCatalogue.all.filter { !$0.inConfigFile }.map(\.key) == ["config"])
    }

    /// The group structs: `Settings()`'s groups are their own defaults, and every group is read.
    @Test func groupsHoldTheFlatValues() async throws {
        var settings = try await loadSettings(flags: ["workers": "3", "video_poll_max_ms": "70000", "log_level": "debug"])
        #expect(settings.work.workers == 3)
        #expect(settings.video.pollMax == .milliseconds(70_000))
        #expect(settings.log.level == .debug)
        settings.retries.baseDelay = .milliseconds(5)
        #expect(settings.retryBaseDelay == .milliseconds(5))
        settings.stateDir = "/elsewhere"
        #expect(settings.folders.stateDir == "/elsewhere")
        #expect(Set(SettingsCatalogue.all.map(\.group)) == Set(SettingGroup.allCases))
    }
}

