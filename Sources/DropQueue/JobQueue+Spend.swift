#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import SystemSupport

/// What the spend guard says about a paid step (a Video Agent create, a translation's languages).
public enum SpendDecision: Sendable, Equatable {
    /// Go ahead: the step's units are recorded.
    case allowed
    /// Over the profile's cap: wait until this time, when enough of the window has freed.
    case held(until: Date)
}

/// The spend guard's ledger: what each profile's jobs spent, counted over a rolling window. Kept in the
/// queue's database, so it survives restarts.
extension JobQueue {
    /// Records `units` for the step `step` of run `run` of job `job` in `profile`, when the profile's units
    /// recorded within `window` before `now`, plus these, stay within `cap`; otherwise answers when they would.
    /// A step already recorded (the same job, run and step: a resumed job) is allowed again without counting
    /// twice. A step of more units than `cap` is allowed once the window holds nothing else, so it never waits
    /// forever.
    public func reserveSpend(
        job: JobID, run: Int, step: String, profile: String, units: Int, cap: Int, window: Duration, now: Date = Date()
    ) throws(QueueError) -> SpendDecision {
        let windowSeconds = window.seconds
        return try withTransaction { db throws(QueueError) -> SpendDecision in
            let known = try db.queryFirst(
                "SELECT 1 FROM spend WHERE job_id = ?1 AND run = ?2 AND step = ?3",
                [.integer(job.rawValue), .int(run), .text(step)], { row throws(QueueError) in row.int(0) })
            if known != nil { return .allowed }
            let spent = try db.query(
                "SELECT units, at FROM spend WHERE profile = ?1 AND at > ?2 ORDER BY at",
                [.text(profile), .date(now.addingTimeInterval(-windowSeconds))],
                { row throws(QueueError) in (units: row.int(0), at: row.double(1)) })
            var total = spent.reduce(0) { $0 + $1.units }
            if total + units <= cap || total == 0 {
                try db.execute(
                    "INSERT INTO spend (job_id, run, step, profile, units, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                    [.integer(job.rawValue), .int(run), .text(step), .text(profile), .int(units), .date(now)])
                return .allowed
            }
            for entry in spent {
                total -= entry.units
                if total + units <= cap || total == 0 {
                    return .held(until: Date(timeIntervalSince1970: entry.at + windowSeconds))
                }
            }
            return .held(until: now.addingTimeInterval(windowSeconds))
        }
    }

    /// Forgets the units recorded for a step that proved to spend nothing (the API refused the create).
    public func releaseSpend(job: JobID, run: Int, step: String) throws(QueueError) {
        try withConnection { db throws(QueueError) in
            try db.execute(
                "DELETE FROM spend WHERE job_id = ?1 AND run = ?2 AND step = ?3",
                [.integer(job.rawValue), .int(run), .text(step)])
        }
    }

    /// The units `profile` recorded within `window` before `now`.
    public func spent(profile: String, window: Duration, now: Date = Date()) throws(QueueError) -> Int {
        try withConnection { db throws(QueueError) -> Int in
            try db.queryFirst(
                "SELECT coalesce(sum(units), 0) FROM spend WHERE profile = ?1 AND at > ?2",
                [.text(profile), .date(now.addingTimeInterval(-window.seconds))], { row throws(QueueError) in row.int(0) })
                ?? 0
        }
    }

    /// How many queued jobs have the stage label `stage`.
    public func queuedCount(stage: String) throws(QueueError) -> Int {
        try withConnection { db throws(QueueError) -> Int in
            try db.queryFirst(
                "SELECT count(*) FROM jobs WHERE state = 'queued' AND stage = ?1", [.text(stage)],
                { row throws(QueueError) in row.int(0) }) ?? 0
        }
    }

    /// Jobs per state, by profile (a scan of the jobs: for operator commands, not hot paths).
    public func countsByProfile() throws(QueueError) -> [String: [String: Int]] {
        try withConnection { db throws(QueueError) -> [String: [String: Int]] in
            var counts: [String: [String: Int]] = [:]
            let rows = try db.query("SELECT profile, state, count(*) FROM jobs GROUP BY profile, state") {
                row throws(QueueError) in (row.string(0) ?? JobQueue.defaultProfile, row.string(1) ?? "", row.int(2))
            }
            for (profile, state, count) in rows { counts[profile, default: [:]][state] = count }
            return counts
        }
    }
}
