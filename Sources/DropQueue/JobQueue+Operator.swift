#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Reading the queue (for `status`, `jobs`, the pipeline) and the operator's changes to it.
extension JobQueue {
    private func decoder() -> (SQLiteRow) throws(QueueError) -> Job {
        let path = self.path
        return { row throws(QueueError) in try JobRow.decode(row, path: path) }
    }

    /// The job with that id, or nil.
    public func job(_ id: JobID) throws(QueueError) -> Job? {
        let decode = decoder()
        return try withConnection { db throws(QueueError) -> Job? in
            try db.queryFirst("SELECT \(JobRow.columns) FROM jobs WHERE id = ?1", [.integer(id.rawValue)], decode)
        }
    }

    /// The active (queued or waiting for its video) job for that source name of `profile`, if any.
    public func activeJob(sourceName: String, profile: String = JobQueue.defaultProfile) throws(QueueError) -> Job? {
        let decode = decoder()
        return try withConnection { db throws(QueueError) -> Job? in
            try db.queryFirst(
                "SELECT \(JobRow.columns) FROM jobs WHERE profile = ?2 AND source_name = ?1 AND \(Self.active)",
                [.text(sourceName), .text(profile)], decode)
        }
    }

    /// See `QueueStore.finishedTwin(of:)`.
    public func finishedTwin(of job: Job) throws(QueueError) -> Job? {
        guard let fingerprint = job.fingerprint else { return nil }
        let decode = decoder()
        return try withConnection { db throws(QueueError) -> Job? in
            try db.queryFirst(
                """
                SELECT \(JobRow.columns) FROM jobs WHERE profile = ?1 AND source_name = ?2 AND fingerprint = ?3
                AND id <> ?4 AND state IN ('succeeded', 'failed') ORDER BY id DESC LIMIT 1
                """,
                [.text(job.profile), .text(job.sourceName), .text(fingerprint), .integer(job.id.rawValue)], decode)
        }
    }

    /// Up to `limit` jobs, newest first, of one state or (nil) of all states, of one profile or (nil) of all.
    public func jobs(state: JobState?, limit: Int, profile: String?) throws(QueueError) -> [Job] {
        guard let profile else { return try jobs(state: state, limit: limit) }
        guard limit > 0 else { return [] }
        let decode = decoder()
        return try withConnection { db throws(QueueError) -> [Job] in
            if let state {
                return try db.query(
                    "SELECT \(JobRow.columns) FROM jobs WHERE profile = ?3 AND state = ?1 ORDER BY id DESC LIMIT ?2",
                    [.text(state.rawValue), .int(limit), .text(profile)], decode)
            }
            return try db.query(
                "SELECT \(JobRow.columns) FROM jobs WHERE profile = ?2 ORDER BY id DESC LIMIT ?1",
                [.int(limit), .text(profile)], decode)
        }
    }

    /// Up to `limit` jobs, newest first, of one state or (nil) of all states.
    public func jobs(state: JobState?, limit: Int) throws(QueueError) -> [Job] {
        guard limit > 0 else { return [] }
        let decode = decoder()
        return try withConnection { db throws(QueueError) -> [Job] in
            if let state {
                return try db.query(
                    "SELECT \(JobRow.columns) FROM jobs WHERE state = ?1 ORDER BY id DESC LIMIT ?2",
                    [.text(state.rawValue), .int(limit)], decode)
            }
            return try db.query("SELECT \(JobRow.columns) FROM jobs ORDER BY id DESC LIMIT ?1", [.int(limit)], decode)
        }
    }

    /// How many jobs are in each state, and how many active jobs hold a live lease at `now`. Cheap however
    /// many jobs the queue holds: the per-state counts are kept in a table by triggers, and the leased jobs
    /// are counted on their own partial index.
    public func counts(now: Date = Date()) throws(QueueError) -> QueueCounts {
        try withConnection { db throws(QueueError) -> QueueCounts in
            var byState: [JobState: Int] = [:]
            let rows = try db.query("SELECT state, n FROM job_counts") {
                row throws(QueueError) in (row.string(0) ?? "", row.int(1))
            }
            for (state, count) in rows {
                if let state = JobState(rawValue: state) { byState[state] = count }
            }
            let leased =
                try db.queryFirst(
                    "SELECT count(*) FROM jobs WHERE lease_owner IS NOT NULL AND lease_expires_at > ?1",
                    [.date(now)], { row throws(QueueError) in row.int(0) }) ?? 0
            return QueueCounts(byState: byState, leased: leased)
        }
    }

