import DropQueue
import PostgresNIO
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Reading the queue (for `status`, `jobs`, the dashboard and the pipeline) and the operator's changes.
extension PostgresQueueStore {
    private static let active = PostgresQueueSchema.active

    /// See `QueueStore.job(_:)`.
    public func job(_ id: JobID) async throws(QueueError) -> Job? {
        try await jobRows("SELECT \(unescaped: PostgresJobRow.columns) FROM jobs WHERE id = \(id.rawValue)").first
    }

    /// See `QueueStore.activeJob(sourceName:profile:)`.
    public func activeJob(sourceName: String, profile: String) async throws(QueueError) -> Job? {
        try await jobRows(
            """
            SELECT \(unescaped: PostgresJobRow.columns) FROM jobs
            WHERE profile = \(profile) AND source_name = \(sourceName) AND \(unescaped: Self.active)
            """
        ).first
    }

    /// See `QueueStore.finishedTwin(of:)`.
    public func finishedTwin(of job: Job) async throws(QueueError) -> Job? {
        guard let fingerprint = job.fingerprint else { return nil }
        return try await jobRows(
            """
            SELECT \(unescaped: PostgresJobRow.columns) FROM jobs
            WHERE profile = \(job.profile) AND source_name = \(job.sourceName) AND fingerprint = \(fingerprint)
            AND id <> \(job.id.rawValue) AND state IN ('succeeded', 'failed') ORDER BY id DESC LIMIT 1
            """
        ).first
    }

    /// See `QueueStore.jobs(state:limit:profile:)`.
    public func jobs(state: JobState?, limit: Int, profile: String?) async throws(QueueError) -> [Job] {
        guard limit > 0 else { return [] }
        let anyProfile = profile == nil
        let onlyProfile = profile ?? ""
        if let state {
            return try await jobRows(
                """
                SELECT \(unescaped: PostgresJobRow.columns) FROM jobs WHERE state = \(state.rawValue)
                  AND (\(anyProfile) OR profile = \(onlyProfile))
                ORDER BY id DESC LIMIT \(limit)
                """)
        }
        return try await jobRows(
            """
            SELECT \(unescaped: PostgresJobRow.columns) FROM jobs WHERE (\(anyProfile) OR profile = \(onlyProfile))
            ORDER BY id DESC LIMIT \(limit)
            """)
    }

    /// See `QueueStore.queuedJobs(stage:limit:)`.
    public func queuedJobs(stage: String, limit: Int) async throws(QueueError) -> [Job] {
        guard limit > 0 else { return [] }
        return try await jobRows(
            """
            SELECT \(unescaped: PostgresJobRow.columns) FROM jobs
            WHERE state = 'queued' AND stage = \(stage) ORDER BY next_attempt_at, id LIMIT \(limit)
            """)
    }

    /// See `QueueStore.jobsInHand(now:limit:)`.
    public func jobsInHand(now: Date, limit: Int) async throws(QueueError) -> [Job] {
        guard limit > 0 else { return [] }
        return try await jobRows(
            """
            SELECT \(unescaped: PostgresJobRow.columns) FROM jobs
            WHERE lease_owner IS NOT NULL AND lease_expires_at > \(now) AND state = 'queued'
            ORDER BY id LIMIT \(limit)
            """)
    }

    /// See `QueueStore.counts(now:)`.
    public func counts(now: Date) async throws(QueueError) -> QueueCounts {
        let rows = try await rows(
            """
            SELECT state, count(*)::bigint AS n, 0 AS part FROM jobs GROUP BY state
            UNION ALL
            SELECT 'leased', count(*)::bigint, 1 FROM jobs
            WHERE lease_owner IS NOT NULL AND lease_expires_at > \(now.unixSeconds)
            """)
        var byState: [JobState: Int] = [:]
        var leased = 0
        for row in rows {
            let cells = row.makeRandomAccess()
            do {
                let name = try cells["state"].decode(String.self)
                let count = Int(try cells["n"].decode(Int64.self))
                if try cells["part"].decode(Int32.self) == 1 {
                    leased = count
                } else if let state = JobState(rawValue: name) {
                    byState[state] = count
                }
            } catch {
                throw queueError(error)
            }
        }
        return QueueCounts(byState: byState, leased: leased)
    }

    /// See `QueueStore.oldestWaiting()`.
    public func oldestWaiting() async throws(QueueError) -> Job? {
        try await jobRows(
            "SELECT \(unescaped: PostgresJobRow.columns) FROM jobs WHERE state = 'queued' ORDER BY id LIMIT 1"
        ).first
    }

    /// See `QueueStore.recentFailures(limit:)`.
    public func recentFailures(limit: Int) async throws(QueueError) -> [Job] {
        guard limit > 0 else { return [] }
        return try await jobRows(
            """
            SELECT \(unescaped: PostgresJobRow.columns) FROM jobs WHERE state = 'failed'
            ORDER BY finished_at DESC, id DESC LIMIT \(limit)
            """)
    }

    /// See `QueueStore.requeue(_:sourceName:progress:stage:notBefore:now:)`. Another host enqueueing the
    /// same source name at that moment wins; the requeue then answers false.
    public func requeue(
        _ id: JobID, sourceName: String, progress: Data?, stage: String?, notBefore: Date, now: Date
    ) async throws(QueueError) -> Bool {
        do {
            return try await !rows(
                """
                UPDATE jobs SET state = 'queued', source_name = \(sourceName), progress = \(bytea(progress)), stage = \(stage),
                                next_attempt_at = \(notBefore.unixSeconds), last_error = NULL, finished_at = NULL,
                                lease_owner = NULL, lease_expires_at = NULL, lease_token = NULL, claims = 0,
                                updated_at = \(now.unixSeconds)
                WHERE id = \(id.rawValue) AND state = 'failed'
                  AND NOT EXISTS (SELECT 1 FROM jobs other WHERE other.profile = jobs.profile
                                  AND other.source_name = \(sourceName) AND other.state IN ('queued','waiting_video'))
                RETURNING id
                """
            ).isEmpty
        } catch where error.description.contains("SQLSTATE 23505") {
            return false
        }
    }

    /// See `QueueStore.reschedule(_:notBefore:now:)`.
    public func reschedule(_ id: JobID, notBefore: Date, now: Date) async throws(QueueError) -> Bool {
        try await !rows(
            """
            UPDATE jobs SET next_attempt_at = \(notBefore.unixSeconds), updated_at = \(now.unixSeconds)
            WHERE id = \(id.rawValue) AND state = 'queued' AND lease_owner IS NULL
            RETURNING id
            """
        ).isEmpty
    }

    /// See `QueueStore.delete(_:)`.
    public func delete(_ id: JobID) async throws(QueueError) {
        _ = try await rows("DELETE FROM jobs WHERE id = \(id.rawValue)")
    }

    /// See `QueueStore.pruneProgress(finishedBefore:limit:now:)`.
    public func pruneProgress(finishedBefore: Date, limit: Int, now: Date) async throws(QueueError) -> Int {
        guard limit > 0 else { return 0 }
        return try await rows(
            """
            UPDATE jobs SET progress = NULL, updated_at = \(now.unixSeconds)
            WHERE id IN (
                SELECT id FROM jobs
                WHERE progress IS NOT NULL AND state IN ('succeeded','failed') AND finished_at < \(finishedBefore.unixSeconds)
                ORDER BY finished_at LIMIT \(limit))
            RETURNING id
            """
        ).count
    }
}
