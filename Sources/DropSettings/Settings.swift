import DropLogging
import HeyGenAPI
import InboxWatcher
import Logging
import SystemSupport

/// Everything the daemon and the operator commands are configured with, fully validated.
///
/// Produced by `SettingsLoader.load` from flags, environment, config file and defaults (in that
/// order of precedence); every setting is an entry of `SettingsCatalogue`. `Settings()` gives the
/// defaults, which tests and the demo adjust. The values live in small groups (`folders`, `api`,
/// `retries`, `video`, `intake`, `work`, `retention`, `log`), each read from its own scope; the flat
/// properties (`inbox`, `workers`, ...) read and write the same values.
/// Folder paths are absolute (relative ones are taken from the current directory at load time)
/// but symlinks are not resolved. Printing a `Settings` never shows the API key.
public struct Settings: Sendable, Equatable {
    /// The folders.
    public var folders = Folders()
    /// The HeyGen API and its key.
    public var api = API()
    /// How requests are retried.
    public var retries = Retries()
    /// Video Agent videos.
    public var video = Video()
    /// How drops are taken in.
    public var intake = Intake()
    /// The workers.
    public var work = Work()
    /// What is kept how long.
    public var retention = Retention()
    /// Log lines.
    public var log = Log()
    /// The spend guard.
    public var spend = Spend()
    /// The profiles the config file declares (`profiles:`), in the order of their names; nil when it declares
    /// none, and the top-level settings make the one profile `default` (see `profiles`).
    public var declaredProfiles: [Profile]?
    /// The Video Agent defaults of the top-level config file (`video_agent:`), for the profile `default`.
    public var videoAgentDefaults: [String: JSONValue]?
    /// The translation defaults of the top-level config file (`translate:`), for the profile `default`.
    public var translateDefaults: [String: JSONValue]?
    /// The HTTP endpoint and `check`'s disk threshold.
    public var operations = Operations()
    /// Where the queue lives.
    public var queue = Queue()
    /// What is downloaded into the outbox.
    public var outputs = Outputs()
    /// The config file actually read (absolute path), or nil when none was.
    public var configFile: String?

    /// The built-in defaults of `SettingsCatalogue`: the folders under `/var/spool/heygen-dropd`, the
    /// state dir `/var/lib/heygen-dropd`, `https://api.heygen.com`, no API key, 4 workers, 10 attempts,
    /// 1000 ms settle window, watch mode auto (polling every 2000 ms where it polls), text logs at info, 10 videos at once, 60 min video timeout,
    /// 10 min orphan sidecar timeout, 168 h asset reuse, 30 s shutdown grace, 1000 files per bundle,
    /// progress kept 30 days, 120 s leases, no config file.
    public init() {}

    /// Every watched inbox with its folders and defaults: the declared profiles, or else the one profile
    /// `default` made of the top-level folders and settings.
    public var profiles: [Profile] {
        if let declaredProfiles, !declaredProfiles.isEmpty { return declaredProfiles }
        var profile = Profile(name: Profile.defaultName, inbox: inbox, outbox: outbox, archive: archive, failed: failed)
        profile.settle = settle
        profile.watchMode = watchMode
        profile.pollInterval = pollInterval
        profile.maxVideosPerDay = spend.maxVideosPerDay
        profile.download = outputs.download
        profile.videoAgent = videoAgentDefaults
        profile.translate = translateDefaults
        return [profile]
    }

    /// The queue database: `queue.sqlite3` in the state dir.
    public var databasePath: String {
        stateDir.hasSuffix("/") ? stateDir + "queue.sqlite3" : stateDir + "/queue.sqlite3"
    }

