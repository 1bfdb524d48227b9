import DropQueue
import SystemSupport
import Logging
import PostgresNIO
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Enqueue, claims and what the holder of a lease may do: each a single statement or a short transaction.
extension PostgresQueueStore {
    private static let active = PostgresQueueSchema.active

    /// See `QueueStore.enqueue(_:now:)`. Two hosts enqueueing the same source at once make one job: the
    /// unique index on the active source name lets one insert through; the other returns that job.
    public func enqueue(_ jobs: [NewJob], now: Date) async throws(QueueError) -> [EnqueueOutcome] {
        guard !jobs.isEmpty else { return [] }
        let since = now.addingTimeInterval(-JobQueue.recentlyFinishedWindow).unixSeconds
        let location = self.location
        return try await transaction { db, logger in
            var outcomes: [EnqueueOutcome] = []
            for job in jobs {
                if let existing = try await Self.existing(db, job, since: since, logger: logger) {
                    outcomes.append(.existing(existing))
                    continue
                }
                let due = (job.notBefore ?? now).unixSeconds
                let inserted = try await db.query(
                    """
                    INSERT INTO jobs (source_name, kind, fingerprint, state, attempts, claims, next_attempt_at,
                                      created_at, updated_at, profile)
                    VALUES (\(job.sourceName), \(job.kind), \(job.fingerprint), 'queued', 0, 0, \(due),
                            \(now.unixSeconds), \(now.unixSeconds), \(job.profile))
                    ON CONFLICT (profile, source_name) WHERE \(unescaped: Self.active) DO NOTHING
                    RETURNING \(unescaped: PostgresJobRow.columns)
                    """, logger: logger
                ).collect().map(PostgresJobRow.decode)
                if let created = inserted.first {
                    outcomes.append(.created(created))
                } else if let existing = try await Self.existing(db, job, since: since, logger: logger) {
                    outcomes.append(.existing(existing))
                } else {
                    throw QueueError.server(location: location, message: "inserting job \(job.sourceName) returned no row")
                }
            }
            return outcomes
        }
    }

    private static func existing(
        _ db: PostgresConnection, _ job: NewJob, since: Double, logger: Logger
    ) async throws -> Job? {
        try await db.query(
            """
            SELECT \(unescaped: PostgresJobRow.columns) FROM jobs
            WHERE profile = \(job.profile) AND source_name = \(job.sourceName)
              AND (\(unescaped: active) OR (fingerprint = \(job.fingerprint) AND finished_at >= \(since)))
            ORDER BY (\(unescaped: active)) DESC, id DESC LIMIT 1
            """, logger: logger
        ).collect().first.map(PostgresJobRow.decode)
    }

    /// See `QueueStore.claim(owner:states:lease:limit:now:leaseNow:profiles:)`: one statement that locks the
    /// due rows it takes and skips those another host is taking; fair between two or more `profiles` (see
    /// `fairClaim`).
    public func claim(
        owner: String, states: Set<JobState>, lease: Duration, limit: Int, now: Date, leaseNow: Date?,
        profiles: [String]
    ) async throws(QueueError) -> [Job] {
        let wanted = JobState.allCases.filter { states.contains($0) && $0.isActive }.map(\.rawValue)
        guard limit > 0, !wanted.isEmpty else { return [] }
        if profiles.count > 1 {
            return try await fairClaim(
                owner: owner, wanted: wanted, lease: lease, limit: limit, now: now, leaseNow: leaseNow, profiles: profiles)
        }
        return try await claimStatement(
            owner: owner, wanted: wanted, lease: lease, limit: limit, now: now, leaseNow: leaseNow, only: nil, except: nil)
    }

