import Logging
import Synchronization
#if canImport(FoundationEssentials)
import FoundationEssentials
import SystemSupport
#else
import Foundation
#endif

/// The durable, at-least-once job queue in one SQLite file, shared by the daemon's workers and the operator
/// commands (other processes may open the same file at the same time).
///
/// Jobs are handed out under a lease: `claim` atomically gives the oldest due jobs to one owner, each claim
/// under a lease token of its own, until the lease ends; a job whose lease has expired can be claimed again,
/// and `recoverAbandonedLeases` (run at start-up) frees every lease of a previous process. The claim holding
/// the token saves what the job learned (`save`), puts it back for later (`release`) or ends it (`finish`);
/// each of those throws `.leaseLost` once the job was claimed again under another token.
///
/// Thread-safe: one connection behind a mutex. Every method is synchronous and short; it may wait up to
/// the 5 s busy timeout when another process holds the write lock.
public final class JobQueue: Sendable {
    /// The database file's path.
    public let path: String
    let logger: Logger
    private let connection: Mutex<SQLiteConnection>
    /// Which profile is served first by the next fair claim (see `claim(profiles:)`).
    let turn = Mutex(0)

    /// Opens or creates the database file (WAL, busy_timeout, synchronous=NORMAL, foreign keys) and brings
    /// its schema up to date. A file that cannot be opened, is not a database, or has a newer schema gives
    /// a `QueueError` whose description is one line naming the file.
    public init(path: String, logger: Logger) throws(QueueError) {
        let connection = try SQLiteConnection.open(path: path)
        do {
            let applied = try SQLiteMigrator.migrate(connection, migrations: QueueSchema.migrations)
            for step in applied {
                logger.info("migrated queue database", metadata: ["path": "\(path)", "step": "\(step)"])
            }
        } catch {
            connection.close()
            throw error.asOpenFailure()
        }
        self.path = path
        self.logger = logger
        self.connection = Mutex(connection)
        logger.debug("opened queue database", metadata: ["path": "\(path)"])
    }

    /// Runs `body` with the connection, holding the lock.
    @discardableResult
    func withConnection<T: Sendable>(_ body: (SQLiteConnection) throws(QueueError) -> T) throws(QueueError) -> T {
        try connection.withLock { (db: inout sending SQLiteConnection) throws(QueueError) -> sending T in
            try body(db)
        }
    }

    /// Runs `body` in one write transaction (BEGIN IMMEDIATE), holding the lock; rolled back if it throws.
    @discardableResult
    func withTransaction<T: Sendable>(_ body: (SQLiteConnection) throws(QueueError) -> T) throws(QueueError) -> T {
        try withConnection { db throws(QueueError) in
            try db.transaction { () throws(QueueError) -> T in try body(db) }
        }
    }

    static let active = QueueSchema.activeCondition

    /// The profile of jobs queued without one (and of every job queued before profiles existed).
    public static let defaultProfile = "default"

    // MARK: - Enqueue

    private static let findExistingSQL = """
        SELECT \(JobRow.columns) FROM jobs
        WHERE profile = ?4 AND source_name = ?1 AND (\(active) OR (fingerprint = ?2 AND finished_at >= ?3))
        ORDER BY \(active) DESC, id DESC LIMIT 1
        """

    private static let insertSQL = """
        INSERT INTO jobs (source_name, kind, fingerprint, state, attempts, claims, next_attempt_at,
                          created_at, updated_at, profile)
        VALUES (?1, ?2, ?3, 'queued', 0, 0, ?4, ?5, ?5, ?6)
        RETURNING \(JobRow.columns)
        """

    /// How long a finished job still answers for its exact source (same name and fingerprint): long enough
    /// to absorb a drop reported just before the job moved its file away, short enough that a file an
    /// operator moves back into the inbox later is taken as new.
    public static let recentlyFinishedWindow: TimeInterval = 60

    /// Enqueues jobs, all in one transaction, idempotently per source: when an active job has the same
    /// source name, or a job that finished within `recentlyFinishedWindow` has the same source name and the
    /// same (non-nil) fingerprint, that job is returned as `.existing` (the active one first) and nothing is
    /// stored; otherwise a new `queued` job, due at `notBefore` (or `now`), is returned as `.created`.
    /// Outcomes are in the order of `jobs`.
    public func enqueue(_ jobs: [NewJob], now: Date = Date()) throws(QueueError) -> [EnqueueOutcome] {
        guard !jobs.isEmpty else { return [] }
        let path = self.path
        return try withTransaction { db throws(QueueError) -> [EnqueueOutcome] in
            var outcomes: [EnqueueOutcome] = []
            outcomes.reserveCapacity(jobs.count)
            for job in jobs {
                if let existing = try db.queryFirst(
                    Self.findExistingSQL,
                    [
                        .text(job.sourceName), .text(job.fingerprint), .date(now.addingTimeInterval(-Self.recentlyFinishedWindow)),
                        .text(job.profile),
                    ],
                    { row throws(QueueError) in try JobRow.decode(row, path: path) })
                {
                    outcomes.append(.existing(existing))
                    continue
                }
                let values: [SQLiteValue] = [
                    .text(job.sourceName), .text(job.kind), .text(job.fingerprint),
                    .date(job.notBefore ?? now), .date(now), .text(job.profile),
                ]
                guard
                    let created = try db.queryFirst(
                        Self.insertSQL, values, { row throws(QueueError) in try JobRow.decode(row, path: path) })
                else {
                    throw .sqlite(path: path, code: 1, message: "inserting job \(job.sourceName) returned no row")
                }
                outcomes.append(.created(created))
            }
            return outcomes
        }
    }

