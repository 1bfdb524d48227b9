#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Reading `Job` values from rows of the `jobs` table.
enum JobRow {
    /// The columns every job query selects, in the order `decode` reads them.
    static let columns = """
        id, source_name, kind, fingerprint, state, stage, attempts, claims, next_attempt_at, last_error, \
        lease_owner, lease_expires_at, progress, created_at, updated_at, finished_at, lease_token, profile
        """

    /// The job in `row` (selected with `columns`).
    static func decode(_ row: SQLiteRow, path: String) throws(QueueError) -> Job {
        let stateText = row.string(4) ?? ""
        guard let state = JobState(rawValue: stateText) else {
            throw .sqlite(path: path, code: 11, message: "job \(row.int64(0)) has an unknown state '\(stateText)'")
        }
        return Job(
            id: JobID(row.int64(0)),
            sourceName: row.string(1) ?? "",
            kind: row.string(2) ?? "",
            fingerprint: row.string(3),
            state: state,
            stage: row.string(5),
            attempts: row.int(6),
            claims: row.int(7),
            nextAttemptAt: row.date(8) ?? Date(timeIntervalSince1970: 0),
            lastError: row.string(9),
            leaseOwner: row.string(10),
            leaseExpiresAt: row.date(11),
            progress: row.data(12),
            createdAt: row.date(13) ?? Date(timeIntervalSince1970: 0),
            updatedAt: row.date(14) ?? Date(timeIntervalSince1970: 0),
            finishedAt: row.date(15),
            leaseToken: row.string(16),
            profile: row.string(17) ?? JobQueue.defaultProfile
        )
    }
}