    /// One claim statement: up to `limit` due jobs of the states `wanted`, of the profile `only` (nil: any)
    /// and of none of the profiles `except` (nil: no exception), oldest due first.
    func claimStatement(
        owner: String, wanted: [String], lease: Duration, limit: Int, now: Date, leaseNow: Date?, only: String?,
        except: [String]?
    ) async throws(QueueError) -> [Job] {
        let leaseNow = (leaseNow ?? now).unixSeconds
        let anyProfile = only == nil
        let onlyProfile = only ?? ""
        let excluded = except ?? []
        let expires = leaseNow + lease.seconds
        let claimed = try await jobRows(
            """
            WITH picked AS (
                SELECT id FROM jobs
                WHERE \(unescaped: Self.active) AND state = ANY(\(wanted)) AND next_attempt_at <= \(now.unixSeconds)
                  AND (lease_expires_at IS NULL OR lease_expires_at <= \(leaseNow))
                  AND (\(anyProfile) OR profile = \(onlyProfile)) AND NOT (profile = ANY(\(excluded)))
                ORDER BY next_attempt_at, id LIMIT \(limit)
                FOR UPDATE SKIP LOCKED)
            UPDATE jobs SET lease_owner = \(owner), lease_expires_at = \(expires), claims = claims + 1,
                            updated_at = \(now.unixSeconds), lease_token = gen_random_uuid()::text
            FROM picked WHERE jobs.id = picked.id
            RETURNING \(unescaped: PostgresJobRow.qualifiedColumns)
            """)
        return claimed.sorted { ($0.nextAttemptAt, $0.id) < ($1.nextAttemptAt, $1.id) }
    }

    /// See `QueueStore.nextClaimableAt(states:)`.
    public func nextClaimableAt(states: Set<JobState>) async throws(QueueError) -> Date? {
        let wanted = JobState.allCases.filter { states.contains($0) && $0.isActive }.map(\.rawValue)
        guard !wanted.isEmpty else { return nil }
        let rows = try await rows(
            """
            SELECT MIN(GREATEST(next_attempt_at, COALESCE(lease_expires_at, 0))) AS due FROM jobs
            WHERE \(unescaped: Self.active) AND state = ANY(\(wanted))
            """)
        do {
            return try rows.first?.makeRandomAccess()["due"].decode(Double?.self).map(Date.init(timeIntervalSince1970:))
        } catch {
            throw queueError(error)
        }
    }

    /// See `QueueStore.renewLease(_:token:lease:now:)`: the heartbeat of a claim.
    public func renewLease(_ id: JobID, token: String, lease: Duration, now: Date) async throws(QueueError) -> Bool {
        let expires = now.unixSeconds + lease.seconds
        return try await !rows(
            """
            UPDATE jobs SET lease_expires_at = \(expires), updated_at = \(now.unixSeconds)
            WHERE id = \(id.rawValue) AND lease_token = \(token) AND \(unescaped: Self.active)
            RETURNING id
            """
        ).isEmpty
    }

    /// See `QueueStore.save(_:token:stage:progress:attempts:now:)`.
    public func save(
        _ id: JobID, token: String, stage: String?, progress: Data?, attempts: Int, now: Date
    ) async throws(QueueError) {
        let changed = try await rows(
            """
            UPDATE jobs SET stage = \(stage), progress = \(bytea(progress)), attempts = \(attempts),
                            updated_at = \(now.unixSeconds)
            WHERE id = \(id.rawValue) AND lease_token = \(token) AND \(unescaped: Self.active)
            RETURNING id
            """)
        if changed.isEmpty { throw .leaseLost(location: location, id: id) }
    }

    /// See `QueueStore.release(_:token:to:nextAttemptAt:stage:progress:attempts:lastError:now:)`.
    public func release(
        _ id: JobID, token: String, to state: JobState, nextAttemptAt: Date, stage: String?, progress: Data?,
        attempts: Int, lastError: String?, now: Date
    ) async throws(QueueError) {
        guard state.isActive else {
            throw .invalidArgument(location: location, "cannot release job \(id) as \(state.rawValue): use finish")
        }
        let changed = try await rows(
            """
            UPDATE jobs SET state = \(state.rawValue), next_attempt_at = \(nextAttemptAt.unixSeconds),
                            stage = \(stage), progress = \(bytea(progress)), attempts = \(attempts), last_error = \(lastError),
                            lease_owner = NULL, lease_expires_at = NULL, lease_token = NULL, claims = 0,
                            updated_at = \(now.unixSeconds)
            WHERE id = \(id.rawValue) AND lease_token = \(token) AND \(unescaped: Self.active)
            RETURNING id
            """)
        if changed.isEmpty { throw .leaseLost(location: location, id: id) }
    }

