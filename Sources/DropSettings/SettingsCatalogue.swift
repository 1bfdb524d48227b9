import Logging
import SystemSupport
import DropLogging
import InboxWatcher

/// Every setting, once: key, flag, environment variable, parser, default, help and level.
///
/// This table drives the command-line flags (`SettingsOptions`), the environment and config file
/// keys `SettingsLoader` reads, the defaults of `Settings()`, and is checked against
/// `etc/heygen-dropd/config.yaml` and the README's settings table by tests. A new setting is one
/// entry here, one property in its `Settings` group (read in the group's `init(reader:)`), one
/// `@Option` in `SettingsOptions`, and a line in those two documents.
///
/// The flag is `--` and the key in kebab-case; the environment variable is `HEYGEN_DROPD_` and
/// the key in capitals, except `HEYGEN_API_BASE_URL`. The API key itself is no setting: it is read
/// from the `api_key_file`, `HEYGEN_API_KEY` or the systemd credential (see `SettingsLoader`).
public enum SettingsCatalogue {
    // MARK: Folders

    /// `inbox`.
    public static let inbox = Setting<String>(
        "inbox", .folders, parser: .folder, default: "/var/spool/heygen-dropd/inbox",
        valueName: "dir", help: "Folder where files and bundles are dropped.", level: .profile)
    /// `outbox`.
    public static let outbox = Setting<String>(
        "outbox", .folders, parser: .folder, default: "/var/spool/heygen-dropd/outbox",
        valueName: "dir", help: "Folder for the result JSON files.", level: .profile)
    /// `archive`.
    public static let archive = Setting<String>(
        "archive", .folders, parser: .folder, default: "/var/spool/heygen-dropd/archive",
        valueName: "dir", help: "Folder for sources of succeeded jobs.", level: .profile)
    /// `failed`.
    public static let failed = Setting<String>(
        "failed", .folders, parser: .folder, default: "/var/spool/heygen-dropd/failed",
        valueName: "dir", help: "Folder for sources of failed jobs.", level: .profile)
    /// `state_dir`.
    public static let stateDir = Setting<String>(
        "state_dir", .folders, parser: .folder, default: "/var/lib/heygen-dropd",
        valueName: "dir", help: "Folder of the queue database.")

    // MARK: API

    /// `api_base_url` (environment `HEYGEN_API_BASE_URL`).
    public static let apiBaseURL = Setting<String>(
        "api_base_url", .api, parser: .baseURL, default: "https://api.heygen.com",
        valueName: "url", help: "HeyGen API base URL.", environment: "HEYGEN_API_BASE_URL")
    /// `api_key_file`: no default.
    public static let apiKeyFile = Setting<String?>(
        "api_key_file", .api, parser: .file, valueName: "file", help: "File holding the HeyGen API key.")

    // MARK: Retries

    /// `max_attempts`.
    public static let maxAttempts = Setting<Int>(
        "max_attempts", .retries, parser: .integer(in: 1...), default: 10,
        valueName: "n", help: "Requests per API call, retries included.")
    /// `retry_base_delay_ms`.
    public static let retryBaseDelay = Setting<Duration>(
        "retry_base_delay_ms", .retries, parser: .milliseconds(in: 1...600_000), default: .milliseconds(1000),
        valueName: "ms", help: "Base of the backoff between retries of a request.")
    /// `max_retry_after_seconds`.
    public static let maxRetryAfter = Setting<Duration>(
        "max_retry_after_seconds", .retries, parser: .seconds(in: 0...86_400), default: .seconds(600),
        valueName: "seconds",
        help: "Longest Retry-After slept in a worker; a longer one hands the job back to the queue.")

    // MARK: Video

    /// `video_concurrency`.
    public static let videoConcurrency = Setting<Int>(
        "video_concurrency", .video, parser: .integer(in: 1...), default: 10,
        valueName: "n", help: "Videos in progress at once.")
    /// `video_timeout_minutes`.
    public static let videoTimeout = Setting<Duration>(
        "video_timeout_minutes", .video, parser: .minutes, default: .seconds(3600),
        valueName: "minutes", help: "Give up on a video after this long.")
    /// `video_poll_initial_ms`.
    public static let videoPollInitial = Setting<Duration>(
        "video_poll_initial_ms", .video, parser: .milliseconds(in: 1...3_600_000), default: .milliseconds(5000),
        valueName: "ms", help: "First wait between polls of a video.")
    /// `video_poll_max_ms`.
    public static let videoPollMax = Setting<Duration>(
        "video_poll_max_ms", .video, parser: .milliseconds(in: 1...3_600_000), default: .milliseconds(60_000),
        valueName: "ms", help: "Longest wait between polls of a video.")

