#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The calls with the usual defaults: the time now, one queued job at a time.
extension QueueStore {
    /// Enqueues jobs at the time now.
    public func enqueue(_ jobs: [NewJob]) async throws(QueueError) -> [EnqueueOutcome] {
        try await enqueue(jobs, now: Date())
    }

    /// Enqueues one job; see `enqueue(_:now:)`.
    public func enqueue(_ job: NewJob, now: Date = Date()) async throws(QueueError) -> EnqueueOutcome {
        try await enqueue([job], now: now)[0]
    }

    /// Claims at the time now (leases measured at `leaseNow`, default now); see `claim(owner:states:...)`.
    public func claim(
        owner: String, states: Set<JobState> = [.queued], lease: Duration, limit: Int = 1, leaseNow: Date? = nil
    ) async throws(QueueError) -> [Job] {
        try await claim(owner: owner, states: states, lease: lease, limit: limit, now: Date(), leaseNow: leaseNow)
    }

    /// Renews at the time now.
    public func renewLease(_ id: JobID, token: String, lease: Duration) async throws(QueueError) -> Bool {
        try await renewLease(id, token: token, lease: lease, now: Date())
    }

    /// Saves at the time now.
    public func save(_ id: JobID, token: String, stage: String?, progress: Data?, attempts: Int) async throws(QueueError) {
        try await save(id, token: token, stage: stage, progress: progress, attempts: attempts, now: Date())
    }

    /// Releases at the time now.
    public func release(
        _ id: JobID, token: String, to state: JobState, nextAttemptAt: Date, stage: String?, progress: Data?,
        attempts: Int, lastError: String?
    ) async throws(QueueError) {
        try await release(
            id, token: token, to: state, nextAttemptAt: nextAttemptAt, stage: stage, progress: progress,
            attempts: attempts, lastError: lastError, now: Date())
    }

    /// Finishes at the time now.
    public func finish(
        _ id: JobID, token: String, as state: JobState, stage: String?, progress: Data?, attempts: Int,
        lastError: String?
    ) async throws(QueueError) {
        try await finish(
            id, token: token, as: state, stage: stage, progress: progress, attempts: attempts, lastError: lastError,
            now: Date())
    }

    /// Finishes many at the time now.
    public func finish(_ items: [(id: JobID, token: String, state: JobState)]) async throws(QueueError) {
        try await finish(items, now: Date())
    }

    /// Counts at the time now.
    public func counts() async throws(QueueError) -> QueueCounts {
        try await counts(now: Date())
    }

    /// Reschedules at the time now.
    public func reschedule(_ id: JobID, notBefore: Date) async throws(QueueError) -> Bool {
        try await reschedule(id, notBefore: notBefore, now: Date())
    }

    /// Requeues at the time now.
    public func requeue(
        _ id: JobID, sourceName: String, progress: Data?, stage: String? = nil, notBefore: Date
    ) async throws(QueueError) -> Bool {
        try await requeue(id, sourceName: sourceName, progress: progress, stage: stage, notBefore: notBefore, now: Date())
    }
}

