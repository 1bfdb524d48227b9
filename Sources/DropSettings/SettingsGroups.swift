import DropLogging
import Logging
import InboxWatcher

// Each group is built from a reader scoped to its `SettingGroup`, reading only its own entries of
// `SettingsCatalogue`; `init()` gives the catalogue's defaults.

extension Settings {
    /// The folders (`inbox`, `outbox`, `archive`, `failed`, `state_dir`): absolute, symlinks not resolved.
    public struct Folders: Sendable, Equatable {
        /// Where files and bundles are dropped.
        public var inbox = SettingsCatalogue.inbox.defaultValue
        /// Where one result JSON per finished job is written.
        public var outbox = SettingsCatalogue.outbox.defaultValue
        /// Where sources of succeeded jobs are moved.
        public var archive = SettingsCatalogue.archive.defaultValue
        /// Where sources of failed jobs are moved.
        public var failed = SettingsCatalogue.failed.defaultValue
        /// The folder holding the queue database.
        public var stateDir = SettingsCatalogue.stateDir.defaultValue

        /// The defaults, under `/var/spool/heygen-dropd` and `/var/lib/heygen-dropd`.
        public init() {}

        /// The folders `reader` (scoped to `folders`) finds, defaults for the rest.
        init(reader: SettingsReader) throws(SettingsError) {
            inbox = try reader.value(SettingsCatalogue.inbox)
            outbox = try reader.value(SettingsCatalogue.outbox)
            archive = try reader.value(SettingsCatalogue.archive)
            failed = try reader.value(SettingsCatalogue.failed)
            stateDir = try reader.value(SettingsCatalogue.stateDir)
        }
    }

    /// The HeyGen API: where it is and the key (`api_base_url`, `api_key_file`).
    public struct API: Sendable, Equatable {
        /// The base URL without a trailing slash.
        public var baseURL = SettingsCatalogue.apiBaseURL.defaultValue
        /// The key, if one was found (see `APIKeyLoader`); `run` refuses to start without it.
        public var key: APIKey?

        /// `https://api.heygen.com`, no key.
        public init() {}

        /// The base URL `reader` (scoped to `api`) finds, and the key from the `api_key_file` it finds
        /// or from `environment` (`HEYGEN_API_KEY`, `CREDENTIALS_DIRECTORY`; no empty values).
        init(reader: SettingsReader, environment: [String: String]) throws(SettingsError) {
            baseURL = try reader.value(SettingsCatalogue.apiBaseURL)
            key = try APIKeyLoader.load(keyFile: reader.found(SettingsCatalogue.apiKeyFile.spec), environment: environment)
        }
    }

    /// How API requests are retried (`max_attempts`, `retry_base_delay_ms`, `max_retry_after_seconds`).
    public struct Retries: Sendable, Equatable {
        /// Requests per API call before giving up, retries included (≥ 1).
        public var maxAttempts = SettingsCatalogue.maxAttempts.defaultValue
        /// The base of the exponential backoff between retries of a request.
        public var baseDelay = SettingsCatalogue.retryBaseDelay.defaultValue
        /// The longest server-requested wait (`Retry-After`) a worker sleeps through before retrying;
        /// a longer one hands the job back to the queue, due when the server said.
        public var maxRetryAfter = SettingsCatalogue.maxRetryAfter.defaultValue

        /// 10 attempts, 1 s backoff base, 10 min longest `Retry-After`.
        public init() {}

        /// The retry settings `reader` (scoped to `retries`) finds, defaults for the rest.
        init(reader: SettingsReader) throws(SettingsError) {
            maxAttempts = try reader.value(SettingsCatalogue.maxAttempts)
            baseDelay = try reader.value(SettingsCatalogue.retryBaseDelay)
            maxRetryAfter = try reader.value(SettingsCatalogue.maxRetryAfter)
        }
    }

    /// Video Agent videos (`video_concurrency`, `video_timeout_minutes`, `video_poll_*`).
    public struct Video: Sendable, Equatable {
        /// How many videos may be in progress at once (≥ 1).
        public var concurrency = SettingsCatalogue.videoConcurrency.defaultValue
        /// How long a video may take before the job fails with `video_timeout`.
        public var timeout = SettingsCatalogue.videoTimeout.defaultValue
        /// The first wait between polls of a video; it grows by half each poll.
        public var pollInitial = SettingsCatalogue.videoPollInitial.defaultValue
        /// The longest wait between polls of a video.
        public var pollMax = SettingsCatalogue.videoPollMax.defaultValue

        /// 10 at once, 60 min timeout, polls from 5 s up to 60 s.
        public init() {}

        /// The video settings `reader` (scoped to `video`) finds, defaults for the rest.
        init(reader: SettingsReader) throws(SettingsError) {
            concurrency = try reader.value(SettingsCatalogue.videoConcurrency)
            timeout = try reader.value(SettingsCatalogue.videoTimeout)
            pollInitial = try reader.value(SettingsCatalogue.videoPollInitial)
            pollMax = try reader.value(SettingsCatalogue.videoPollMax)
        }
    }

