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
    let profile: String
    let listLimit: Int

    /// A reader of `queue`; `transfers` are the pipeline's, nil in another process. The counts are labelled
    /// `profile` (they are read from the counts table, which does not split them by profile); each listed job
    /// carries its own profile.
    public init(queue: any QueueStore, transfers: LiveTransfers?, profile: String = "default", listLimit: Int = 20) {
        self.queue = queue
        self.transfers = transfers
        self.profile = profile
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
            counts: JobState.allCases.map { StateCount(profile: profile, state: $0.rawValue, count: counts[$0]) },
            oldestQueuedAgeSeconds: oldest.map { max(0, now.timeIntervalSince($0.createdAt)) },
            inFlight: Array(inFlight), results: results, errors: errors)
    }

    private func inFlightJob(_ job: Job) -> InFlightJob {
        InFlightJob(
            id: job.id.rawValue, profile: job.profile, name: job.sourceName, state: job.state.rawValue, stage: job.stage,
            progress: progressBar(job), createdAt: job.createdAt)
    }

    /// The live transfer's bytes when one runs here; else what the progress record says (files uploaded of
    /// all, or a video being made, whose progress the API does not report).
    private func progressBar(_ job: Job) -> ProgressBar? {
        if let entry = transfers?.entry(job: job.id) {
            let (done, total) = entry.progress.snapshot
            return ProgressBar(step: entry.step, done: Double(done), total: Double(total), unit: "bytes")
        }
        guard let progress = try? JobProgress.decode(job.progress) else { return nil }
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

    private func result(_ job: Job) -> RecentResult {
        let result = (try? JobProgress.decode(job.progress))?.finish?.result
        let agent = result?.videoAgent
        return RecentResult(
            id: job.id.rawValue, profile: job.profile, name: job.sourceName, finishedAt: job.finishedAt,
            videoID: agent?.videoID, thumbnailURL: agent?.thumbnailURL)
    }

    private func error(_ job: Job) -> RecentError {
        let report = QueueReport.RecentError(failedJob: job)
        let message = report.code.map { "\($0): \(report.message)" } ?? report.message
        return RecentError(
            id: job.id.rawValue, profile: job.profile, name: job.sourceName, finishedAt: job.finishedAt, message: message)
    }
}
