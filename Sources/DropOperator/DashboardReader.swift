import DropHTTP
import DropPipeline
import DropQueue
import Foundation
import NIOPosix

/// Builds what the dashboard, `GET /api/jobs` and `status --watch` show from the queue's operator queries
/// and the jobs' progress records, with the live byte counts of the transfers in flight when this process
/// runs them.
///
/// Bounded however large the queue: the counts come from the counts table, and each list reads at most
/// `listLimit` jobs. The queue store keeps its blocking work off the cooperative pool.
public struct DashboardReader: Sendable {
    package let queue: any QueueStore
    let transfers: LiveTransfers?
    let profiles: [String]
    let listLimit: Int

    /// A reader of `queue`; `transfers` are the pipeline's, nil in another process. `profiles` are the
    /// configured profiles' names: each gets a count for every state (zero when it has no jobs). With one
    /// profile the counts come from the counts table; with several, from a grouped read of the jobs (by the
    /// profile-and-state index). Each listed job carries its own profile.
    public init(
        queue: any QueueStore, transfers: LiveTransfers?, profiles: [String] = [JobQueue.defaultProfile],
        listLimit: Int = 20
    ) {
        self.queue = queue
        self.transfers = transfers
        self.profiles = profiles.isEmpty ? [JobQueue.defaultProfile] : profiles
        self.listLimit = listLimit
    }

    /// The job states, in the order the views list them.
    public static let states = JobState.allCases.map(\.rawValue)

    /// The snapshot now. Throws `QueueError` when the queue does not answer.
    public func read(now: Date = Date()) async throws -> DashboardSnapshot {
        let counts = try await queue.counts(now: now)
        let oldest = try await queue.oldestWaiting()
        // Jobs in hand are at most the workers; jobs waiting for their video at most the video slots.
        let working = try await queue.jobsInHand(now: now, limit: listLimit)
        let waiting = try await queue.jobs(state: .waitingVideo, limit: listLimit)
        let inFlight = (working + waiting).prefix(listLimit).map(inFlightJob)
        let results = try await queue.jobs(state: .succeeded, limit: listLimit).map(result)
        let errors = try await queue.recentFailures(limit: listLimit).map(error)
        return DashboardSnapshot(
            generatedAt: now,
            counts: try await stateCounts(counts),
            oldestQueuedAgeSeconds: oldest.map { max(0, now.timeIntervalSince($0.createdAt)) },
            inFlight: Array(inFlight), results: results, errors: errors)
    }

    /// Every configured profile's count in every state (and any other profile that has jobs).
    private func stateCounts(_ counts: QueueCounts) async throws -> [StateCount] {
        if profiles.count == 1, let only = profiles.first {
            return JobState.allCases.map { StateCount(profile: only, state: $0.rawValue, count: counts[$0]) }
        }
        let byProfile = try await queue.countsByProfile()
        return Set(profiles).union(byProfile.keys).sorted().flatMap { profile in
            JobState.allCases.map {
                StateCount(profile: profile, state: $0.rawValue, count: byProfile[profile]?[$0.rawValue] ?? 0)
            }
        }
    }

    private func inFlightJob(_ job: Job) -> InFlightJob {
        let progress = try? JobProgress.decode(job.progress)
        let downloads = progress.flatMap(Self.downloads)
        return InFlightJob(
            id: job.id.rawValue, profile: job.profile, name: job.sourceName, state: job.state.rawValue, stage: job.stage,
            progress: progressBar(job, progress, downloads), downloads: downloads, createdAt: job.createdAt)
    }

    /// The live transfer's bytes when one runs here; else what the progress record says (files uploaded of
    /// all, files downloaded of all, or a video being made, whose progress the API does not report).
    private func progressBar(_ job: Job, _ progress: JobProgress?, _ downloads: DownloadsInFlight?) -> ProgressBar? {
        if let entry = transfers?.entry(job: job.id) {
            let (done, total) = entry.progress.snapshot
            return ProgressBar(step: entry.step, done: Double(done), total: Double(total), unit: "bytes")
        }
        if let downloads {
            return ProgressBar(
                step: "download", done: Double(downloads.filesDone), total: Double(downloads.filesTotal), unit: "files")
        }
        guard let progress else { return nil }
        switch progress.phase {
        case .uploading where !progress.files.isEmpty:
            let uploaded = progress.files.filter { $0.assetID != nil }.count
            return ProgressBar(step: "upload", done: Double(uploaded), total: Double(progress.files.count), unit: "files")
        case .creatingVideo, .waitingForVideo, .awaitingSlot:
            return ProgressBar(step: "video", done: 0, total: 0, unit: "percent")
        default:
            return nil
        }
    }

    /// What the saved record says of the downloads of a job in its `downloading` phase; nil in any other.
    static func downloads(_ progress: JobProgress) -> DownloadsInFlight? {
        guard progress.phase == .downloading, let plan = progress.downloads, !plan.items.isEmpty else { return nil }
        let done = plan.items.compactMap(\.done)
        return DownloadsInFlight(
            filesDone: done.count, filesTotal: plan.items.count, bytesDone: done.map(\.sizeBytes).reduce(0, +),
            current: plan.items.first { $0.done == nil }?.kind.rawValue, waitingForSpaceSince: plan.diskFullSince)
    }

    private func result(_ job: Job) -> RecentResult {
        let result = (try? JobProgress.decode(job.progress))?.finish?.result
        let agent = result?.videoAgent
        return RecentResult(
            id: job.id.rawValue, profile: job.profile, name: job.sourceName, finishedAt: job.finishedAt,
            videoID: agent?.videoID, thumbnailURL: agent?.thumbnailURL, downloadedPath: Self.downloadedPath(result))
    }

    /// The path of the downloaded video in the outbox (of the first translation's, for a translation), else
    /// of the first file downloaded; nil when nothing was.
    static func downloadedPath(_ result: JobResult?) -> String? {
        let downloads = result?.downloads ?? []
        return (downloads.first { $0.kind == .video } ?? downloads.first)?.path
    }

    private func error(_ job: Job) -> RecentError {
        let report = QueueReport.RecentError(failedJob: job)
        let message = report.code.map { "\($0): \(report.message)" } ?? report.message
        return RecentError(
            id: job.id.rawValue, profile: job.profile, name: job.sourceName, finishedAt: job.finishedAt, message: message)
    }
}