    /// See `QueueStore.finish(_:token:as:stage:progress:attempts:lastError:now:)`.
    public func finish(
        _ id: JobID, token: String, as state: JobState, stage: String?, progress: Data?, attempts: Int,
        lastError: String?, now: Date
    ) async throws(QueueError) {
        guard state.isTerminal else {
            throw .invalidArgument(location: location, "cannot finish job \(id) as \(state.rawValue): use release")
        }
        let changed = try await rows(
            """
            UPDATE jobs SET state = \(state.rawValue), stage = \(stage), progress = \(bytea(progress)), attempts = \(attempts),
                            last_error = \(lastError), lease_owner = NULL, lease_expires_at = NULL, lease_token = NULL,
                            finished_at = \(now.unixSeconds), updated_at = \(now.unixSeconds)
            WHERE id = \(id.rawValue) AND lease_token = \(token) AND \(unescaped: Self.active)
            RETURNING id
            """)
        if changed.isEmpty { throw .leaseLost(location: location, id: id) }
    }

    /// See `QueueStore.finish(_:now:)`: all or nothing, in one transaction.
    public func finish(_ items: [(id: JobID, token: String, state: JobState)], now: Date) async throws(QueueError) {
        guard !items.isEmpty else { return }
        if let bad = items.first(where: { !$0.state.isTerminal }) {
            throw .invalidArgument(location: location, "cannot finish job \(bad.id) as \(bad.state.rawValue): use release")
        }
        let location = self.location
        let batch = items.map { (id: $0.id.rawValue, token: $0.token, state: $0.state.rawValue) }
        let sendable = batch.map { BatchItem(id: $0.id, token: $0.token, state: $0.state) }
        try await transaction { db, logger in
            for item in sendable {
                let changed = try await db.query(
                    """
                    UPDATE jobs SET state = \(item.state), lease_owner = NULL, lease_expires_at = NULL,
                                    lease_token = NULL, finished_at = \(now.unixSeconds), updated_at = \(now.unixSeconds)
                    WHERE id = \(item.id) AND lease_token = \(item.token) AND \(unescaped: Self.active)
                    RETURNING id
                    """, logger: logger
                ).collect()
                if changed.isEmpty { throw QueueError.leaseLost(location: location, id: JobID(item.id)) }
            }
        }
    }

    /// Frees the leases (and video slots) whose owner starts with `ownerPrefix` — this host's earlier runs —
    /// making their jobs due at once. Other hosts' leases are left to expire. An empty prefix frees all.
    public func recoverAbandonedLeases(ownerPrefix: String, now: Date) async throws(QueueError) -> Int {
        let freed = try await transaction { db, logger in
            try await db.query(
                "DELETE FROM video_slots WHERE starts_with(owner, \(ownerPrefix))", logger: logger)
            return try await db.query(
                """
                UPDATE jobs SET lease_owner = NULL, lease_expires_at = NULL, lease_token = NULL,
                                next_attempt_at = LEAST(next_attempt_at, \(now.unixSeconds)),
                                updated_at = \(now.unixSeconds)
                WHERE lease_owner IS NOT NULL AND starts_with(lease_owner, \(ownerPrefix))
                RETURNING id
                """, logger: logger
            ).collect().count
        }
        if freed > 0 {
            logger.debug("recovered abandoned leases", metadata: ["database": "\(location)", "jobs": "\(freed)"])
        }
        return freed
    }
}

/// One item of a batch finish, as a Sendable value.
private struct BatchItem: Sendable {
    let id: Int64
    let token: String
    let state: String
}
