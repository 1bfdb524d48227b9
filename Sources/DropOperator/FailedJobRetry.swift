import DropQueue
import Foundation
import SystemSupport
import DropPipeline
import DropSettings

/// `heygen-dropd retry`: puts failed jobs back in the queue and brings their sources back from failed/.
///
/// Safe while a daemon runs. For each job, everything is checked first (the job is failed, its files are
/// still where it left them in failed/, their names are free in the inbox, no other job works on that name);
/// then the job is requeued — due a little later, with fresh progress so its uploads get new idempotency
/// keys (a translation keeps its completed languages and their downloads: only the failed ones are made
/// again) — and only then are the files moved back (sidecars first, then the file or bundle), never
/// overwriting anything. The daemon's watcher sees them come back; the queue already holds their job. The
/// job's old result in the outbox stays until the retried job finishes and replaces it.
public struct FailedJobRetry: Sendable {
    let queue: any QueueStore
    let inbox: String
    /// Each profile's inbox, by profile name.
    let inboxes: [String: String]
    let orphanSidecarTimeout: Duration
    /// How long after its files are back a requeued job becomes due.
    public var delay: Duration = .seconds(2)
    /// How long after the requeue the job becomes due if its files were never confirmed back.
    static let safetyDelay: Duration = .seconds(60)

    /// A retry against `queue`, bringing files back into the inbox of `settings`.
    public init(queue: any QueueStore, settings: Settings) {
        self.queue = queue
        self.inbox = settings.inbox
        self.inboxes = Dictionary(settings.profiles.map { ($0.name, $0.inbox) }, uniquingKeysWith: { first, _ in first })
        self.orphanSidecarTimeout = settings.orphanSidecarTimeout
    }

    /// What became of one job.
    public enum Outcome: Sendable, Equatable {
        /// Requeued; these names came back into the inbox (the source first named).
        case retried([String])
        /// Left alone: there is nothing to bring back (its source vanished, or is gone from failed/).
        case skipped
        /// Not retried: unknown, not failed, a name clash, or the files could not be brought back.
        case refused
    }

    /// One job's outcome and the line that tells the operator about it.
    public struct Report: Sendable, Equatable {
        /// The job asked for.
        public var id: JobID
        /// What happened.
        public var outcome: Outcome
        /// One line for the operator, starting with `job ID`.
        public var line: String
    }

    /// Retries one job; see the type's description for the steps.
    public func retry(_ id: JobID, now: Date = Date()) async throws -> Report {
        guard let job = try await queue.job(id) else {
            return Report(id: id, outcome: .refused, line: "job \(id): no such job")
        }
        let label = "job \(id) \(job.sourceName)"
        // Back into the inbox of the job's profile.
        let inbox = inboxes[job.profile] ?? self.inbox
        guard job.state == .failed else {
            return Report(id: id, outcome: .refused, line: "\(label): not retried: it is \(job.state.rawValue), not failed")
        }
        guard job.jobKind != .unreadableName else {
            return Report(
                id: id, outcome: .refused,
                line: "\(label): not retried: its name was not valid UTF-8; drop the file from failed/ again under a new name")
        }
        let progress: JobProgress
        do {
            progress = try JobProgress.decode(job.progress)
        } catch {
            return Report(id: id, outcome: .refused, line: "\(label): not retried: \(error)")
        }
        guard let plan = progress.finish, let main = plan.moves.first else {
            return Report(id: id, outcome: .skipped, line: "\(label): nothing to bring back: no record of where its files went")
        }
        guard plan.result.source.movedTo != nil else {
            return Report(
                id: id, outcome: .skipped,
                line: "\(label): nothing to bring back: its source had vanished from the inbox before it failed")
        }
        guard FileIO.exists(main.to) else {
            return Report(id: id, outcome: .skipped, line: "\(label): nothing to bring back: \(main.to) is gone")
        }
        // Sidecars first, so the file finds them when it is picked up; then the file or bundle itself.
        let returning = plan.moves.dropFirst().filter { FileIO.exists($0.to) } + [main]
        let back = returning.map { move in
            // failed/ is the daemon's own folder: what is there now is what goes back.
            PlannedMove(
                from: move.to, to: "\(inbox)/\((move.from as NSString).lastPathComponent)",
                identity: SourceMover.identity(at: move.to))
        }
        let names = back.map { ($0.to as NSString).lastPathComponent }
        if let taken = back.first(where: { FileIO.exists($0.to) }) {
            return Report(
                id: id, outcome: .refused,
                line: "\(label): not retried: \((taken.to as NSString).lastPathComponent) is already in the inbox")
        }
        if let other = try await queue.activeJob(sourceName: job.sourceName) {
            return Report(
                id: id, outcome: .refused, line: "\(label): not retried: job \(other.id) is already working on that name")
        }
        // Due only well after the files are back: were this command stopped between the requeue and the moves,
        // the job still runs, later. Once the files are back it is made due at `delay`.
        let wait = job.jobKind == .sidecar ? orphanSidecarTimeout : max(delay, Self.safetyDelay)
        let fresh = progress.retried()
        guard
            try await queue.requeue(
                id, sourceName: job.sourceName, progress: fresh.encoded(), stage: nil, notBefore: now.addingTimeInterval(wait.seconds),
                now: now)
        else {
            return Report(
                id: id, outcome: .refused, line: "\(label): not retried: another job took that name or it is no longer failed")
        }
        do {
            if try SourceMover.execute(back) == .destinationTaken {
                throw FileIOError("a file of the same name appeared in the inbox meanwhile")
            }
        } catch {
            let left = back.filter { FileIO.exists($0.from) }.map(\.from)
            return Report(
                id: id, outcome: .refused,
                line: "\(label): requeued, but \(left.joined(separator: ", ")) could not be brought back (\(error)); "
                    + "put them in the inbox under their old names within \(Int(wait.seconds)) s or the job fails as vanished")
        }
        if job.jobKind != .sidecar {
            _ = try await queue.reschedule(id, notBefore: Date().addingTimeInterval(delay.seconds))
        }
        let returned = names.suffix(1) + names.dropLast()  // the source first, then its sidecars
        return Report(
            id: id, outcome: .retried(Array(returned)),
            line: "\(label): back in the queue; \(returned.joined(separator: ", ")) returned to the inbox")
    }

    /// Retries every failed job (of `profile`, or of every profile when nil), newest first. When several
    /// failed jobs of a profile share a source name, only the newest is retried; the older ones are skipped.
    public func retryAllFailed(profile: String? = nil, now: Date = Date()) async throws -> [Report] {
        var reports: [Report] = []
        var retriedNames: [String: JobID] = [:]
        for job in try await queue.jobs(state: .failed, limit: Int(Int32.max), profile: profile) {
            let key = "\(job.profile)/\(job.sourceName)"
            if let newer = retriedNames[key] {
                reports.append(
                    Report(
                        id: job.id, outcome: .skipped,
                        line: "job \(job.id) \(job.sourceName): skipped: the newer job \(newer) of that name was retried"))
                continue
            }
            let report = try await retry(job.id, now: now)
            if case .retried = report.outcome { retriedNames[key] = job.id }
            reports.append(report)
        }
        return reports
    }
}