    /// Where files and bundles are dropped (`inbox`).
    public var inbox: String {
        get { folders.inbox }
        set { folders.inbox = newValue }
    }
    /// Where one result JSON per finished job is written (`outbox`).
    public var outbox: String {
        get { folders.outbox }
        set { folders.outbox = newValue }
    }
    /// Where sources of succeeded jobs are moved (`archive`).
    public var archive: String {
        get { folders.archive }
        set { folders.archive = newValue }
    }
    /// Where sources of failed jobs are moved (`failed`).
    public var failed: String {
        get { folders.failed }
        set { folders.failed = newValue }
    }
    /// The folder holding the queue database (`state_dir`).
    public var stateDir: String {
        get { folders.stateDir }
        set { folders.stateDir = newValue }
    }
    /// The HeyGen API base URL without a trailing slash (`api_base_url`).
    public var apiBaseURL: String {
        get { api.baseURL }
        set { api.baseURL = newValue }
    }
    /// The API key, if one was found; `run` refuses to start without it (see `FolderCheck`).
    public var apiKey: APIKey? {
        get { api.key }
        set { api.key = newValue }
    }
    /// How many uploads run at once (`workers`, ≥ 1).
    public var workers: Int {
        get { work.workers }
        set { work.workers = newValue }
    }
    /// Requests per API call before giving up, retries included (`max_attempts`, ≥ 1).
    public var maxAttempts: Int {
        get { retries.maxAttempts }
        set { retries.maxAttempts = newValue }
    }
    /// How long a new drop is left alone for its sidecar to arrive (`settle_ms`).
    public var settle: Duration {
        get { intake.settle }
        set { intake.settle = newValue }
    }
    /// How the inbox is watched (`watch`): inotify, polling, or `auto` by its file system.
    public var watchMode: WatchMode {
        get { intake.watch }
        set { intake.watch = newValue }
    }
    /// When polling, the time between two listings of the inbox (`poll_interval_ms`).
    public var pollInterval: Duration {
        get { intake.pollInterval }
        set { intake.pollInterval = newValue }
    }
    /// Text or JSON log lines (`log_format`).
    public var logFormat: LogFormat {
        get { log.format }
        set { log.format = newValue }
    }
    /// The lowest level logged (`log_level`).
    public var logLevel: Logger.Level {
        get { log.level }
        set { log.level = newValue }
    }
    /// How many Video Agent videos may be in progress at once (`video_concurrency`, ≥ 1).
    public var videoConcurrency: Int {
        get { video.concurrency }
        set { video.concurrency = newValue }
    }
    /// How long a video may take before the job fails with `video_timeout` (`video_timeout_minutes`).
    public var videoTimeout: Duration {
        get { video.timeout }
        set { video.timeout = newValue }
    }
    /// How long a sidecar waits for its file before it fails as `orphan_sidecar` (`orphan_sidecar_timeout_minutes`).
    public var orphanSidecarTimeout: Duration {
        get { intake.orphanSidecarTimeout }
        set { intake.orphanSidecarTimeout = newValue }
    }
    /// How long an uploaded asset is reused for the same bytes (`asset_reuse_hours`; zero turns reuse off).
    public var reuseWindow: Duration {
        get { retention.reuseWindow }
        set { retention.reuseWindow = newValue }
    }
    /// On SIGTERM, how long uploads in flight may take to finish (`shutdown_grace_seconds`).
    public var shutdownGrace: Duration {
        get { work.shutdownGrace }
        set { work.shutdownGrace = newValue }
    }
    /// The first wait between polls of a video (`video_poll_initial_ms`); it grows by half each poll.
    public var videoPollInitial: Duration {
        get { video.pollInitial }
        set { video.pollInitial = newValue }
    }
    /// The longest wait between polls of a video (`video_poll_max_ms`).
    public var videoPollMax: Duration {
        get { video.pollMax }
        set { video.pollMax = newValue }
    }
    /// The base of the exponential backoff between retries of a request (`retry_base_delay_ms`).
    public var retryBaseDelay: Duration {
        get { retries.baseDelay }
        set { retries.baseDelay = newValue }
    }
    /// The longest `Retry-After` a worker sleeps through before retrying (`max_retry_after_seconds`).
    public var maxRetryAfter: Duration {
        get { retries.maxRetryAfter }
        set { retries.maxRetryAfter = newValue }
    }
    /// The most files a bundle may hold (`max_bundle_files`).
    public var maxBundleFiles: Int {
        get { intake.maxBundleFiles }
        set { intake.maxBundleFiles = newValue }
    }
    /// How long a finished job keeps its progress record (`progress_retention_days`).
    public var progressRetention: Duration {
        get { retention.progressRetention }
        set { retention.progressRetention = newValue }
    }
    /// How long a worker's claim on a job lasts without being renewed (`lease_seconds`).
    public var lease: Duration {
        get { work.lease }
        set { work.lease = newValue }
    }