    // MARK: Intake

    /// `settle_ms`.
    public static let settle = Setting<Duration>(
        "settle_ms", .intake, parser: .milliseconds(in: 0...3_600_000), default: .milliseconds(1000),
        valueName: "ms", help: "Wait for a sidecar after a drop, in ms.", level: .profile)
    /// `watch`.
    public static let watch = Setting<WatchMode>(
        "watch", .intake, parser: .watchMode, default: WatchMode.auto, valueName: "mode",
        help: "How the inbox is watched: auto (polling on NFS, SMB/CIFS, FUSE and 9p, else inotify), inotify or poll.",
        level: .profile)
    /// `poll_interval_ms`.
    public static let pollInterval = Setting<Duration>(
        "poll_interval_ms", .intake, parser: .milliseconds(in: 10...600_000), default: .milliseconds(2000),
        valueName: "ms", help: "When polling, list the inbox this often, in ms.", level: .profile)
    /// `orphan_sidecar_timeout_minutes`.
    public static let orphanSidecarTimeout = Setting<Duration>(
        "orphan_sidecar_timeout_minutes", .intake, parser: .minutes, default: .seconds(600),
        valueName: "minutes", help: "Fail a sidecar whose file never came after this long.")
    /// `max_bundle_files`.
    public static let maxBundleFiles = Setting<Int>(
        "max_bundle_files", .intake, parser: .integer(in: 1...1_000_000), default: 1000,
        valueName: "n", help: "A bundle with more files fails as rejected before any upload.")
    /// `max_file_bytes`: the largest file taken (the API's own `max_bytes` wins when lower).
    public static let maxFileBytes = Setting<Int>(
        "max_file_bytes", .intake, parser: .integer(in: 1...), default: 5_368_709_120,
        valueName: "bytes", help: "A larger file fails as too_large before any upload.")
    /// `direct_upload_above_bytes`: larger files go straight to storage (at most the API's 32 MB multipart limit).
    public static let directUploadAbove = Setting<Int>(
        "direct_upload_above_bytes", .intake, parser: .integer(in: 0...33_554_432), default: 33_554_432,
        valueName: "bytes", help: "Larger files are uploaded directly to storage instead of by POST /v3/assets.")

    // MARK: Work

    /// `workers`.
    public static let workers = Setting<Int>(
        "workers", .work, parser: .integer(in: 1...), default: 4, valueName: "n", help: "Uploads at once.")
    /// `lease_seconds`.
    public static let lease = Setting<Duration>(
        "lease_seconds", .work, parser: .seconds(in: 1...3600), default: .seconds(120),
        valueName: "seconds", help: "A worker's claim on a job lasts this long unless renewed.")
    /// `shutdown_grace_seconds`.
    public static let shutdownGrace = Setting<Duration>(
        "shutdown_grace_seconds", .work, parser: .seconds(in: 0...86_400), default: .seconds(30),
        valueName: "seconds", help: "On SIGTERM, time for uploads in flight to finish.")

    // MARK: Retention

    /// `asset_reuse_hours`.
    public static let assetReuse = Setting<Duration>(
        "asset_reuse_hours", .retention, parser: .hours(in: 0...87_600), default: .seconds(168 * 3600),
        valueName: "hours", help: "Reuse an upload of the same bytes for this long; 0 = never.")
    /// `progress_retention_days`.
    public static let progressRetention = Setting<Duration>(
        "progress_retention_days", .retention, parser: .days(in: 1...36_500), default: .seconds(30 * 86_400),
        valueName: "days", help: "Finished jobs keep their progress record this long.")

    // MARK: Outputs

    /// `download`.
    public static let download = Setting<DownloadSelection>(
        "download", .outputs, parser: .downloadSelection, default: DownloadSelection.video,
        valueName: "what", help: "What HeyGen made is downloaded into the outbox: video, all or none.", level: .profile)
    /// `download_max_bytes`.
    public static let downloadMaxBytes = Setting<Int>(
        "download_max_bytes", .outputs, parser: .integer(in: 1...), default: 20 << 30,
        valueName: "bytes", help: "A downloaded file larger than this fails the job as download_failed.")

