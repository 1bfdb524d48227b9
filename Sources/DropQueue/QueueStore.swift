#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The durable, at-least-once job queue and the asset table, as the daemon and the operator commands use
/// them, whatever holds them: `SQLiteQueueStore` (one host, the default) or the PostgreSQL store (several
/// hosts draining one queue). Every method is async and never blocks a cooperative thread: a backend that
/// does blocking I/O runs it on threads of its own. Every failure is a `QueueError` whose description is one
/// line naming the database and holding no password.
///
/// The contract, which the shared conformance suite checks on every backend:
/// - `enqueue` is idempotent per source: at most one active job per source name, and a job that finished
///   within `JobQueue.recentlyFinishedWindow` answers again for the same name and (non-nil) fingerprint.
/// - `claim` hands each due job to one claimer at a time, under a lease and a new lease token; a job whose
///   lease expired may be claimed again (by any claimer, on any host), after which the earlier claim's
///   `save`, `release`, `finish` and `renewLease` change nothing (`.leaseLost`, or false).
/// - Jobs belong to a profile (a watched inbox; `JobQueue.defaultProfile` without profiles): the active job
///   per source name is per profile, and `claim` with two or more `profiles` is fair between them.
/// - The spend ledger (`reserveSpend`) counts each profile's paid steps over a rolling window, once per job,
///   run and step, atomically across every process sharing the queue.
/// - `recoverAbandonedLeases` frees the leases a previous run of this daemon left.
/// - `acquireVideoSlot` never lets more than `limit` videos be in the making at once, counting the jobs
///   waiting for their video and the slots held, across every process (and host) sharing the queue.
public protocol QueueStore: Sendable {
    /// Where the queue lives, for operators: the SQLite file's path, or the server's URL without a password.
    var location: String { get }

    /// Runs the store's background work (a connection pool) until the task is cancelled; the other calls
    /// need it running. Stores with none return at once (see the default).
    func run() async

    /// Makes the store ready (a server's schema brought up to date), once `run` runs.
    func prepare() async throws(QueueError)

    /// Whether the queue's server answers, as the store's own calls last found; nil for a store with no
    /// server to lose (SQLite's, a local file). See the default.
    var health: QueueHealth? { get }

    // MARK: Intake

    /// Enqueues jobs in one transaction, idempotently per source; outcomes in the order of `jobs`. See
    /// `JobQueue.enqueue(_:now:)` for the rules.
    func enqueue(_ jobs: [NewJob], now: Date) async throws(QueueError) -> [EnqueueOutcome]

    // MARK: Leases

    /// Atomically hands out up to `limit` due jobs of `states` with no live lease at `leaseNow` (nil: `now`),
    /// oldest due first, each leased to `owner` until `leaseNow + lease` under a new token, `claims` raised by
    /// one. Empty when nothing is due. With two or more `profiles` the claim is fair between them: each claim
    /// starts with the next profile in turn and takes the oldest due job of each profile in rotation; jobs of
    /// profiles not listed fill what is left, oldest first.
    func claim(
        owner: String, states: Set<JobState>, lease: Duration, limit: Int, now: Date, leaseNow: Date?,
        profiles: [String]
    ) async throws(QueueError) -> [Job]

    /// The earliest time a job in `states` may be claimable (its `nextAttemptAt`, or its lease's end when
    /// later); nil when no job is in those states. May be in the past.
    func nextClaimableAt(states: Set<JobState>) async throws(QueueError) -> Date?

    /// Extends the lease of the claim holding `token` to `now + lease`; false (nothing changed) when that
    /// claim no longer holds the job.
    func renewLease(_ id: JobID, token: String, lease: Duration, now: Date) async throws(QueueError) -> Bool

    /// Stores stage, progress and attempts while keeping the lease; `.leaseLost` when the claim lost the job.
    func save(
        _ id: JobID, token: String, stage: String?, progress: Data?, attempts: Int, now: Date
    ) async throws(QueueError)

    /// Ends the lease and puts the job back as an active `state`, due at `nextAttemptAt`, `claims` back to 0;
    /// `.leaseLost` when the claim lost the job, `.invalidArgument` for a terminal state.
    func release(
        _ id: JobID, token: String, to state: JobState, nextAttemptAt: Date, stage: String?, progress: Data?,
        attempts: Int, lastError: String?, now: Date
    ) async throws(QueueError)

    /// Ends the job as a terminal `state`; `.leaseLost` when the claim lost the job, `.invalidArgument` for
    /// an active state.
    func finish(
        _ id: JobID, token: String, as state: JobState, stage: String?, progress: Data?, attempts: Int,
        lastError: String?, now: Date
    ) async throws(QueueError)

    /// Finishes many leased jobs in one transaction, all or nothing (`.leaseLost` naming the first lost one).
    func finish(_ items: [(id: JobID, token: String, state: JobState)], now: Date) async throws(QueueError)