    /// Clears the progress record of up to `limit` jobs that finished before `finishedBefore` (the job rows
    /// stay, with their state, stage, attempts and last error); returns how many were cleared. Oldest first,
    /// through a partial index, so each call is short however many jobs the queue holds.
    @discardableResult
    public func pruneProgress(finishedBefore: Date, limit: Int = 500, now: Date = Date()) throws(QueueError) -> Int {
        guard limit > 0 else { return 0 }
        return try withTransaction { db throws(QueueError) -> Int in
            try db.execute(
                """
                UPDATE jobs SET progress = NULL, updated_at = ?2
                WHERE id IN (
                    SELECT id FROM jobs
                    WHERE progress IS NOT NULL AND state IN ('succeeded','failed') AND finished_at < ?1
                    ORDER BY finished_at LIMIT ?3)
                """,
                [.date(finishedBefore), .date(now), .int(limit)])
        }
    }

    /// The oldest queued job (the one enqueued first), or nil when none is queued.
    public func oldestWaiting() throws(QueueError) -> Job? {
        let decode = decoder()
        return try withConnection { db throws(QueueError) -> Job? in
            try db.queryFirst(
                "SELECT \(JobRow.columns) FROM jobs WHERE state = 'queued' ORDER BY id LIMIT 1", [], decode)
        }
    }

    /// Up to `limit` failed jobs, the most recently finished first.
    public func recentFailures(limit: Int) throws(QueueError) -> [Job] {
        guard limit > 0 else { return [] }
        let decode = decoder()
        return try withConnection { db throws(QueueError) -> [Job] in
            try db.query(
                "SELECT \(JobRow.columns) FROM jobs WHERE state = 'failed' ORDER BY finished_at DESC, id DESC LIMIT ?1",
                [.int(limit)], decode)
        }
    }

    private static let requeueSQL = """
        UPDATE jobs SET state = 'queued', source_name = ?1, progress = ?2, stage = ?3, next_attempt_at = ?4,
                        last_error = NULL, finished_at = NULL, lease_owner = NULL, lease_expires_at = NULL,
                        lease_token = NULL, claims = 0, updated_at = ?5
        WHERE id = ?6 AND state = 'failed'
        """

    /// Operator `retry`: puts a failed job back in the queue under `sourceName` (where its source now is),
    /// due at `notBefore`, with the given progress and stage; lastError and finishedAt are cleared and the
    /// claim count restarts at 0 (attempts are kept). Returns false, changing nothing, when the job does not
    /// exist, is not failed, or another active job already has that source name.
    public func requeue(
        _ id: JobID, sourceName: String, progress: Data?, stage: String? = nil, notBefore: Date, now: Date = Date()
    ) throws(QueueError) -> Bool {
        try withTransaction { db throws(QueueError) -> Bool in
            let taken = try db.queryFirst(
                """
                SELECT id FROM jobs WHERE profile = (SELECT profile FROM jobs WHERE id = ?2) AND source_name = ?1
                  AND \(Self.active)
                """, [.text(sourceName), .integer(id.rawValue)],
                { row throws(QueueError) in row.int64(0) })
            if taken != nil { return false }
            let values: [SQLiteValue] = [
                .text(sourceName), .blob(progress), .text(stage), .date(notBefore), .date(now), .integer(id.rawValue),
            ]
            return try db.execute(Self.requeueSQL, values) > 0
        }
    }

    /// Makes a queued job that no worker holds due at `notBefore` instead. Returns false, changing nothing,
    /// when the job is gone, not queued, or claimed.
    public func reschedule(_ id: JobID, notBefore: Date, now: Date = Date()) throws(QueueError) -> Bool {
        try withConnection { db throws(QueueError) -> Bool in
            try db.execute(
                """
                UPDATE jobs SET next_attempt_at = ?1, updated_at = ?2
                WHERE id = ?3 AND state = 'queued' AND lease_owner IS NULL
                """,
                [.date(notBefore), .date(now), .integer(id.rawValue)]) > 0
        }
    }

    /// Deletes the job record (for bookkeeping jobs that turned out to be unneeded); no-op if it is gone.
    public func delete(_ id: JobID) throws(QueueError) {
        try withConnection { db throws(QueueError) in
            try db.execute("DELETE FROM jobs WHERE id = ?1", [.integer(id.rawValue)])
        }
    }
}
