import Logging

/// Everything the daemon and the operator commands are configured with, fully validated.
///
/// Produced by `SettingsLoader.load` from flags, environment, config file and defaults (in that
/// order of precedence). `Settings()` gives the defaults, which tests and the demo adjust.
/// Folder paths are absolute (relative ones are taken from the current directory at load time)
/// but symlinks are not resolved. Printing a `Settings` never shows the API key.
public struct Settings: Sendable, Equatable {
    /// Where files and bundles are dropped (`inbox`).
    public var inbox: String
    /// Where one result JSON per finished job is written (`outbox`).
    public var outbox: String
    /// Where sources of succeeded jobs are moved (`archive`).
    public var archive: String
    /// Where sources of failed jobs are moved (`failed`).
    public var failed: String
    /// The folder holding the queue database (`state_dir`).
    public var stateDir: String
    /// The HeyGen API base URL without a trailing slash (`api_base_url`).
    public var apiBaseURL: String
    /// The API key, if one was found; `run` refuses to start without it (see `FolderCheck`).
    public var apiKey: APIKey?
    /// How many uploads run at once (`workers`, ≥ 1).
    public var workers: Int
    /// Requests per API call before giving up, retries included (`max_attempts`, ≥ 1).
    public var maxAttempts: Int
    /// How long a new drop is left alone for its sidecar to arrive (`settle_ms`).
    public var settle: Duration
    /// Text or JSON log lines (`log_format`).
    public var logFormat: LogFormat
    /// The lowest level logged (`log_level`).
    public var logLevel: Logger.Level
    /// How many Video Agent videos may be in progress at once (`video_concurrency`, ≥ 1).
    public var videoConcurrency: Int
    /// How long a video may take before the job fails with `video_timeout` (`video_timeout_minutes`).
    public var videoTimeout: Duration
    /// How long a sidecar waits for its file before it fails as `orphan_sidecar`
    /// (`orphan_sidecar_timeout_minutes`).
    public var orphanSidecarTimeout: Duration
    /// How long an uploaded asset is reused for the same bytes instead of uploading again
    /// (`asset_reuse_hours`; zero turns reuse off).
    public var reuseWindow: Duration
    /// On SIGTERM, how long uploads in flight may take to finish (`shutdown_grace_seconds`).
    public var shutdownGrace: Duration
    /// The first wait between polls of a video (`video_poll_initial_ms`); it grows by half each poll.
    public var videoPollInitial: Duration
    /// The longest wait between polls of a video (`video_poll_max_ms`).
    public var videoPollMax: Duration
    /// The base of the exponential backoff between retries of a request (`retry_base_delay_ms`).
    public var retryBaseDelay: Duration
    /// The longest server-requested wait (`Retry-After`) a worker sleeps through before retrying
    /// (`max_retry_after_seconds`); a longer one hands the job back to the queue, due when the server said.
    public var maxRetryAfter: Duration
    /// The most files a bundle may hold; a bigger one fails as `rejected` before any upload (`max_bundle_files`).
    public var maxBundleFiles: Int
    /// How long a finished job keeps its progress record; the job itself stays (`progress_retention_days`).
    public var progressRetention: Duration
    /// How long a worker's claim on a job lasts without being renewed (`lease_seconds`); renewed every third.
    public var lease: Duration
    /// The config file actually read (absolute path), or nil when none was.
    public var configFile: String?

    /// The queue database: `queue.sqlite3` in the state dir.
    public var databasePath: String {
        stateDir.hasSuffix("/") ? stateDir + "queue.sqlite3" : stateDir + "/queue.sqlite3"
    }

    /// The built-in defaults: the folders under `/var/spool/heygen-dropd`, the state dir
    /// `/var/lib/heygen-dropd`, `https://api.heygen.com`, no API key, 4 workers, 10 attempts,
    /// 1000 ms settle window, text logs at info, 10 videos at once, 60 min video timeout,
    /// 10 min orphan sidecar timeout, 168 h asset reuse, 30 s shutdown grace, 1000 files per bundle,
    /// progress kept 30 days, 120 s leases, no config file.
    public init() {
        inbox = Defaults.inbox
        outbox = Defaults.outbox
        archive = Defaults.archive
        failed = Defaults.failed
        stateDir = Defaults.stateDir
        apiBaseURL = Defaults.apiBaseURL
        apiKey = nil
        workers = Defaults.workers
        maxAttempts = Defaults.maxAttempts
        settle = .milliseconds(Defaults.settleMilliseconds)
        logFormat = Defaults.logFormat
        logLevel = Defaults.logLevel
        videoConcurrency = Defaults.videoConcurrency
        videoTimeout = .seconds(Defaults.videoTimeoutMinutes * 60)
        orphanSidecarTimeout = .seconds(Defaults.orphanSidecarTimeoutMinutes * 60)
        reuseWindow = .seconds(Defaults.assetReuseHours * 3600)
        shutdownGrace = .seconds(Defaults.shutdownGraceSeconds)
        videoPollInitial = .milliseconds(Defaults.videoPollInitialMilliseconds)
        videoPollMax = .milliseconds(Defaults.videoPollMaxMilliseconds)
        retryBaseDelay = .milliseconds(Defaults.retryBaseDelayMilliseconds)
        maxRetryAfter = .seconds(Defaults.maxRetryAfterSeconds)
        maxBundleFiles = Defaults.maxBundleFiles
        progressRetention = .seconds(Defaults.progressRetentionDays * 86_400)
        lease = .seconds(Defaults.leaseSeconds)
        configFile = nil
    }

    /// The default value of every setting, in the units of the config file.
    public enum Defaults {
        /// `/var/spool/heygen-dropd/inbox`
        public static let inbox = "/var/spool/heygen-dropd/inbox"
        /// `/var/spool/heygen-dropd/outbox`
        public static let outbox = "/var/spool/heygen-dropd/outbox"
        /// `/var/spool/heygen-dropd/archive`
        public static let archive = "/var/spool/heygen-dropd/archive"
        /// `/var/spool/heygen-dropd/failed`
        public static let failed = "/var/spool/heygen-dropd/failed"
        /// `/var/lib/heygen-dropd`
        public static let stateDir = "/var/lib/heygen-dropd"
        /// `https://api.heygen.com`
        public static let apiBaseURL = "https://api.heygen.com"
        /// 4
        public static let workers = 4
        /// 10
        public static let maxAttempts = 10
        /// 1000
        public static let settleMilliseconds = 1000
        /// text
        public static let logFormat = LogFormat.text
        /// info
        public static let logLevel = Logger.Level.info
        /// 10
        public static let videoConcurrency = 10
        /// 60
        public static let videoTimeoutMinutes = 60
        /// `video_poll_initial_ms`.
        public static let videoPollInitialMilliseconds = 5000
        /// `video_poll_max_ms`.
        public static let videoPollMaxMilliseconds = 60_000
        /// `retry_base_delay_ms`.
        public static let retryBaseDelayMilliseconds = 1000
        /// `max_retry_after_seconds`: 600 (ten minutes).
        public static let maxRetryAfterSeconds = 600
        /// 10
        public static let orphanSidecarTimeoutMinutes = 10
        /// 168 (a week)
        public static let assetReuseHours = 168
        /// 30
        public static let shutdownGraceSeconds = 30
        /// 1000
        public static let maxBundleFiles = 1000
        /// 30
        public static let progressRetentionDays = 30
        /// 120
        public static let leaseSeconds = 120
        /// `/etc/heygen-dropd/config.yaml`, read only when present.
        public static let configFile = "/etc/heygen-dropd/config.yaml"
    }
}
