import CoreMetrics

/// The series the daemon records (SPEC §7), recorded through swift-metrics into `factory`.
///
/// Every label value is one of a small fixed set (a profile name, a job state, an endpoint template, an HTTP
/// status, an error category): never a file name or a job id. Recording is cheap and never fails; with the
/// default factory of an unbootstrapped `MetricsSystem` it records nothing.
public struct DropMetrics: Sendable {
    /// Where the series are made.
    public let factory: any MetricsFactory

    /// Series made in `factory`.
    public init(factory: any MetricsFactory) {
        self.factory = factory
    }

    /// Series made in the process's `MetricsSystem` (bootstrapped by the executable, never by a library).
    public static var system: DropMetrics { DropMetrics(factory: MetricsSystem.factory) }

    /// Makes the series without labels exist from the start (at 0), so a scrape lists them before their
    /// first event: the byte counters, the video wait histogram, the oldest queued age.
    public func declareUnlabeled() {
        _ = Counter(label: Name.uploadBytes, factory: factory)
        _ = Counter(label: Name.downloadBytes, factory: factory)
        _ = Timer(label: Name.videoWait, factory: factory)
        Gauge(label: Name.oldestQueuedAge, factory: factory).record(0)
    }

    /// A file (or bundle) noticed in a profile's inbox.
    public func fileSeen(profile: String) {
        Counter(label: Name.filesSeen, dimensions: [("profile", profile)], factory: factory).increment()
    }

    /// One upload ended: `path` is `multipart` or `direct`, `outcome` `ok` or `failed`.
    public func upload(path: String, outcome: String) {
        Counter(label: Name.uploads, dimensions: [("path", path), ("outcome", outcome)], factory: factory).increment()
    }

    /// Bytes of files sent to the API.
    public func uploadBytes(_ bytes: Int64) {
        guard bytes > 0 else { return }
        Counter(label: Name.uploadBytes, factory: factory).increment(by: bytes)
    }

    /// Bytes of results downloaded.
    public func downloadBytes(_ bytes: Int64) {
        guard bytes > 0 else { return }
        Counter(label: Name.downloadBytes, factory: factory).increment(by: bytes)
    }

    /// One API request ended: `endpoint` is a path template (`/v3/videos/{id}`), `status` the HTTP status or
    /// `none` when no answer came; `duration` from sending to the answer's last byte.
    public func apiRequest(endpoint: String, status: String, duration: Duration) {
        Counter(label: Name.apiRequests, dimensions: [("endpoint", endpoint), ("status", status)], factory: factory)
            .increment()
        Timer(label: Name.apiRequestDuration, dimensions: [("endpoint", endpoint)], factory: factory)
            .recordNanoseconds(duration.nanosecondsClamped)
    }

    /// A request is retried; `reason` is the error's category (`rate_limited`, `server_error`, ...).
    public func apiRetry(reason: String) {
        Counter(label: Name.apiRetries, dimensions: [("reason", reason)], factory: factory).increment()
    }

    /// A video finished (well or not): from its create to the end of the wait.
    public func videoWait(_ duration: Duration) {
        Timer(label: Name.videoWait, factory: factory).recordNanoseconds(duration.nanosecondsClamped)
    }

    /// How many jobs of a profile are in a state now.
    public func jobs(profile: String, state: String, count: Int) {
        Gauge(label: Name.jobs, dimensions: [("profile", profile), ("state", state)], factory: factory)
            .record(count)
    }

    /// How long the oldest queued job has waited (0 when none waits).
    public func oldestQueuedAge(seconds: Double) {
        Gauge(label: Name.oldestQueuedAge, factory: factory).record(max(0, seconds))
    }

    /// The inbox was scanned again: `reason` is `start`, `overflow`, `poll` or the like.
    public func inboxRescan(reason: String) {
        Counter(label: Name.inboxRescans, dimensions: [("reason", reason)], factory: factory).increment()
    }
}

extension DropMetrics {
    /// The names of the series (Prometheus names, SPEC §7).
    public enum Name {
        /// Counter `{profile}`.
        public static let filesSeen = "heygen_dropd_files_seen_total"
        /// Counter `{path,outcome}`.
        public static let uploads = "heygen_dropd_uploads_total"
        /// Counter.
        public static let uploadBytes = "heygen_dropd_upload_bytes_total"
        /// Counter.
        public static let downloadBytes = "heygen_dropd_download_bytes_total"
        /// Counter `{endpoint,status}`.
        public static let apiRequests = "heygen_dropd_api_requests_total"
        /// Counter `{reason}`.
        public static let apiRetries = "heygen_dropd_api_retries_total"
        /// Histogram `{endpoint}`, seconds.
        public static let apiRequestDuration = "heygen_dropd_api_request_duration_seconds"
        /// Histogram, seconds from a video's create to its end.
        public static let videoWait = "heygen_dropd_video_wait_seconds"
        /// Gauge `{profile,state}`.
        public static let jobs = "heygen_dropd_jobs"
        /// Gauge, seconds.
        public static let oldestQueuedAge = "heygen_dropd_oldest_queued_age_seconds"
        /// Counter `{reason}`.
        public static let inboxRescans = "heygen_dropd_inbox_rescans_total"
    }

    /// Histogram buckets of the API request durations.
    public static let apiRequestBuckets: [Duration] = [
        .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250),
        .milliseconds(500), .seconds(1), .milliseconds(2500), .seconds(5), .seconds(10), .seconds(30), .seconds(60),
        .seconds(300),
    ]

    /// Histogram buckets of the video waits (videos take minutes).
    public static let videoWaitBuckets: [Duration] = [
        .seconds(1), .seconds(10), .seconds(30), .seconds(60), .seconds(120), .seconds(300), .seconds(600),
        .seconds(1200), .seconds(1800), .seconds(3600), .seconds(7200),
    ]
}

extension Duration {
    /// Nanoseconds, clamped to what an `Int64` holds.
    fileprivate var nanosecondsClamped: Int64 {
        let (seconds, attoseconds) = components
        guard seconds < Int64.max / 1_000_000_000 else { return .max }
        return max(0, seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}
