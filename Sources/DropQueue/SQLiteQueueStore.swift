import Logging
import NIOPosix
import Synchronization
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The queue in one SQLite file on this host (the default): `JobQueue`'s synchronous calls, run on a NIO
/// thread pool so that a wait for SQLite's write lock (up to its 5 s busy timeout) never holds one of the
/// cooperative pool's threads.
///
/// One daemon owns the file (under the daemon's lock), so `recoverAbandonedLeases` frees every lease, and
/// the video slots being created are counted in this process, beside the jobs waiting for their video.
public final class SQLiteQueueStore: QueueStore {
    /// The synchronous queue underneath (for tests and tools that run off the cooperative pool already).
    public let queue: JobQueue
    private let threadPool: NIOThreadPool
    private let creating = Mutex<Set<String>>([])

    /// Opens or creates the database file at `path` (on the thread pool); see `JobQueue.init(path:logger:)`.
    public static func open(
        path: String, logger: Logger, threadPool: NIOThreadPool = .singleton
    ) async throws(QueueError) -> SQLiteQueueStore {
        let queue = try await run(on: threadPool, path: path) { () throws(QueueError) in
            try JobQueue(path: path, logger: logger)
        }
        return SQLiteQueueStore(queue: queue, threadPool: threadPool)
    }

    /// Serves an open queue; its calls run on `threadPool` (default: NIO's shared pool).
    public init(queue: JobQueue, threadPool: NIOThreadPool = .singleton) {
        self.queue = queue
        self.threadPool = threadPool
    }

    /// The database file's path.
    public var location: String { queue.path }

    /// Runs `body` on the thread pool; its `QueueError` comes back as is.
    private static func run<T: Sendable>(
        on pool: NIOThreadPool, path: String, _ body: @escaping @Sendable () throws(QueueError) -> T
    ) async throws(QueueError) -> T {
        do {
            return try await pool.runIfActive { () throws -> T in try body() }
        } catch let error as QueueError {
            throw error
        } catch {
            throw .unavailable(location: path, message: "the queue's thread pool is not running")
        }
    }

    private func run<T: Sendable>(_ body: @escaping @Sendable (JobQueue) throws(QueueError) -> T) async throws(QueueError) -> T {
        let queue = self.queue
        return try await Self.run(on: threadPool, path: queue.path) { () throws(QueueError) -> T in try body(queue) }
    }

    /// Runs `body` with the queue on the thread pool (for the store's extensions).
    func perform<T: Sendable>(_ body: @escaping @Sendable (JobQueue) throws(QueueError) -> T) async throws(QueueError) -> T {
        try await run(body)
    }

    /// See `QueueStore.enqueue(_:now:)`.
    public func enqueue(_ jobs: [NewJob], now: Date) async throws(QueueError) -> [EnqueueOutcome] {
        try await run { q throws(QueueError) in try q.enqueue(jobs, now: now) }
    }

    /// See `QueueStore.claim(owner:states:lease:limit:now:leaseNow:profiles:)`.
    public func claim(
        owner: String, states: Set<JobState>, lease: Duration, limit: Int, now: Date, leaseNow: Date?,
        profiles: [String]
    ) async throws(QueueError) -> [Job] {
        try await run { q throws(QueueError) in
            try q.claim(
                owner: owner, states: states, lease: lease, limit: limit, now: now, leaseNow: leaseNow, profiles: profiles)
        }
    }

    /// See `QueueStore.nextClaimableAt(states:)`.
    public func nextClaimableAt(states: Set<JobState>) async throws(QueueError) -> Date? {
        try await run { q throws(QueueError) in try q.nextClaimableAt(states: states) }
    }

    /// See `QueueStore.renewLease(_:token:lease:now:)`.
    public func renewLease(_ id: JobID, token: String, lease: Duration, now: Date) async throws(QueueError) -> Bool {
        try await run { q throws(QueueError) in try q.renewLease(id, token: token, lease: lease, now: now) }
    }

    /// See `QueueStore.save(_:token:stage:progress:attempts:now:)`.
    public func save(
        _ id: JobID, token: String, stage: String?, progress: Data?, attempts: Int, now: Date
    ) async throws(QueueError) {
        try await run { q throws(QueueError) in
            try q.save(id, token: token, stage: stage, progress: progress, attempts: attempts, now: now)
        }
    }

    /// See `QueueStore.release(_:token:to:nextAttemptAt:stage:progress:attempts:lastError:now:)`.
    public func release(
        _ id: JobID, token: String, to state: JobState, nextAttemptAt: Date, stage: String?, progress: Data?,
        attempts: Int, lastError: String?, now: Date
    ) async throws(QueueError) {
        try await run { q throws(QueueError) in
            try q.release(
                id, token: token, to: state, nextAttemptAt: nextAttemptAt, stage: stage, progress: progress,
                attempts: attempts, lastError: lastError, now: now)
        }
    }

    /// See `QueueStore.finish(_:token:as:stage:progress:attempts:lastError:now:)`.
    public func finish(
        _ id: JobID, token: String, as state: JobState, stage: String?, progress: Data?, attempts: Int,
        lastError: String?, now: Date
    ) async throws(QueueError) {
        try await run { q throws(QueueError) in
            try q.finish(
                id, token: token, as: state, stage: stage, progress: progress, attempts: attempts,
                lastError: lastError, now: now)
        }
    }

