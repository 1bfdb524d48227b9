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
        let run = try RunCommand.parse([
            "--inbox", "/i", "--state-dir", "/s", "--api-base-url", "http://127.0.0.1:1",
            "--api-key-file", "/k", "--workers", "2", "--max-attempts", "3", "--settle-ms", "4",
            "--log-format", "json", "--log-level", "debug", "--config", "/c.yaml",
            "--video-concurrency", "5", "--video-timeout-minutes", "6", "--orphan-sidecar-timeout-minutes", "7",
            "--asset-reuse-hours", "8", "--shutdown-grace-seconds", "9",
            "--video-poll-initial-ms", "10", "--video-poll-max-ms", "11", "--retry-base-delay-ms", "12",
            "--max-retry-after-seconds", "13",
            "--outbox", "/o", "--archive", "/a", "--failed", "/f",
            "--max-bundle-files", "16", "--progress-retention-days", "14", "--lease-seconds", "15",
            "--max-file-bytes", "17", "--direct-upload-above-bytes", "18",
            "--watch", "poll", "--poll-interval-ms", "17",
            "--max-videos-per-day", "17", "--spend-window-hours", "0.5",
            "--http-listen", "127.0.0.1:9464", "--min-free-disk-mb", "17",
            "--queue-url", "postgres://u@db/q", "--queue-password-file", "/p",
            "--download", "all", "--download-max-bytes", "18",
        ])
        let values = run.settingsOptions.flagValues(with: run.watcherOptions)
        #expect(values == [
            "inbox": "/i", "outbox": "/o", "archive": "/a", "failed": "/f", "state_dir": "/s",
            "api_base_url": "http://127.0.0.1:1", "api_key_file": "/k", "workers": "2", "max_attempts": "3",
            "settle_ms": "4", "log_format": "json", "log_level": "debug", "config": "/c.yaml",
            "video_concurrency": "5", "video_timeout_minutes": "6", "orphan_sidecar_timeout_minutes": "7",
            "asset_reuse_hours": "8", "shutdown_grace_seconds": "9",
            "video_poll_initial_ms": "10", "video_poll_max_ms": "11", "retry_base_delay_ms": "12",
            "max_retry_after_seconds": "13",
            "max_bundle_files": "16", "progress_retention_days": "14", "lease_seconds": "15",
            "max_file_bytes": "17", "direct_upload_above_bytes": "18",
            "watch": "poll", "poll_interval_ms": "17",
            "max_videos_per_day": "17", "spend_window_hours": "0.5",
            "http_listen": "127.0.0.1:9464", "min_free_disk_mb": "17",
            "queue_url": "postgres://u@db/q", "queue_password_file": "/p",
            "download": "all", "download_max_bytes": "18",
        ])
        // Every flag key is one the loader knows.
        #expect(Set(values.keys) == Set(SettingsCatalogue.all.map(\.key)))
    }

    /// `status --watch` is the live view, not the watcher's mode: status takes no watcher flags.
    @Test func statusWatchIsAFlag() throws {
        #expect(try StatusCommand.parse(["--watch"]).watch)
        #expect(throws: (any Error).self) { try StatusCommand.parse(["--poll-interval-ms", "5"]) }
    }

    /// The options are the catalogue: one per entry, each under the entry's flag, keyed by its key.
    @Test func optionsMatchTheCatalogue() throws {
        let keys = SettingsOptions.fields.map(\.spec.key) + WatcherOptions.fields.map(\.spec.key)
        #expect(keys.sorted() == SettingsCatalogue.all.map(\.key).sorted())
        var arguments: [String] = []
        var expected: [String: String] = [:]
        for (index, spec) in SettingsCatalogue.all.enumerated() {
            arguments += [spec.flag, "value-\(index)"]
            expected[spec.key] = "value-\(index)"
        }
        let run = try RunCommand.parse(arguments)
        #expect(run.settingsOptions.flagValues(with: run.watcherOptions) == expected)

        let help = RunCommand.helpMessage(columns: 10_000)
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
