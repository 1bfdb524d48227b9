import DropQueue
import HeyGenAPI
import Logging
import Synchronization

/// The transfers in flight right now, by job: what the dashboard and `status --watch` show as a progress
/// bar (bytes sent of the file's size). Kept in memory only; the queue's progress record stays as it was.
///
/// A transfer of at least `loggedAbove` bytes (its size known at the start, or learned on the way, as a
/// download's is) also logs its percentage at info level, at most once every `logEvery`, so a long upload or
/// download shows it is moving in the journal too. Thread-safe.
public final class LiveTransfers: Sendable {
    /// One transfer in flight.
    public struct Entry: Sendable {
        /// `upload` or `download`.
        public var step: String
        /// The file's name (untrusted text).
        public var name: String
        /// How far it has got.
        public var progress: TransferProgress
    }

    private let entries = Mutex<[JobID: Entry]>([:])
    private let loggedAbove: Int64
    private let logEvery: Duration

    /// An empty table; transfers of `loggedAbove` bytes or more log their percentage every `logEvery` at most.
    public init(loggedAbove: Int64 = 16 << 20, logEvery: Duration = .seconds(5)) {
        self.loggedAbove = loggedAbove
        self.logEvery = logEvery
    }

    /// Starts following a transfer of `total` bytes of `name` for `job` (replacing any earlier one of that
    /// job); returns the progress for the client to move. End it with `end(job:)`.
    public func begin(job: JobID, step: String, name: String, total: Int64, logger: Logger) -> TransferProgress {
        // The size may be learned later (a download's, from the file host's answer): checked at each advance.
        let loggedAbove = self.loggedAbove
        let throttle = PercentLog(every: logEvery)
        let onAdvance: @Sendable (Int64, Int64) -> Void = { done, total in
            guard total >= loggedAbove, let percent = throttle.due(done: done, total: total) else { return }
            logger.info("\(step) \(percent)%", metadata: ["file": "\(name)", "bytes": "\(done)", "size": "\(total)"])
        }
        let progress = TransferProgress(total: total, onAdvance: onAdvance)
        entries.withLock { $0[job] = Entry(step: step, name: name, progress: progress) }
        return progress
    }

    /// Stops following `job`'s transfer.
    public func end(job: JobID) {
        _ = entries.withLock { $0.removeValue(forKey: job) }
    }

    /// The transfer of `job` in flight, if any.
    public func entry(job: JobID) -> Entry? {
        entries.withLock { $0[job] }
    }
}

/// When a transfer's percentage is due in the log: once `every` has passed since the start or the last line,
/// never twice for the same percentage, and at 100% when an earlier line was logged.
final class PercentLog: Sendable {
    private let state: Mutex<(last: ContinuousClock.Instant, percent: Int)>
    private let every: Duration

    /// A log of a transfer starting at `start`.
    init(every: Duration, start: ContinuousClock.Instant = .now) {
        self.every = every
        state = Mutex((start, -1))
    }

    /// The percentage to log now, or nil when it is not due.
    func due(done: Int64, total: Int64, now: ContinuousClock.Instant = .now) -> Int? {
        guard total > 0 else { return nil }
        let percent = Int(min(100, max(0, done) * 100 / total))
        return state.withLock { state in
            guard percent != state.percent else { return nil }
            let finishing = percent == 100 && state.percent >= 0
            guard finishing || state.last.duration(to: now) >= every else { return nil }
            state = (now, percent)
            return percent
        }
    }
}
