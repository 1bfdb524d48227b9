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

    /// Claims at the time now (leases measured at `leaseNow`, default now), fair between `profiles` when
    /// two or more are given; see `claim(owner:states:lease:limit:now:leaseNow:profiles:)`.
    public func claim(
        owner: String, states: Set<JobState> = [.queued], lease: Duration, limit: Int = 1, leaseNow: Date? = nil,
        profiles: [String] = []
    ) async throws(QueueError) -> [Job] {
        try await claim(
            owner: owner, states: states, lease: lease, limit: limit, now: Date(), leaseNow: leaseNow,
            profiles: profiles)
    }

    /// Claims oldest due first, whatever the profile; see `claim(owner:states:lease:limit:now:leaseNow:profiles:)`.
    public func claim(
        owner: String, states: Set<JobState>, lease: Duration, limit: Int, now: Date, leaseNow: Date?
    ) async throws(QueueError) -> [Job] {
        try await claim(owner: owner, states: states, lease: lease, limit: limit, now: now, leaseNow: leaseNow, profiles: [])
    }

    /// The active job for that source name of the profile `default`.
    public func activeJob(sourceName: String) async throws(QueueError) -> Job? {
        try await activeJob(sourceName: sourceName, profile: JobQueue.defaultProfile)
    }

    /// Up to `limit` jobs of every profile, newest first, of one state or (nil) of all states.
    public func jobs(state: JobState?, limit: Int) async throws(QueueError) -> [Job] {
        try await jobs(state: state, limit: limit, profile: nil)
    }

    /// Reserves spend at the time now; see `reserveSpend(job:run:step:profile:units:cap:window:now:)`.
    public func reserveSpend(
        job: JobID, run: Int, step: String, profile: String, units: Int, cap: Int, window: Duration
    ) async throws(QueueError) -> SpendDecision {
        try await reserveSpend(
            job: job, run: run, step: step, profile: profile, units: units, cap: cap, window: window, now: Date())
    }

    /// The units `profile` recorded within `window` before now.
    public func spent(profile: String, window: Duration) async throws(QueueError) -> Int {
        try await spent(profile: profile, window: window, now: Date())
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

