import DropQueue
import PostgresNIO
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The spend guard's ledger and the counts by profile, shared by every host draining the queue.
extension PostgresQueueStore {
    /// The key space of the advisory locks taken while a profile's spend is counted (one lock per profile).
    static let spendLockSpace: Int32 = 0x6865_7903

    /// See `QueueStore.reserveSpend(job:run:step:profile:units:cap:window:now:)`. The profile's ledger is
    /// counted and written under a transaction-scoped advisory lock of that profile, so two hosts reserving
    /// at once cannot both slip under the cap.
    public func reserveSpend(
        job: JobID, run: Int, step: String, profile: String, units: Int, cap: Int, window: Duration, now: Date
    ) async throws(QueueError) -> SpendDecision {
        let windowSeconds = window.seconds
        let since = now.addingTimeInterval(-windowSeconds).unixSeconds
        let jobID = job.rawValue
        let runNumber = Int32(clamping: run)
        let unitCount = Int32(clamping: units)
        let lockSpace = Self.spendLockSpace
        return try await transaction { db, logger in
            try await db.query("SELECT pg_advisory_xact_lock(\(lockSpace), hashtext(\(profile)))", logger: logger)
            let known = try await db.query(
                "SELECT 1 FROM spend WHERE job_id = \(jobID) AND run = \(runNumber) AND step = \(step)", logger: logger
            ).collect()
            if !known.isEmpty { return SpendDecision.allowed }
            var spent: [(units: Int, at: Double)] = []
            for try await (entryUnits, at) in try await db.query(
                "SELECT units, at FROM spend WHERE profile = \(profile) AND at > \(since) ORDER BY at", logger: logger
            ).decode((Int32, Double).self) {
                spent.append((units: Int(entryUnits), at: at))
            }
            var total = spent.reduce(0) { $0 + $1.units }
            if total + units <= cap || total == 0 {
                try await db.query(
                    """
                    INSERT INTO spend (job_id, run, step, profile, units, at)
                    VALUES (\(jobID), \(runNumber), \(step), \(profile), \(unitCount), \(now.unixSeconds))
                    ON CONFLICT DO NOTHING
                    """, logger: logger)
                return SpendDecision.allowed
            }
            for entry in spent {
                total -= entry.units
                if total + units <= cap || total == 0 {
                    return SpendDecision.held(until: Date(timeIntervalSince1970: entry.at + windowSeconds))
                }
            }
            return SpendDecision.held(until: now.addingTimeInterval(windowSeconds))
        }
    }

    /// See `QueueStore.releaseSpend(job:run:step:)`.
    public func releaseSpend(job: JobID, run: Int, step: String) async throws(QueueError) {
        _ = try await rows(
            "DELETE FROM spend WHERE job_id = \(job.rawValue) AND run = \(Int32(clamping: run)) AND step = \(step)")
    }

    /// See `QueueStore.spent(profile:window:now:)`.
    public func spent(profile: String, window: Duration, now: Date) async throws(QueueError) -> Int {
        let since = now.addingTimeInterval(-window.seconds).unixSeconds
        let rows = try await rows(
            "SELECT coalesce(sum(units), 0)::bigint AS total FROM spend WHERE profile = \(profile) AND at > \(since)")
        do {
            return Int(try rows.first?.makeRandomAccess()["total"].decode(Int64.self) ?? 0)
        } catch {
            throw queueError(error)
        }
    }

    /// See `QueueStore.queuedCount(stage:)`.
    public func queuedCount(stage: String) async throws(QueueError) -> Int {
        let rows = try await rows(
            "SELECT count(*)::bigint AS n FROM jobs WHERE state = 'queued' AND stage = \(stage)")
        do {
            return Int(try rows.first?.makeRandomAccess()["n"].decode(Int64.self) ?? 0)
        } catch {
            throw queueError(error)
        }
    }

    /// See `QueueStore.countsByProfile()`.
    public func countsByProfile() async throws(QueueError) -> [String: [String: Int]] {
        let rows = try await rows("SELECT profile, state, count(*)::bigint AS n FROM jobs GROUP BY profile, state")
        var counts: [String: [String: Int]] = [:]
        do {
            for row in rows {
                let cells = row.makeRandomAccess()
                let profile = try cells["profile"].decode(String.self)
                let state = try cells["state"].decode(String.self)
                counts[profile, default: [:]][state] = Int(try cells["n"].decode(Int64.self))
            }
        } catch {
            throw queueError(error)
        }
        return counts
    }
}
