import ArgumentParser

/// The settings flags every subcommand accepts. All are plain strings: `SettingsLoader` validates
/// them, so a bad value gets the same one-line error whether it came from a flag, the environment
/// or the config file.
struct SettingsOptions: ParsableArguments {
    @Option(name: .customLong("inbox"), help: ArgumentHelp("Folder where files and bundles are dropped.", valueName: "dir"))
    var inbox: String?

    @Option(name: .customLong("outbox"), help: ArgumentHelp("Folder for the result JSON files.", valueName: "dir"))
    var outbox: String?

    @Option(name: .customLong("archive"), help: ArgumentHelp("Folder for sources of succeeded jobs.", valueName: "dir"))
    var archive: String?

    @Option(name: .customLong("failed"), help: ArgumentHelp("Folder for sources of failed jobs.", valueName: "dir"))
    var failed: String?

    @Option(name: .customLong("state-dir"), help: ArgumentHelp("Folder of the queue database.", valueName: "dir"))
    var stateDir: String?

    @Option(name: .customLong("api-base-url"), help: ArgumentHelp("HeyGen API base URL.", valueName: "url"))
    var apiBaseURL: String?

    @Option(name: .customLong("api-key-file"), help: ArgumentHelp("File holding the HeyGen API key.", valueName: "file"))
    var apiKeyFile: String?

    @Option(name: .customLong("workers"), help: ArgumentHelp("Uploads at once (default 4).", valueName: "n"))
    var workers: String?

    @Option(
        name: .customLong("max-attempts"),
        help: ArgumentHelp("Requests per API call, retries included (default 10).", valueName: "n"))
    var maxAttempts: String?

    @Option(
        name: .customLong("settle-ms"),
        help: ArgumentHelp("Wait for a sidecar after a drop, in ms (default 1000).", valueName: "ms"))
    var settleMs: String?

    @Option(name: .customLong("log-format"), help: ArgumentHelp("text or json (default text).", valueName: "format"))
    var logFormat: String?

    @Option(
        name: .customLong("log-level"),
        help: ArgumentHelp("trace, debug, info, notice, warning or error (default info).", valueName: "level"))
    var logLevel: String?

    @Option(
        name: .customLong("config"),
        help: ArgumentHelp("YAML config file (default /etc/heygen-dropd/config.yaml when present).", valueName: "file"))
    var config: String?

    @Option(
        name: .customLong("video-concurrency"),
        help: ArgumentHelp("Videos in progress at once (default 10).", valueName: "n"))
    var videoConcurrency: String?

    @Option(
        name: .customLong("video-timeout-minutes"),
        help: ArgumentHelp("Give up on a video after this long (default 60).", valueName: "minutes"))
    var videoTimeoutMinutes: String?

    @Option(
        name: .customLong("orphan-sidecar-timeout-minutes"),
        help: ArgumentHelp("Fail a sidecar whose file never came after this long (default 10).", valueName: "minutes"))
    var orphanSidecarTimeoutMinutes: String?

    @Option(
        name: .customLong("asset-reuse-hours"),
        help: ArgumentHelp("Reuse an upload of the same bytes for this long; 0 = never (default 168).", valueName: "hours"))
    var assetReuseHours: String?

    @Option(
        name: .customLong("shutdown-grace-seconds"),
        help: ArgumentHelp("On SIGTERM, time for uploads in flight to finish (default 30).", valueName: "seconds"))
    var shutdownGraceSeconds: String?

    @Option(
        name: .customLong("video-poll-initial-ms"),
        help: ArgumentHelp("First wait between polls of a video (default 5000).", valueName: "ms"))
    var videoPollInitialMs: String?

    @Option(
        name: .customLong("video-poll-max-ms"),
        help: ArgumentHelp("Longest wait between polls of a video (default 60000).", valueName: "ms"))
    var videoPollMaxMs: String?

    @Option(
        name: .customLong("retry-base-delay-ms"),
        help: ArgumentHelp("Base of the backoff between retries of a request (default 1000).", valueName: "ms"))
    var retryBaseDelayMs: String?

    @Option(
        name: .customLong("max-retry-after-seconds"),
        help: ArgumentHelp(
            "Longest Retry-After slept in a worker; a longer one hands the job back to the queue (default 600).",
            valueName: "seconds"))
    var maxRetryAfterSeconds: String?

    @Option(
        name: .customLong("max-bundle-files"),
        help: ArgumentHelp("A bundle with more files fails as rejected before any upload (default 1000).", valueName: "n"))
    var maxBundleFiles: String?

    @Option(
        name: .customLong("progress-retention-days"),
        help: ArgumentHelp("Finished jobs keep their progress record this long (default 30).", valueName: "days"))
    var progressRetentionDays: String?

    @Option(
        name: .customLong("lease-seconds"),
        help: ArgumentHelp("A worker's claim on a job lasts this long unless renewed (default 120).", valueName: "seconds"))
    var leaseSeconds: String?

    /// The flags given, keyed by config key (`state_dir`, `api_key_file`, ...), for `SettingsLoader.load(flags:environment:)`.
    func flagValues() -> [String: String] {
        let values: [(String, String?)] = [
            ("inbox", inbox), ("outbox", outbox), ("archive", archive), ("failed", failed),
            ("state_dir", stateDir), ("api_base_url", apiBaseURL), ("api_key_file", apiKeyFile),
            ("workers", workers), ("max_attempts", maxAttempts), ("settle_ms", settleMs),
            ("log_format", logFormat), ("log_level", logLevel), ("config", config),
            ("video_concurrency", videoConcurrency), ("video_timeout_minutes", videoTimeoutMinutes),
            ("orphan_sidecar_timeout_minutes", orphanSidecarTimeoutMinutes),
            ("asset_reuse_hours", assetReuseHours), ("shutdown_grace_seconds", shutdownGraceSeconds),
            ("video_poll_initial_ms", videoPollInitialMs), ("video_poll_max_ms", videoPollMaxMs),
            ("retry_base_delay_ms", retryBaseDelayMs), ("max_retry_after_seconds", maxRetryAfterSeconds),
            ("max_bundle_files", maxBundleFiles),
            ("progress_retention_days", progressRetentionDays), ("lease_seconds", leaseSeconds),
        ]
        return Dictionary(uniqueKeysWithValues: values.compactMap { key, value in value.map { (key, $0) } })
    }
}