    /// See `QueueStore.finish(_:now:)`.
    public func finish(_ items: [(id: JobID, token: String, state: JobState)], now: Date) async throws(QueueError) {
        let items = items.map { FinishItem(id: $0.id, token: $0.token, state: $0.state) }
        try await run { q throws(QueueError) in
            try q.finish(items.map { (id: $0.id, token: $0.token, state: $0.state) }, now: now)
        }
    }

    /// Frees every lease: under the daemon's lock, the file has one daemon, so any lease is a previous run's.
    public func recoverAbandonedLeases(ownerPrefix: String, now: Date) async throws(QueueError) -> Int {
        try await run { q throws(QueueError) in try q.recoverAbandonedLeases(now: now) }
    }

    /// Takes a slot when the jobs waiting for their video plus the slots this process holds are fewer than
    /// `limit`. The slots live in this process (a crash frees them); `lease` is not needed here.
    public func acquireVideoSlot(owner: String, limit: Int, lease: Duration, now: Date) async throws(QueueError) -> VideoSlot? {
        let waiting = try await counts(now: now)[.waitingVideo]
        let token = JobQueue.newLeaseToken()
        let taken = creating.withLock { held in
            guard waiting + held.count < limit else { return false }
            held.insert(token)
            return true
        }
        return taken ? VideoSlot(token: token) : nil
    }

    /// Gives back a slot of this process.
    public func releaseVideoSlot(_ slot: VideoSlot) async throws(QueueError) {
        _ = creating.withLock { $0.remove(slot.token) }
    }

    /// See `QueueStore.asset(sha256:notOlderThan:)`.
    public func asset(sha256: String, notOlderThan: Date) async throws(QueueError) -> AssetRecord? {
        try await run { q throws(QueueError) in try q.asset(sha256: sha256, notOlderThan: notOlderThan) }
    }

    /// See `QueueStore.recordAsset(_:)`.
    public func recordAsset(_ asset: AssetRecord) async throws(QueueError) {
        try await run { q throws(QueueError) in try q.recordAsset(asset) }
    }

    /// See `QueueStore.job(_:)`.
    public func job(_ id: JobID) async throws(QueueError) -> Job? {
        try await run { q throws(QueueError) in try q.job(id) }
    }

    /// See `QueueStore.activeJob(sourceName:profile:)`.
    public func activeJob(sourceName: String, profile: String) async throws(QueueError) -> Job? {
        try await run { q throws(QueueError) in try q.activeJob(sourceName: sourceName, profile: profile) }
    }

    /// See `QueueStore.finishedTwin(of:)`.
    public func finishedTwin(of job: Job) async throws(QueueError) -> Job? {
        try await run { q throws(QueueError) in try q.finishedTwin(of: job) }
    }

    /// See `QueueStore.jobs(state:limit:profile:)`.
    public func jobs(state: JobState?, limit: Int, profile: String?) async throws(QueueError) -> [Job] {
        try await run { q throws(QueueError) in try q.jobs(state: state, limit: limit, profile: profile) }
    }

    /// See `QueueStore.queuedJobs(stage:limit:)`.
    public func queuedJobs(stage: String, limit: Int) async throws(QueueError) -> [Job] {
        try await run { q throws(QueueError) in try q.queuedJobs(stage: stage, limit: limit) }
    }

    /// See `QueueStore.jobsInHand(now:limit:)`.
    public func jobsInHand(now: Date, limit: Int) async throws(QueueError) -> [Job] {
        try await run { q throws(QueueError) in try q.jobsInHand(now: now, limit: limit) }
    }

    /// See `QueueStore.counts(now:)`.
    public func counts(now: Date) async throws(QueueError) -> QueueCounts {
        try await run { q throws(QueueError) in try q.counts(now: now) }
    }

    /// See `QueueStore.oldestWaiting()`.
    public func oldestWaiting() async throws(QueueError) -> Job? {
        try await run { q throws(QueueError) in try q.oldestWaiting() }
    }

    /// See `QueueStore.recentFailures(limit:)`.
    public func recentFailures(limit: Int) async throws(QueueError) -> [Job] {
        try await run { q throws(QueueError) in try q.recentFailures(limit: limit) }
    }

    /// See `QueueStore.requeue(_:sourceName:progress:stage:notBefore:now:)`.
    public func requeue(
        _ id: JobID, sourceName: String, progress: Data?, stage: String?, notBefore: Date, now: Date
    ) async throws(QueueError) -> Bool {
        try await run { q throws(QueueError) in
            try q.requeue(id, sourceName: sourceName, progress: progress, stage: stage, notBefore: notBefore, now: now)
        }
    }

    /// See `QueueStore.reschedule(_:notBefore:now:)`.
    public func reschedule(_ id: JobID, notBefore: Date, now: Date) async throws(QueueError) -> Bool {
        try await run { q throws(QueueError) in try q.reschedule(id, notBefore: notBefore, now: now) }
    }

    /// See `QueueStore.delete(_:)`.
    public func delete(_ id: JobID) async throws(QueueError) {
        try await run { q throws(QueueError) in try q.delete(id) }
    }

    /// See `QueueStore.pruneProgress(finishedBefore:limit:now:)`.
    public func pruneProgress(finishedBefore: Date, limit: Int, now: Date) async throws(QueueError) -> Int {
        try await run { q throws(QueueError) in try q.pruneProgress(finishedBefore: finishedBefore, limit: limit, now: now) }
    }
}

/// One item of a batch finish, as a Sendable value.
private struct FinishItem: Sendable {
    let id: JobID
    let token: String
    let state: JobState
}
