import Foundation

/// What the dashboard and `GET /api/jobs` show: the queue's counts, the jobs in flight with their progress,
/// the recent results and the recent errors, as the daemon saw them at `generatedAt`.
///
/// Every string in it may come from an untrusted file name: the page renders them as text only. It never
/// holds the API key (the daemon builds it from the queue's records and results, which never hold it).
public struct DashboardSnapshot: Codable, Sendable, Equatable {
    /// When the snapshot was taken.
    public var generatedAt: Date
    /// How many jobs are in each state, per profile (states with none may be left out).
    public var counts: [StateCount]
    /// How long the oldest queued job has waited, in seconds; nil when none waits.
    public var oldestQueuedAgeSeconds: Double?
    /// Jobs a worker holds or that wait for their video, newest first.
    public var inFlight: [InFlightJob]
    /// Jobs that succeeded, the most recently finished first.
    public var results: [RecentResult]
    /// Jobs that failed, the most recently finished first.
    public var errors: [RecentError]

    /// A snapshot of the given parts.
    public init(
        generatedAt: Date, counts: [StateCount], oldestQueuedAgeSeconds: Double? = nil, inFlight: [InFlightJob] = [],
        results: [RecentResult] = [], errors: [RecentError] = []
    ) {
        self.generatedAt = generatedAt
        self.counts = counts
        self.oldestQueuedAgeSeconds = oldestQueuedAgeSeconds
        self.inFlight = inFlight
        self.results = results
        self.errors = errors
    }
}

/// How many jobs of one profile are in one state.
public struct StateCount: Codable, Sendable, Equatable {
    /// The profile's name.
    public var profile: String
    /// The job state (`queued`, `waiting_video`, `succeeded`, `failed`).
    public var state: String
    /// How many.
    public var count: Int

    /// A count.
    public init(profile: String, state: String, count: Int) {
        self.profile = profile
        self.state = state
        self.count = count
    }
}

/// How far one step of a job has got: `done` of `total` units (bytes, or percent for a video's progress).
public struct ProgressBar: Codable, Sendable, Equatable {
    /// What is measured: `upload`, `video`, `translation` or `download`.
    public var step: String
    /// Units done so far (0...total).
    public var done: Double
    /// Units in all; 0 when not known yet.
    public var total: Double
    /// `bytes` or `percent`.
    public var unit: String

    /// A bar; `done` is clamped to 0...total when the total is known.
    public init(step: String, done: Double, total: Double, unit: String) {
        self.step = step
        self.total = max(0, total)
        self.done = total > 0 ? min(max(0, done), total) : max(0, done)
        self.unit = unit
    }

    /// `done / total`, 0 when the total is not known.
    public var fraction: Double { total > 0 ? done / total : 0 }
}

/// A job in flight.
public struct InFlightJob: Codable, Sendable, Equatable {
    /// The job's id.
    public var id: Int64
    /// Its profile.
    public var profile: String
    /// The source's name in the inbox (untrusted text).
    public var name: String
    /// Its queue state.
    public var state: String
    /// What it is doing (`uploading`, `waiting for video`, ...), if known.
    public var stage: String?
    /// How far the current step has got, if known.
    public var progress: ProgressBar?
    /// Its downloads into the outbox, while it is in the `downloading` phase.
    public var downloads: DownloadsInFlight?
    /// When it was enqueued.
    public var createdAt: Date

    /// A job in flight.
    public init(
        id: Int64, profile: String, name: String, state: String, stage: String?, progress: ProgressBar?,
        downloads: DownloadsInFlight? = nil, createdAt: Date
    ) {
        self.id = id
        self.profile = profile
        self.name = name
        self.state = state
        self.stage = stage
        self.progress = progress
        self.downloads = downloads
        self.createdAt = createdAt
    }
}

/// A job that succeeded.
public struct RecentResult: Codable, Sendable, Equatable {
    /// The job's id.
    public var id: Int64
    /// Its profile.
    public var profile: String
    /// The source's name (untrusted text).
    public var name: String
    /// When it finished.
    public var finishedAt: Date?
    /// The video's id, when one was made.
    public var videoID: String?
    /// The video's thumbnail (an `http(s)` URL), when known.
    public var thumbnailURL: String?
    /// Where the downloaded video (or first downloaded file) is, when one was downloaded.
    public var downloadedPath: String?
    /// Where the result JSON is.
    public var resultPath: String?

    /// A result.
    public init(
        id: Int64, profile: String, name: String, finishedAt: Date?, videoID: String? = nil,
        thumbnailURL: String? = nil, downloadedPath: String? = nil, resultPath: String? = nil
    ) {
        self.id = id
        self.profile = profile
        self.name = name
        self.finishedAt = finishedAt
        self.videoID = videoID
        self.thumbnailURL = thumbnailURL
        self.downloadedPath = downloadedPath
        self.resultPath = resultPath
    }
}

/// A job that failed.
public struct RecentError: Codable, Sendable, Equatable {
    /// The job's id.
    public var id: Int64
    /// Its profile.
    public var profile: String
    /// The source's name (untrusted text).
    public var name: String
    /// When it finished.
    public var finishedAt: Date?
    /// The error's message, one line.
    public var message: String

    /// An error.
    public init(id: Int64, profile: String, name: String, finishedAt: Date?, message: String) {
        self.id = id
        self.profile = profile
        self.name = name
        self.finishedAt = finishedAt
        self.message = message
    }
}
