import DropQueue
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Claims fair between profiles: one queue for every watched inbox, served in turn, as on SQLite.
extension PostgresQueueStore {
    /// Up to `limit` due jobs: starting with the next profile in turn (this process's turn), one job of each
    /// profile in rotation, round after round, each taken by a claim statement of its own (so other hosts'
    /// claims are skipped, never waited for); then jobs of profiles not listed, oldest first, until `limit`.
    func fairClaim(
        owner: String, wanted: [String], lease: Duration, limit: Int, now: Date, leaseNow: Date?, profiles: [String]
    ) async throws(QueueError) -> [Job] {
        let start = turn.withLock { turn in
            defer { turn &+= 1 }
            return turn
        }
        let order = profiles.indices.map { profiles[(start + $0) % profiles.count] }
        var claimed: [Job] = []
        var open = order
        while claimed.count < limit, !open.isEmpty {
            var stillOpen: [String] = []
            for profile in open where claimed.count < limit {
                let got = try await claimStatement(
                    owner: owner, wanted: wanted, lease: lease, limit: 1, now: now, leaseNow: leaseNow, only: profile,
                    except: nil)
                claimed += got
                if !got.isEmpty { stillOpen.append(profile) }
            }
            open = stillOpen
        }
        if claimed.count < limit {
            // Jobs of profiles that are no longer configured still get their turn, after the others'.
            claimed += try await claimStatement(
                owner: owner, wanted: wanted, lease: lease, limit: limit - claimed.count, now: now, leaseNow: leaseNow,
                only: nil, except: profiles)
        }
        return claimed
    }
}