    /// Where the HTTP endpoint listens (`http_listen`, `HOST:PORT`); nil when it is off.
    public var httpListen: String? {
        get { operations.httpListen }
        set { operations.httpListen = newValue }
    }

    /// `check` fails under this many bytes free (`min_free_disk_mb`).
    public var minFreeDiskBytes: Int64 {
        get { Int64(operations.minFreeDiskMB) * 1_000_000 }
        set { operations.minFreeDiskMB = Int(newValue / 1_000_000) }
    }

    /// The default value of every setting, in the units of the config file (from `SettingsCatalogue`).
    public enum Defaults {
        /// `/var/spool/heygen-dropd/inbox`
        public static let inbox = SettingsCatalogue.inbox.defaultValue
        /// `/var/spool/heygen-dropd/outbox`
        public static let outbox = SettingsCatalogue.outbox.defaultValue
        /// `/var/spool/heygen-dropd/archive`
        public static let archive = SettingsCatalogue.archive.defaultValue
        /// `/var/spool/heygen-dropd/failed`
        public static let failed = SettingsCatalogue.failed.defaultValue
        /// `/var/lib/heygen-dropd`
        public static let stateDir = SettingsCatalogue.stateDir.defaultValue
        /// `https://api.heygen.com`
        public static let apiBaseURL = SettingsCatalogue.apiBaseURL.defaultValue
        /// 4
        public static let workers = SettingsCatalogue.workers.defaultValue
        /// 10
        public static let maxAttempts = SettingsCatalogue.maxAttempts.defaultValue
        /// 1000
        public static let settleMilliseconds = whole(SettingsCatalogue.settle, .milliseconds(1))
        /// auto
        public static let watchMode = SettingsCatalogue.watch.defaultValue
        /// 2000
        public static let pollIntervalMilliseconds = whole(SettingsCatalogue.pollInterval, .milliseconds(1))
        /// text
        public static let logFormat = SettingsCatalogue.logFormat.defaultValue
        /// info
        public static let logLevel = SettingsCatalogue.logLevel.defaultValue
        /// 10
        public static let videoConcurrency = SettingsCatalogue.videoConcurrency.defaultValue
        /// 60
        public static let videoTimeoutMinutes = whole(SettingsCatalogue.videoTimeout, .seconds(60))
        /// `video_poll_initial_ms`: 5000.
        public static let videoPollInitialMilliseconds = whole(SettingsCatalogue.videoPollInitial, .milliseconds(1))
        /// `video_poll_max_ms`: 60000.
        public static let videoPollMaxMilliseconds = whole(SettingsCatalogue.videoPollMax, .milliseconds(1))
        /// `retry_base_delay_ms`: 1000.
        public static let retryBaseDelayMilliseconds = whole(SettingsCatalogue.retryBaseDelay, .milliseconds(1))
        /// `max_retry_after_seconds`: 600 (ten minutes).
        public static let maxRetryAfterSeconds = whole(SettingsCatalogue.maxRetryAfter, .seconds(1))
        /// 10
        public static let orphanSidecarTimeoutMinutes = whole(SettingsCatalogue.orphanSidecarTimeout, .seconds(60))
        /// 168 (a week)
        public static let assetReuseHours = whole(SettingsCatalogue.assetReuse, .seconds(3600))
        /// 30
        public static let shutdownGraceSeconds = whole(SettingsCatalogue.shutdownGrace, .seconds(1))
        /// 1000
        public static let maxBundleFiles = SettingsCatalogue.maxBundleFiles.defaultValue
        /// 30
        public static let progressRetentionDays = whole(SettingsCatalogue.progressRetention, .seconds(86_400))
        /// 120
        public static let leaseSeconds = whole(SettingsCatalogue.lease, .seconds(1))
        /// 1024
        public static let minFreeDiskMB = SettingsCatalogue.minFreeDisk.defaultValue
        /// `/etc/heygen-dropd/config.yaml`, read only when present.
        public static let configFile = "/etc/heygen-dropd/config.yaml"

        /// The default of `setting` in whole `unit`s.
        private static func whole(_ setting: Setting<Duration>, _ unit: Duration) -> Int {
            Int(setting.defaultValue / unit)
        }
    }
}
