#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

extension JobQueue {
    private static let nextClaimableSQL = """
        SELECT MIN(MAX(next_attempt_at, COALESCE(lease_expires_at, 0))) FROM jobs
        WHERE \(active) AND state = ?1
        """

    /// The earliest time at which a job in one of `states` may be claimable: its `nextAttemptAt`, or the
    /// end of its lease when that is later. Nil when no job is in those states.
    ///
    /// An idle worker sleeps until then (or until it is told of new work) instead of asking the database
    /// on a timer. The answer may be in the past (a job is claimable now, or a lease has run out).
    public func nextClaimableAt(states: Set<JobState>) throws(QueueError) -> Date? {
        let wanted = JobState.allCases.filter { states.contains($0) && $0.isActive }
        return try withConnection { db throws(QueueError) -> Date? in
            var earliest: Date?
            for state in wanted {
                let found = try db.queryFirst(Self.nextClaimableSQL, [.text(state.rawValue)]) { row in row.date(0) }
                if let found = found ?? nil {
                    earliest = min(earliest ?? found, found)
                }
            }
            return earliest
        }
    }
}
