#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Claims fair between profiles: one queue for every watched inbox, served in turn.
extension JobQueue {
    // The literal active condition lets SQLite use the partial index jobs_profile_due, already in claim order.
    private static let profileCandidatesSQL = """
        SELECT id, next_attempt_at FROM jobs
        WHERE \(active) AND profile = ?5 AND state = ?1 AND next_attempt_at <= ?2
          AND (lease_expires_at IS NULL OR lease_expires_at <= ?4)
        ORDER BY next_attempt_at, id LIMIT ?3
        """

    /// Up to `limit` due jobs of `state`: the oldest of each profile in turn, starting with `profiles[start %
    /// count]`, then round after round; then from `oldest` (every profile's, oldest first) the jobs of profiles
    /// not listed, until `limit`.
    static func fairCandidates(
        _ db: SQLiteConnection, state: JobState, profiles: [String], start: Int, oldest: [(id: Int64, due: Double)],
        limit: Int, now: Date, leaseNow: Date
    ) throws(QueueError) -> [(id: Int64, due: Double)] {
        let count = profiles.count
        var lists: [[(id: Int64, due: Double)]] = []
        for offset in 0..<count {
            let profile = profiles[(start + offset) % count]
            lists.append(
                try db.query(
                    profileCandidatesSQL,
                    [.text(state.rawValue), .date(now), .int(limit), .date(leaseNow), .text(profile)],
                    { row throws(QueueError) in (id: row.int64(0), due: row.double(1)) }))
        }
        var picked: [(id: Int64, due: Double)] = []
        var taken = Set<Int64>()
        var round = 0
        while picked.count < limit, lists.contains(where: { $0.count > round }) {
            for list in lists where list.count > round && picked.count < limit {
                picked.append(list[round])
                taken.insert(list[round].id)
            }
            round += 1
        }
        // Jobs of profiles that are no longer configured still get their turn, after the others'.
        for candidate in oldest where picked.count < limit && !taken.contains(candidate.id) {
            let listed = lists.contains { list in list.contains { $0.id == candidate.id } }
            if !listed {
                picked.append(candidate)
                taken.insert(candidate.id)
            }
        }
        return picked
    }
}
