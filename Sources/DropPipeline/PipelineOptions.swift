import DropSettings
import Foundation
import HeyGenAPI
import SystemSupport

/// The knobs of the pipeline, taken from the settings.
public struct PipelineOptions: Sendable {
    /// Where drops arrive.
    public var inbox: String
    /// Where results are written.
    public var outbox: String
    /// Where sources of succeeded jobs go.
    public var archive: String
    /// Where sources of failed jobs go.
    public var failed: String
    /// Upload workers: how many of their API requests are in flight at once.
    public var workers: Int = 4
    /// How many more jobs than `workers` the workers hold (nil: as many again as `workers`, at least 2):
    /// those do the local work before and after their requests while the others' requests run.
    public var localJobs: Int? = nil
    /// The most jobs the workers hold at once: `workers` plus `localJobs`.
    public var jobsInHand: Int { max(1, workers) + (localJobs ?? max(2, workers)) }
    /// How each API request is retried.
    public var retryPolicy: RetryPolicy = RetryPolicy()
    /// How long an earlier upload of the same bytes may be reused.
    public var reuseWindow: Duration = .seconds(7 * 24 * 3600)
    /// At most this many videos being made at once.
    public var videoConcurrency: Int = 10
    /// How long to wait for a video before giving up with `video_timeout`.
    public var videoTimeout: Duration = .seconds(3600)
    /// The first delay between video polls; it grows by half each poll up to `videoPollMax`.
    public var videoPollInitial: Duration = .seconds(5)
    /// The longest delay between video polls.
    public var videoPollMax: Duration = .seconds(60)
    /// How long a sidecar waits for its file before it fails with `orphan_sidecar`.
    public var orphanSidecarTimeout: Duration = .seconds(600)
    /// How long a worker's claim on a job lasts before it must be renewed.
    public var lease: Duration = .seconds(120)
    /// The shortest wait of an idle worker: when a job looks due but cannot be claimed yet.
    public var idlePoll: Duration = .milliseconds(200)
    /// How often an idle worker looks at the queue even though nothing told it of new work, for work that
    /// other processes add (nil: never; with a queue of its own, the daemon hears of all its work).
    public var idleRecheck: Duration? = nil
    /// A job claimed this many times without finishing (a crash loop) fails instead of running again.
    public var maxClaims: Int = 25
    /// A bundle holding more files than this fails as `rejected` before anything is uploaded.
    public var maxBundleFiles: Int = 1000
    /// A file larger than this fails as `too_large` before any byte is sent (the API's `max_bytes` wins when lower).
    public var maxFileBytes: Int64 = 5 * 1024 * 1024 * 1024
    /// Files larger than this go up by the direct flow (begin, `PUT` to storage, complete); smaller ones by
    /// `POST /v3/assets`. At most `MediaType.maxUploadBytes`.
    public var directUploadAboveBytes: Int64 = MediaType.maxUploadBytes
    /// How long a completed direct upload may stay `queued` or `processing` before the job fails.
    public var assetReadyTimeout: Duration = .seconds(1800)
    /// The first wait between polls of an asset that is not ready; it doubles up to `assetPollMax`.
    public var assetPollInitial: Duration = .seconds(1)
    /// The longest wait between polls of an asset that is not ready.
    public var assetPollMax: Duration = .seconds(30)
    /// Which files HeyGen made are downloaded into the outbox.
    public var download: DownloadSelection = .video
    /// The largest file downloaded, in bytes.
    public var downloadMaxBytes: Int64 = 20 << 30
    /// How long a download waits for space on a full outbox before the job fails with `download_failed`.
    public var diskFullTimeout: Duration = .seconds(3600)
    /// How long a job waits between tries while the outbox is full.
    public var diskFullRetry: Duration = .seconds(30)

    /// The watched inboxes by name, each with its folders and job defaults; empty: the one profile `default`
    /// made of the folders above.
    public var profiles: [String: Settings.Profile] = [:]
    /// The rolling window a profile's `max_videos_per_day` counts in.
    public var spendWindow: Duration = .seconds(24 * 3600)

    /// The profile `name`: a configured one, else (the profile `default`, or one no longer configured) the
    /// folders above with no defaults.
    public func profile(named name: String) -> Settings.Profile {
        if let profile = profiles[name] { return profile }
        return Settings.Profile(name: name, inbox: inbox, outbox: outbox, archive: archive, failed: failed)
    }

    /// Options for the given folders, with defaults for the rest.
    public init(inbox: String, outbox: String, archive: String, failed: String) {
        self.inbox = inbox
        self.outbox = outbox
        self.archive = archive
        self.failed = failed
    }
}
