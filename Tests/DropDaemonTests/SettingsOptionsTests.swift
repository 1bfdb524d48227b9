import Testing

@testable import DropDemo
@testable import DropLogging
@testable import DropOperator
@testable import DropPipeline
@testable import DropService
@testable import DropSettings
@testable import heygen_dropd

@Suite(.timeLimit(.minutes(5))) struct SettingsOptionsTests {
    @Test func flagsAreKeyedByConfigKey() throws {
        let options = try SettingsOptions.parse([
            "--inbox", "/i", "--state-dir", "/s", "--api-base-url", "http://127.0.0.1:1",
            "--api-key-file", "/k", "--workers", "2", "--max-attempts", "3", "--settle-ms", "4",
            "--log-format", "json", "--log-level", "debug", "--config", "/c.yaml",
            "--video-concurrency", "5", "--video-timeout-minutes", "6", "--orphan-sidecar-timeout-minutes", "7",
            "--asset-reuse-hours", "8", "--shutdown-grace-seconds", "9",
            "--video-poll-initial-ms", "10", "--video-poll-max-ms", "11", "--retry-base-delay-ms", "12",
            "--max-retry-after-seconds", "13",
            "--outbox", "/o", "--archive", "/a", "--failed", "/f",
            "--max-bundle-files", "16", "--progress-retention-days", "14", "--lease-seconds", "15",
            "--watch", "poll", "--poll-interval-ms", "17",
            "--download", "all", "--download-max-bytes", "18",
        ])
        #expect(options.flagValues() == [
            "inbox": "/i", "outbox": "/o", "archive": "/a", "failed": "/f", "state_dir": "/s",
            "api_base_url": "http://127.0.0.1:1", "api_key_file": "/k", "workers": "2", "max_attempts": "3",
            "settle_ms": "4", "log_format": "json", "log_level": "debug", "config": "/c.yaml",
            "video_concurrency": "5", "video_timeout_minutes": "6", "orphan_sidecar_timeout_minutes": "7",
            "asset_reuse_hours": "8", "shutdown_grace_seconds": "9",
            "video_poll_initial_ms": "10", "video_poll_max_ms": "11", "retry_base_delay_ms": "12",
            "max_retry_after_seconds": "13",
            "max_bundle_files": "16", "progress_retention_days": "14", "lease_seconds": "15",
            "watch": "poll", "poll_interval_ms": "17",
            "download": "all", "download_max_bytes": "18",
        ])
        // Every flag key is one the loader knows.
        #expect(Set(options.flagValues().keys) == Set(SettingsCatalogue.all.map(\.key)))
    }

    /// The options are the catalogue: one per entry, each under the entry's flag, keyed by its key.
    @Test func optionsMatchTheCatalogue() throws {
        #expect(SettingsOptions.fields.map(\.spec.key).sorted() == SettingsCatalogue.all.map(\.key).sorted())
        var arguments: [String] = []
        var expected: [String: String] = [:]
        for (index, spec) in SettingsCatalogue.all.enumerated() {
            arguments += [spec.flag, "value-\(index)"]
            expected[spec.key] = "value-\(index)"
        }
        #expect(try SettingsOptions.parse(arguments).flagValues() == expected)

        let help = SettingsOptions.helpMessage(columns: 10_000)
        for spec in SettingsCatalogue.all {
            #expect(help.contains("\(spec.flag) <\(spec.valueName)>"), "\(spec.flag) in --help")
            #expect(help.contains(spec.helpLine), "help of \(spec.flag)")
        }
    }

    @Test func noFlagsGiveNoValues() throws {
        #expect(try SettingsOptions.parse([]).flagValues().isEmpty)
    }

    @Test func badFlagValueIsTheLoadersError() async throws {
        let options = try SettingsOptions.parse(["--workers", "0"])
        let error = try await settingsError { try await loadSettings(flags: options.flagValues()) }
        #expect(error.description == "invalid setting workers=0 (from --workers): must be a whole number ≥ 1")
    }
}