    /// Enqueues one job; see `enqueue(_:now:)` for the idempotency rules.
    public func enqueue(_ job: NewJob, now: Date = Date()) throws(QueueError) -> EnqueueOutcome {
        try enqueue([job], now: now)[0]
    }

    // MARK: - Claim

    // The literal active condition lets SQLite use the partial index jobs_due, already in claim order.
    private static let claimCandidatesSQL = """
        SELECT id, next_attempt_at FROM jobs
        WHERE \(active) AND state = ?1 AND next_attempt_at <= ?2
          AND (lease_expires_at IS NULL OR lease_expires_at <= ?4)
        ORDER BY next_attempt_at, id LIMIT ?3
        """

    private static let claimSQL = """
        UPDATE jobs SET lease_owner = ?1, lease_expires_at = ?2, claims = claims + 1, updated_at = ?3,
                        lease_token = ?5
        WHERE id = ?4
        RETURNING \(JobRow.columns)
        """

    /// Atomically hands out up to `limit` due jobs — state in `states` (terminal states are ignored),
    /// `nextAttemptAt <= now`, no live lease at `leaseNow` — oldest due first (ties by id), each leased to
    /// `owner` until `leaseNow + lease` under a new, unique `leaseToken`, with `claims` raised by one. Returns
    /// an empty array when nothing is due.
    ///
    /// `leaseNow` (default `now`) is the time leases are measured on. A daemon passes a `LeaseClock` reading
    /// there (and to `renewLease`), so that a step of the wall clock does not expire every lease at once.
    ///
    /// With two or more `profiles`, the claim is fair between them: each claim starts with the next profile in
    /// turn and takes the oldest due job of each profile in rotation, so a profile with thousands of due jobs
    /// does not starve one with a few; jobs of profiles not listed fill what is left, oldest first.
    public func claim(
        owner: String, states: Set<JobState> = [.queued], lease: Duration, limit: Int = 1, now: Date = Date(),
        leaseNow: Date? = nil, profiles: [String] = []
    ) throws(QueueError) -> [Job] {
        let wanted = JobState.allCases.filter { states.contains($0) && $0.isActive }
        guard limit > 0, !wanted.isEmpty else { return [] }
        let leaseNow = leaseNow ?? now
        let expires = leaseNow.addingTimeInterval(lease.seconds)
        let path = self.path
        return try withTransaction { db throws(QueueError) -> [Job] in
            var candidates: [(id: Int64, due: Double)] = []
            let start = profiles.count > 1 ? turn.withLock { turn in defer { turn &+= 1 }; return turn } : 0
            for state in wanted {
                let oldest = try db.query(
                    Self.claimCandidatesSQL, [.text(state.rawValue), .date(now), .int(limit), .date(leaseNow)],
                    { row throws(QueueError) in (id: row.int64(0), due: row.double(1)) })
                if profiles.count > 1 {
                    candidates += try Self.fairCandidates(
                        db, state: state, profiles: profiles, start: start, oldest: oldest, limit: limit, now: now,
                        leaseNow: leaseNow)
                } else {
                    candidates += oldest
                }
            }
            if wanted.count > 1 {
                candidates.sort { ($0.due, $0.id) < ($1.due, $1.id) }
                candidates = Array(candidates.prefix(limit))
            }
            var claimed: [Job] = []
            claimed.reserveCapacity(candidates.count)
            for candidate in candidates {
                let values: [SQLiteValue] = [
                    .text(owner), .date(expires), .date(now), .integer(candidate.id), .text(Self.newLeaseToken()),
                ]
                if let job = try db.queryFirst(
                    Self.claimSQL, values, { row throws(QueueError) in try JobRow.decode(row, path: path) })
                {
                    claimed.append(job)
                }
            }
            return claimed
        }
    }

    /// A new lease token: 128 random bits in hex, unique in practice across claims and processes.
    static func newLeaseToken() -> String {
        var generator = SystemRandomNumberGenerator()
        let high = generator.next() as UInt64
        let low = generator.next() as UInt64
        let hex = String(high, radix: 16) + ":" + String(low, radix: 16)
        return hex
    }

    // MARK: - Start-up recovery

    private static let recoverSQL = """
        UPDATE jobs SET lease_owner = NULL, lease_expires_at = NULL, lease_token = NULL,
                        next_attempt_at = min(next_attempt_at, ?1), updated_at = ?1
        WHERE lease_owner IS NOT NULL
        """

    /// For daemon start-up: every job holding a lease (live or expired — the previous process's) loses it and
    /// becomes due at once (at `now`, or earlier if it already was). Returns how many jobs were freed. Their
    /// old owners get `.leaseLost` from then on.
    public func recoverAbandonedLeases(now: Date = Date()) throws(QueueError) -> Int {
        let recovered = try withTransaction { db throws(QueueError) -> Int in
            try db.execute(Self.recoverSQL, [.date(now)])
        }
        if recovered > 0 {
            logger.debug("recovered abandoned leases", metadata: ["path": "\(path)", "jobs": "\(recovered)"])
        }
        return recovered
    }
}
