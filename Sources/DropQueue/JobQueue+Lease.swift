#if canImport(FoundationEssentials)
import FoundationEssentials
import SystemSupport
#else
import Foundation
#endif

/// What the holder of a job's lease may do with it. Every method here checks that the claim holding `token`
/// (the job's `leaseToken` as `claim` returned it) still holds the lease: the job is active and its lease
/// token is `token`. Every claim has its own token, so once a job was claimed again — by another process or
/// by another worker of the same one — the earlier claim can write nothing more. A lease that has expired but
/// was not yet claimed by anyone else still counts as held: the work done under it is kept.
extension JobQueue {
    private static let renewSQL = """
        UPDATE jobs SET lease_expires_at = ?1, updated_at = ?2
        WHERE id = ?3 AND lease_token = ?4 AND \(active)
        """

    /// Extends the lease of the claim holding `token` to `now + lease` (`now` on the same clock as the claim's
    /// `leaseNow`). Returns false (and changes nothing) when that claim no longer holds the job.
    public func renewLease(_ id: JobID, token: String, lease: Duration, now: Date = Date()) throws(QueueError) -> Bool {
        let expires = now.addingTimeInterval(lease.seconds)
        return try withConnection { db throws(QueueError) -> Bool in
            try db.execute(Self.renewSQL, [.date(expires), .date(now), .integer(id.rawValue), .text(token)]) > 0
        }
    }

    private static let saveSQL = """
        UPDATE jobs SET stage = ?1, progress = ?2, attempts = ?3, updated_at = ?4
        WHERE id = ?5 AND lease_token = ?6 AND \(active)
        """

    /// Stores what the job has learned (stage, progress, attempts — each replaced by the value given, nil
    /// included) while keeping the lease. Throws `.leaseLost` when the claim holding `token` lost the job.
    public func save(
        _ id: JobID, token: String, stage: String?, progress: Data?, attempts: Int, now: Date = Date()
    ) throws(QueueError) {
        let path = self.path
        try withConnection { db throws(QueueError) in
            let values: [SQLiteValue] = [
                .text(stage), .blob(progress), .int(attempts), .date(now), .integer(id.rawValue), .text(token),
            ]
            if try db.execute(Self.saveSQL, values) == 0 {
                throw .leaseLost(path: path, id: id)
            }
        }
    }

    private static let releaseSQL = """
        UPDATE jobs SET state = ?1, next_attempt_at = ?2, stage = ?3, progress = ?4, attempts = ?5,
                        last_error = ?6, lease_owner = NULL, lease_expires_at = NULL, lease_token = NULL, claims = 0, updated_at = ?7
        WHERE id = ?8 AND lease_token = ?9 AND \(active)
        """

    /// Ends the lease and puts the job back as `state` (`.queued` or `.waitingVideo`), due at
    /// `nextAttemptAt`, with stage, progress, attempts and lastError replaced by the values given. A release
    /// is a deliberate hand-back, so `claims` starts again from 0: only claims that end in neither a release
    /// nor a finish (a crash) accumulate. Throws `.leaseLost` when the claim holding `token` lost the job,
    /// `.invalidArgument` for a terminal `state`.
    public func release(
        _ id: JobID, token: String, to state: JobState, nextAttemptAt: Date, stage: String?, progress: Data?,
        attempts: Int, lastError: String?, now: Date = Date()
    ) throws(QueueError) {
        guard state.isActive else {
            throw .invalidArgument(path: path, "cannot release job \(id) as \(state.rawValue): use finish")
        }
        let path = self.path
        try withConnection { db throws(QueueError) in
            let values: [SQLiteValue] = [
                .text(state.rawValue), .date(nextAttemptAt), .text(stage), .blob(progress), .int(attempts),
                .text(lastError), .date(now), .integer(id.rawValue), .text(token),
            ]
            if try db.execute(Self.releaseSQL, values) == 0 {
                throw .leaseLost(path: path, id: id)
            }
        }
    }

    private static let finishSQL = """
        UPDATE jobs SET state = ?1, stage = ?2, progress = ?3, attempts = ?4, last_error = ?5,
                        lease_owner = NULL, lease_expires_at = NULL, lease_token = NULL, finished_at = ?6, updated_at = ?6
        WHERE id = ?7 AND lease_token = ?8 AND \(active)
        """

    /// Ends the job as `state` (`.succeeded` or `.failed`): the lease ends, `finishedAt` is set, and stage,
    /// progress, attempts and lastError are replaced by the values given. Throws `.leaseLost` when the claim
    /// holding `token` lost the job, `.invalidArgument` for an active `state`.
    public func finish(
        _ id: JobID, token: String, as state: JobState, stage: String?, progress: Data?, attempts: Int,
        lastError: String?, now: Date = Date()
    ) throws(QueueError) {
        guard state.isTerminal else {
            throw .invalidArgument(path: path, "cannot finish job \(id) as \(state.rawValue): use release")
        }
        let path = self.path
        try withConnection { db throws(QueueError) in
            let values: [SQLiteValue] = [
                .text(state.rawValue), .text(stage), .blob(progress), .int(attempts), .text(lastError), .date(now),
                .integer(id.rawValue), .text(token),
            ]
            if try db.execute(Self.finishSQL, values) == 0 {
                throw .leaseLost(path: path, id: id)
            }
        }
    }

    private static let finishBatchSQL = """
        UPDATE jobs SET state = ?1, lease_owner = NULL, lease_expires_at = NULL, lease_token = NULL, finished_at = ?2, updated_at = ?2
        WHERE id = ?3 AND lease_token = ?4 AND \(active)
        """

    /// Finishes many leased jobs in one transaction (stage, progress, attempts and lastError are kept).
    /// All or nothing: if any claim (named by its `token`) lost its job, nothing is finished and `.leaseLost`
    /// is thrown (naming that job); a non-terminal state throws `.invalidArgument`.
    public func finish(_ items: [(id: JobID, token: String, state: JobState)], now: Date = Date()) throws(QueueError) {
        guard !items.isEmpty else { return }
        if let bad = items.first(where: { !$0.state.isTerminal }) {
            throw .invalidArgument(path: path, "cannot finish job \(bad.id) as \(bad.state.rawValue): use release")
        }
        let path = self.path
        let items = items.map { (id: $0.id.rawValue, token: $0.token, state: $0.state.rawValue) }
        try withTransaction { db throws(QueueError) in
            for item in items {
                let values: [SQLiteValue] = [.text(item.state), .date(now), .integer(item.id), .text(item.token)]
                if try db.execute(Self.finishBatchSQL, values) == 0 {
                    throw .leaseLost(path: path, id: JobID(item.id))
                }
            }
        }
    }
}
