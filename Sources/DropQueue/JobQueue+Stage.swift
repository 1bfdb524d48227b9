#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

extension JobQueue {
    /// Up to `limit` queued jobs whose stage label is `stage` (jobs held for a reason the stage names, such as
    /// a full outbox, or the spend guard), the first to go on first.
    public func queuedJobs(stage: String, limit: Int) throws(QueueError) -> [Job] {
        guard limit > 0 else { return [] }
        let path = self.path
        return try withConnection { db throws(QueueError) -> [Job] in
            try db.query(
                "SELECT \(JobRow.columns) FROM jobs WHERE state = 'queued' AND stage = ?1 ORDER BY next_attempt_at, id LIMIT ?2",
                [.text(stage), .int(limit)]) { row throws(QueueError) in try JobRow.decode(row, path: path) }
        }
    }
}
