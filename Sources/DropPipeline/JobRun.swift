import DropQueue
import Foundation
import Logging
import Synchronization

/// One job being worked on: the claimed record and what has been learned since.
struct JobRun {
    let job: Job
    var progress: JobProgress
    /// Why the saved progress could not be read, when it could not: the job fails rather than start over.
    let progressUnreadable: ProgressUnreadable?
    var attempts: Int
    /// The stage label the queue shows for the job.
    var stage: String?
    /// The inbox folder's descriptor, once opened in this run.
    var inbox: InboxEntry?
    /// The file opened by this run's checks (a file job): its upload reads this descriptor.
    var openFile: InboxEntry?
    /// The bundle folder opened by this run's checks or uploads (a bundle job): members are opened through it.
    var bundle: InboxEntry?
    /// The lease token of the claim this run works under.
    let token: String
    /// When upload progress was last saved (saves during uploads are coalesced).
    var lastUploadSave: ContinuousClock.Instant?
    /// The phase the job was in when its outcome was given, until the outcome is saved: a job handed back
    /// before its plan is saved goes back to it (never to `finishing` without a plan).
    var phaseBeforeVerdict: JobPhase?
    /// The video's status from this round's bulk status request, when one answered for it: a video still in
    /// the making is not asked after on its own.
    var bulkVideoStatus: String?

    init(job: Job) {
        self.job = job
        self.token = job.leaseToken ?? ""
        do {
            self.progress = try JobProgress.decode(job.progress)
            self.progressUnreadable = nil
        } catch {
            self.progress = JobProgress()
            self.progressUnreadable = error
        }
        self.attempts = job.attempts
        self.stage = job.stage
    }

    /// The progress record to store: what the run learned, or, while the saved record could not be read and
    /// no outcome is saved yet, that record unchanged (a hand-back never turns it into a fresh start).
    func progressRecord() -> Data? {
        if progressUnreadable != nil, progress.finish == nil { return job.progress }
        var record = progress
        if record.phase == .finishing, record.finish == nil, let before = phaseBeforeVerdict { record.phase = before }
        return record.encoded()
    }

    /// The logger with this job's metadata.
    func logger(_ base: Logger) -> Logger {
        var logger = base
        logger[metadataKey: "job"] = "\(job.id.rawValue)"
        logger[metadataKey: "file"] = "\(job.sourceName)"
        return logger
    }
}

/// Thrown when a file changed between its checks and its upload, or while it was read: check it again.
struct SourceChanged: Error, Sendable {}

/// Counts API requests made by one retried call.
final class AttemptCounter: Sendable {
    private let count = Atomic<Int>(0)
    func increment() { count.add(1, ordering: .relaxed) }
    var value: Int { count.load(ordering: .relaxed) }
}