    // MARK: Logging

    /// `log_format`.
    public static let logFormat = Setting<LogFormat>(
        "log_format", .log, parser: .logFormat, default: LogFormat.text, valueName: "format", help: "text or json.")
    /// `log_level`.
    public static let logLevel = Setting<Logger.Level>(
        "log_level", .log, parser: .logLevel, default: Logger.Level.info,
        valueName: "level", help: "trace, debug, info, notice, warning or error.")

    // MARK: Spend guard

    /// `max_videos_per_day`: no default (no cap); a profile's own, or the default of every profile.
    public static let maxVideosPerDay = Setting<Int?>(
        "max_videos_per_day", .spend, optional: .integer(in: 1...1_000_000), valueName: "n",
        help: "Video Agent creates plus translation languages per profile in the spend window; more wait, held.",
        level: .profile)
    /// `spend_window_hours`: the rolling window `max_videos_per_day` counts in.
    public static let spendWindow = Setting<Duration>(
        "spend_window_hours", .spend, parser: .fractionalHours, default: .seconds(24 * 3600),
        valueName: "hours", help: "The rolling window max_videos_per_day counts in; fractions allowed.")
    // MARK: Operations

    /// `http_listen`: no default (the endpoint is off).
    public static let httpListen = Setting<String?>(
        "http_listen", .operations, parser: .listenAddress, valueName: "host:port",
        help: "Serve /metrics, /healthz, /api/jobs and the dashboard here (e.g. 127.0.0.1:9464); off when unset.")
    /// `min_free_disk_mb`.
    public static let minFreeDisk = Setting<Int>(
        "min_free_disk_mb", .operations, parser: .integer(in: 0...100_000_000), default: 1024,
        valueName: "mb", help: "`check` fails under this much free space in the outbox or state dir, warns under twice it.")

    // MARK: Queue

    /// `queue_url`: no default (the queue is then SQLite in the state dir).
    public static let queueURL = Setting<String?>(
        "queue_url", .queue, parser: .queueURL, valueName: "url",
        help: "postgres://USER@HOST:PORT/DATABASE: a queue shared by several hosts (default SQLite in the state dir).")
    /// `queue_password_file`: no default (else the systemd credential `heygen-queue-password`).
    public static let queuePasswordFile = Setting<String?>(
        "queue_password_file", .queue, parser: .file, valueName: "file",
        help: "File holding the PostgreSQL queue's password.")

    // MARK: Config file

    /// `config`: flags and environment only; when neither names one, `/etc/heygen-dropd/config.yaml`
    /// is read if present.
    public static let config = Setting<String?>(
        "config", .configFile, parser: .file, valueName: "file",
        help: "YAML config file (default /etc/heygen-dropd/config.yaml when present).")

    /// Every setting, in the order of the documentation.
    public static let all: [SettingSpec] = [
        inbox.spec, outbox.spec, archive.spec, failed.spec, stateDir.spec, apiBaseURL.spec, apiKeyFile.spec,
        workers.spec, maxAttempts.spec, settle.spec, logFormat.spec, logLevel.spec, videoConcurrency.spec,
        videoTimeout.spec, orphanSidecarTimeout.spec, assetReuse.spec, shutdownGrace.spec,
        videoPollInitial.spec, videoPollMax.spec, retryBaseDelay.spec, maxRetryAfter.spec,
        maxBundleFiles.spec, maxFileBytes.spec, directUploadAbove.spec, progressRetention.spec, lease.spec, watch.spec, pollInterval.spec,
        maxVideosPerDay.spec, spendWindow.spec, httpListen.spec, minFreeDisk.spec, queueURL.spec, queuePasswordFile.spec,
        download.spec, downloadMaxBytes.spec, config.spec,
    ]

    /// The settings by config key.
    public static let byKey: [String: SettingSpec] = Dictionary(uniqueKeysWithValues: all.map { ($0.key, $0) })

    /// The environment variable holding the API key itself (never a flag or config key).
    public static let apiKeyEnvironment = "HEYGEN_API_KEY"
}
