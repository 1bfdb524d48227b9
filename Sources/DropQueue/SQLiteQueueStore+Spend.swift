#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The spend ledger and the counts by profile: `JobQueue`'s calls, on the store's thread pool.
extension SQLiteQueueStore {
    /// See `QueueStore.reserveSpend(job:run:step:profile:units:cap:window:now:)`.
    public func reserveSpend(
        job: JobID, run: Int, step: String, profile: String, units: Int, cap: Int, window: Duration, now: Date
    ) async throws(QueueError) -> SpendDecision {
        try await perform { q throws(QueueError) in
            try q.reserveSpend(
                job: job, run: run, step: step, profile: profile, units: units, cap: cap, window: window, now: now)
        }
    }

    /// See `QueueStore.releaseSpend(job:run:step:)`.
    public func releaseSpend(job: JobID, run: Int, step: String) async throws(QueueError) {
        try await perform { q throws(QueueError) in try q.releaseSpend(job: job, run: run, step: step) }
    }

    /// See `QueueStore.spent(profile:window:now:)`.
    public func spent(profile: String, window: Duration, now: Date) async throws(QueueError) -> Int {
        try await perform { q throws(QueueError) in try q.spent(profile: profile, window: window, now: now) }
    }

    /// See `QueueStore.queuedCount(stage:)`.
    public func queuedCount(stage: String) async throws(QueueError) -> Int {
        try await perform { q throws(QueueError) in try q.queuedCount(stage: stage) }
    }

    /// See `QueueStore.countsByProfile()`.
    public func countsByProfile() async throws(QueueError) -> [String: [String: Int]] {
        try await perform { q throws(QueueError) in try q.countsByProfile() }
    }
}
