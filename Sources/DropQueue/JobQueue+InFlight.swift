#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The jobs being worked on, for the operator's views (the dashboard, `status --watch`).
extension JobQueue {
    /// Up to `limit` queued jobs that hold a live lease at `now` (a worker has them in hand), the oldest
    /// first. Read through the partial index on leases, so it is cheap however many jobs wait.
    public func jobsInHand(now: Date = Date(), limit: Int) throws(QueueError) -> [Job] {
        guard limit > 0 else { return [] }
        let path = self.path
        return try withConnection { db throws(QueueError) -> [Job] in
            try db.query(
                """
                SELECT \(JobRow.columns) FROM jobs
                WHERE lease_owner IS NOT NULL AND lease_expires_at > ?1 AND state = 'queued'
                ORDER BY id LIMIT ?2
                """,
                [.date(now), .int(limit)]
            ) { row throws(QueueError) in try JobRow.decode(row, path: path) }
        }
    }
}
