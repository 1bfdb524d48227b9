import DropQueue
import Foundation
import Logging
import SystemSupport

/// Clears the progress records of jobs that finished more than `retention` ago (their rows stay, so `jobs`
/// still lists them), at start and then every `interval`, a batch at a time, so the database does not grow
/// with every job ever done.
package struct ProgressPruner: Sendable {
    package let queue: any QueueStore
    package let retention: Duration
    package var interval: Duration = .seconds(3600)
    package let logger: Logger

    /// A pruner clearing the progress of jobs finished more than `retention` ago, every `interval`.
    package init(queue: any QueueStore, retention: Duration, interval: Duration = .seconds(3600), logger: Logger) {
        self.queue = queue
        self.retention = retention
        self.interval = interval
        self.logger = logger
    }

    /// Runs until cancelled; a failing database is logged and tried again at the next round.
    package func run() async {
        while !Task.isCancelled {
            await pruneOnce()
            do {
                try await Task.sleep(for: interval)
            } catch {
                return
            }
        }
    }

    /// Prunes everything due now, in batches; returns how many records were cleared.
    @discardableResult
    package func pruneOnce(now: Date = Date()) async -> Int {
        let cutoff = now.addingTimeInterval(-retention.seconds)
        var total = 0
        do {
            while !Task.isCancelled {
                let cleared = try await queue.pruneProgress(finishedBefore: cutoff, limit: 500, now: now)
                total += cleared
                if cleared < 500 { break }
            }
        } catch {
            logger.warning("cannot prune old progress records: \(error)")
        }
        if total > 0 {
            logger.debug("pruned progress records of finished jobs", metadata: ["jobs": "\(total)"])
        }
        return total
    }
}