    /// How drops are taken in (`settle_ms`, `watch`, `poll_interval_ms`, `orphan_sidecar_timeout_minutes`,
    /// `max_bundle_files`, `max_file_bytes`, `direct_upload_above_bytes`).
    public struct Intake: Sendable, Equatable {
        /// How long a new drop is left alone for its sidecar to arrive.
        public var settle = SettingsCatalogue.settle.defaultValue
        /// How the inbox is watched: inotify, polling, or (`auto`) as its file system needs.
        public var watch = SettingsCatalogue.watch.defaultValue
        /// When polling, the time between two listings of the inbox.
        public var pollInterval = SettingsCatalogue.pollInterval.defaultValue
        /// How long a sidecar waits for its file before it fails as `orphan_sidecar`.
        public var orphanSidecarTimeout = SettingsCatalogue.orphanSidecarTimeout.defaultValue
        /// The most files a bundle may hold; a bigger one fails as `rejected` before any upload.
        public var maxBundleFiles = SettingsCatalogue.maxBundleFiles.defaultValue
        /// The largest file taken, in bytes; a larger one fails as `too_large` before any upload.
        public var maxFileBytes = SettingsCatalogue.maxFileBytes.defaultValue
        /// Files larger than this many bytes are uploaded directly to storage, not by `POST /v3/assets`.
        public var directUploadAboveBytes = SettingsCatalogue.directUploadAbove.defaultValue

        /// 1000 ms settle window, watch mode auto polling every 2000 ms, 10 min orphan sidecar timeout,
        /// 1000 files per bundle, files up to 5 GiB, direct uploads above 32 MB.
        public init() {}

        /// The intake settings `reader` (scoped to `intake`) finds, defaults for the rest.
        init(reader: SettingsReader) throws(SettingsError) {
            settle = try reader.value(SettingsCatalogue.settle)
            watch = try reader.value(SettingsCatalogue.watch)
            pollInterval = try reader.value(SettingsCatalogue.pollInterval)
            orphanSidecarTimeout = try reader.value(SettingsCatalogue.orphanSidecarTimeout)
            maxBundleFiles = try reader.value(SettingsCatalogue.maxBundleFiles)
            maxFileBytes = try reader.value(SettingsCatalogue.maxFileBytes)
            directUploadAboveBytes = try reader.value(SettingsCatalogue.directUploadAbove)
        }
    }

    /// The workers (`workers`, `lease_seconds`, `shutdown_grace_seconds`).
    public struct Work: Sendable, Equatable {
        /// How many uploads run at once (≥ 1).
        public var workers = SettingsCatalogue.workers.defaultValue
        /// How long a worker's claim on a job lasts without being renewed; renewed every third.
        public var lease = SettingsCatalogue.lease.defaultValue
        /// On SIGTERM, how long uploads in flight may take to finish.
        public var shutdownGrace = SettingsCatalogue.shutdownGrace.defaultValue

        /// 4 workers, 120 s leases, 30 s shutdown grace.
        public init() {}

        /// The work settings `reader` (scoped to `work`) finds, defaults for the rest.
        init(reader: SettingsReader) throws(SettingsError) {
            workers = try reader.value(SettingsCatalogue.workers)
            lease = try reader.value(SettingsCatalogue.lease)
            shutdownGrace = try reader.value(SettingsCatalogue.shutdownGrace)
        }
    }

    /// What is kept how long (`asset_reuse_hours`, `progress_retention_days`).
    public struct Retention: Sendable, Equatable {
        /// How long an uploaded asset is reused for the same bytes instead of uploading again (zero: never).
        public var reuseWindow = SettingsCatalogue.assetReuse.defaultValue
        /// How long a finished job keeps its progress record; the job itself stays.
        public var progressRetention = SettingsCatalogue.progressRetention.defaultValue

        /// Assets reused for 168 h, progress kept 30 days.
        public init() {}

        /// The retention settings `reader` (scoped to `retention`) finds, defaults for the rest.
        init(reader: SettingsReader) throws(SettingsError) {
            reuseWindow = try reader.value(SettingsCatalogue.assetReuse)
            progressRetention = try reader.value(SettingsCatalogue.progressRetention)
        }
    }

    /// Log lines (`log_format`, `log_level`).
    public struct Log: Sendable, Equatable {
        /// Text or JSON log lines.
        public var format = SettingsCatalogue.logFormat.defaultValue
        /// The lowest level logged.
        public var level = SettingsCatalogue.logLevel.defaultValue

        /// Text at info.
        public init() {}

        /// The log settings `reader` (scoped to `log`) finds, defaults for the rest.
        init(reader: SettingsReader) throws(SettingsError) {
            format = try reader.value(SettingsCatalogue.logFormat)
            level = try reader.value(SettingsCatalogue.logLevel)
        }
    }

    /// The spend guard (`max_videos_per_day`, `spend_window_hours`).
    public struct Spend: Sendable, Equatable {
        /// Video Agent creates plus translation languages a profile may start within `window`; nil: no cap.
        /// The top-level value is the default of every profile.
        public var maxVideosPerDay = SettingsCatalogue.maxVideosPerDay.defaultValue
        /// The rolling window the cap counts in (24 hours; shorter in tests).
        public var window = SettingsCatalogue.spendWindow.defaultValue

        /// No cap, a 24-hour window.
        public init() {}

        /// The spend settings `reader` (scoped to `spend`) finds, defaults for the rest.
        init(reader: SettingsReader) throws(SettingsError) {
            maxVideosPerDay = try reader.value(SettingsCatalogue.maxVideosPerDay)
            window = try reader.value(SettingsCatalogue.spendWindow)
        }
    }

    /// Operating the daemon (`http_listen`, `min_free_disk_mb`).
    public struct Operations: Sendable, Equatable {
        /// Where the HTTP endpoint listens (`HOST:PORT`); nil: no endpoint.
        public var httpListen: String? = nil
        /// `check` fails under this many MB free in the outbox or state dir.
        public var minFreeDiskMB = SettingsCatalogue.minFreeDisk.defaultValue

        /// No endpoint, 1024 MB.
        public init() {}

        /// The operations settings `reader` (scoped to `operations`) finds, defaults for the rest.
        init(reader: SettingsReader) throws(SettingsError) {
            httpListen = try reader.value(SettingsCatalogue.httpListen)
            minFreeDiskMB = try reader.value(SettingsCatalogue.minFreeDisk)
        }
    }
}