    /// Frees the leases a previous run of this daemon left, making their jobs due at once; returns how many.
    /// Owners are "HOST:…": a backend shared by several hosts frees only the leases whose owner starts with
    /// `ownerPrefix` (this host's earlier runs); the others expire and are claimed by whoever comes first.
    /// A backend one daemon owns (SQLite, under the daemon's lock) frees every lease.
    func recoverAbandonedLeases(ownerPrefix: String, now: Date) async throws(QueueError) -> Int

    // MARK: Video slots

    /// Takes one of `limit` video slots for `owner` when fewer than `limit` videos are in the making: jobs
    /// waiting for their video plus slots held (on every host). A slot ends with `releaseVideoSlot`, or by
    /// itself `lease` after it was taken (a host that died holds none for long). Nil when all are taken.
    func acquireVideoSlot(owner: String, limit: Int, lease: Duration, now: Date) async throws(QueueError) -> VideoSlot?

    /// Gives back a slot taken by `acquireVideoSlot` (no-op when it already ended).
    func releaseVideoSlot(_ slot: VideoSlot) async throws(QueueError)

    // MARK: Assets

    /// The asset uploaded with those bytes at or after `notOlderThan`, or nil.
    func asset(sha256: String, notOlderThan: Date) async throws(QueueError) -> AssetRecord?

    /// Remembers an upload; replaces the record with the same sha256.
    func recordAsset(_ asset: AssetRecord) async throws(QueueError)

    // MARK: Reading

    /// The job with that id, or nil.
    func job(_ id: JobID) async throws(QueueError) -> Job?

    /// The active job for that source name of `profile`, if any.
    func activeJob(sourceName: String, profile: String) async throws(QueueError) -> Job?

    /// A finished job, other than `job`, of the same profile, source name and (non-nil) fingerprint: the same
    /// drop, already taken to its end (by this host or another that saw the drop too). Nil when none.
    func finishedTwin(of job: Job) async throws(QueueError) -> Job?

    /// Up to `limit` jobs, newest first, of one state or (nil) of all states, of one profile or (nil) of all.
    func jobs(state: JobState?, limit: Int, profile: String?) async throws(QueueError) -> [Job]

    /// Up to `limit` queued jobs whose stage label is `stage` (held for the reason it names, such as a full
    /// outbox or the spend guard), the first to go on first.
    func queuedJobs(stage: String, limit: Int) async throws(QueueError) -> [Job]

    /// How many queued jobs have the stage label `stage`.
    func queuedCount(stage: String) async throws(QueueError) -> Int

    /// Up to `limit` queued jobs held under a live lease at `now` (in a worker's hands), oldest first.
    func jobsInHand(now: Date, limit: Int) async throws(QueueError) -> [Job]

    /// Jobs per state, and active jobs under a live lease at `now`.
    func counts(now: Date) async throws(QueueError) -> QueueCounts

    /// The oldest queued job, or nil.
    func oldestWaiting() async throws(QueueError) -> Job?

    /// Up to `limit` failed jobs, the most recently finished first.
    func recentFailures(limit: Int) async throws(QueueError) -> [Job]

    /// Jobs per state (raw value), by profile (a scan of the jobs: for operator commands, not hot paths).
    func countsByProfile() async throws(QueueError) -> [String: [String: Int]]

    // MARK: Spend guard

    /// Records `units` for the step `step` of run `run` of job `job` in `profile` when the profile's units
    /// recorded within `window` before `now`, plus these, stay within `cap`; otherwise answers when they
    /// would. A step already recorded (same job, run and step) is allowed again without counting twice; a step
    /// of more units than `cap` is allowed once the window holds nothing else. Atomic across every process
    /// sharing the queue.
    func reserveSpend(
        job: JobID, run: Int, step: String, profile: String, units: Int, cap: Int, window: Duration, now: Date
    ) async throws(QueueError) -> SpendDecision

    /// Forgets the units recorded for a step that proved to spend nothing (the API refused the create).
    func releaseSpend(job: JobID, run: Int, step: String) async throws(QueueError)

    /// The units `profile` recorded within `window` before `now`.
    func spent(profile: String, window: Duration, now: Date) async throws(QueueError) -> Int


    // MARK: Operator and housekeeping

    /// Puts a failed job back in the queue under `sourceName` (in its own profile), due at `notBefore`; false
    /// (nothing changed) when it is gone, not failed, or another active job of its profile has that name.
    func requeue(
        _ id: JobID, sourceName: String, progress: Data?, stage: String?, notBefore: Date, now: Date
    ) async throws(QueueError) -> Bool

    /// Makes an unclaimed queued job due at `notBefore`; false when it is gone, not queued, or claimed.
    func reschedule(_ id: JobID, notBefore: Date, now: Date) async throws(QueueError) -> Bool

    /// Deletes the job record; no-op when it is gone.
    func delete(_ id: JobID) async throws(QueueError)

    /// Clears the progress of up to `limit` jobs finished before `finishedBefore`; returns how many.
    func pruneProgress(finishedBefore: Date, limit: Int, now: Date) async throws(QueueError) -> Int
}
