import DropQueue
import Foundation
import HeyGenAPI
import DropPipeline

/// What `heygen-dropd status` shows: the queue's counts by state, the oldest waiting job, the last errors,
/// and whether a daemon holds the queue. Read from the database while a daemon may be working on it.
public struct QueueReport: Sendable, Equatable {
    /// The database read.
    public var database: String
    /// Whether a daemon holds the state directory's lock.
    public var daemonRunning: Bool
    /// The pid of that daemon, when it could be read from the lock file.
    public var daemonPID: Int32?
    /// How many jobs are in each part of their life.
    public var counts: Counts
    /// The queued job enqueued first, if any job is queued.
    public var oldestWaiting: WaitingJob?
    /// Up to five failed jobs, the most recently finished first.
    public var lastErrors: [RecentError]
    /// When the report was read.
    public var takenAt: Date
    /// Queued jobs held back, the first to go on first: by the spend guard, or by their own step for a reason
    /// their stage names (a full outbox). Up to `heldLimit` of each kind.
    public var held: [HeldJob] = []
    /// How many queued jobs are held back in all.
    public var heldCount: Int = 0
    /// Jobs per state, by profile (every profile that has jobs).
    public var byProfile: [String: [String: Int]] = [:]

    /// A job held back: by the spend guard (its profile reached `max_videos_per_day`; `until` says when it goes
    /// on) or by its own step (`waiting_for_disk_space`; `reason` says why).
    public struct HeldJob: Sendable, Equatable {
        /// The job.
        public var id: JobID
        /// Its source name.
        public var name: String
        /// Its profile.
        public var profile: String
        /// Its stage (`held` for the spend guard, `waiting_for_disk_space`).
        public var stage: String
        /// When it goes on, for a spend hold (the spend window frees then).
        public var until: Date?
        /// What its step said, when it said something.
        public var reason: String?

        /// The one-line status: "held until …" for a spend hold, else the stage and its reason.
        public var status: String {
            if let until { return "held until \(Timestamp.rfc3339(until))" }
            return stage + (reason.map { ": \($0)" } ?? "")
        }
    }

    /// How many held jobs of each kind the report lists.
    public static let heldLimit = 20

    /// The stages whose queued jobs the report lists as held.
    static let heldStages = [JobStage.held.rawValue, JobStage.waitingForSpace.rawValue]

    /// Jobs by where they are: every job is in exactly one of these.
    public struct Counts: Sendable, Equatable {
        /// Queued and not being worked on: new, waiting for a retry, or for a video slot.
        public var queued: Int
        /// Queued jobs a worker is on right now (checks, uploads, creating the video).
        public var inFlight: Int
        /// Uploaded, their video being made.
        public var waitingVideo: Int
        /// Finished well.
        public var succeeded: Int
        /// Finished with an error.
        public var failed: Int

        /// e.g. `queued 3, in flight 2, waiting for video 1, succeeded 40, failed 0`.
        public var text: String {
            "queued \(queued), in flight \(inFlight), waiting for video \(waitingVideo), succeeded \(succeeded), failed \(failed)"
        }
    }

    /// A job waiting in the queue.
    public struct WaitingJob: Sendable, Equatable {
        /// The job.
        public var id: JobID
        /// Its source name in the inbox.
        public var name: String
        /// Its stage, when it has begun.
        public var stage: String?
        /// When it was enqueued.
        public var since: Date
    }

    /// A failed job and why it failed.
    public struct RecentError: Sendable, Equatable {
        /// The job.
        public var id: JobID
        /// Its source name.
        public var name: String
        /// The result's error code (`unauthorized`, `unsupported_type`, ...), when known.
        public var code: String?
        /// The human message.
        public var message: String
        /// The HTTP status of the request that failed, when one did.
        public var httpStatus: Int?
        /// When the job finished.
        public var at: Date
    }

    /// How many failed jobs the report lists.
    public static let errorLimit = 5

    /// Reads the report from `queue`; the daemon lock is looked up in `stateDir`.
    public static func read(queue: any QueueStore, stateDir: String, now: Date = Date()) async throws -> QueueReport {
        let holder = DaemonLock.holder(stateDir: stateDir)
        let counts = try await Self.counts(queue, now: now)
        let oldest = try await queue.oldestWaiting().map {
            WaitingJob(id: $0.id, name: $0.sourceName, stage: $0.stage, since: $0.createdAt)
        }
        let errors = try await queue.recentFailures(limit: errorLimit).map(RecentError.init(failedJob:))
        var held: [HeldJob] = []
        var heldCount = 0
        for stage in heldStages {
            let spend = stage == JobStage.held.rawValue
            held += try await queue.queuedJobs(stage: stage, limit: heldLimit).map {
                HeldJob(
                    id: $0.id, name: $0.sourceName, profile: $0.profile, stage: stage,
                    until: spend ? $0.nextAttemptAt : nil, reason: spend ? nil : $0.lastError)
            }
            heldCount += try await queue.queuedCount(stage: stage)
        }
        return QueueReport(
            database: queue.location, daemonRunning: holder != nil, daemonPID: holder.flatMap { $0 > 0 ? $0 : nil },
            counts: counts, oldestWaiting: oldest, lastErrors: errors, takenAt: now, held: held,
            heldCount: heldCount, byProfile: try await queue.countsByProfile())
    }

    /// The counts; a lease on a job waiting for its video (a poll in progress) does not make it in flight.
    package static func counts(_ queue: any QueueStore, now: Date) async throws -> Counts {
        let raw = try await queue.counts(now: now)
        let waiting = raw[.waitingVideo]
        // Jobs waiting for their video are few (the video concurrency bounds them): look at their leases.
        let polled = waiting == 0 ? 0 : try await queue.jobs(state: .waitingVideo, limit: waiting).filter { $0.isLeased(at: now) }.count
        let inFlight = min(raw[.queued], max(0, raw.leased - polled))
        return Counts(
            queued: raw[.queued] - inFlight, inFlight: inFlight, waitingVideo: waiting, succeeded: raw[.succeeded],
            failed: raw[.failed])
    }

    /// The report for people: a few labelled lines.
    public func text() -> String {
        var lines: [String] = []
        switch (daemonRunning, daemonPID) {
        case (true, let pid?): lines.append("daemon:          running (pid \(pid))")
        case (true, nil): lines.append("daemon:          running")
        case (false, _): lines.append("daemon:          not running")
        }
        lines.append("queue:           \(database)")
        lines.append("jobs:            \(counts.text)")
        if let job = oldestWaiting {
            let stage = job.stage.map { ", \($0)" } ?? ""
            lines.append(
                "oldest waiting:  job \(job.id) \(job.name), queued \(Self.age(from: job.since, to: takenAt)) ago\(stage)")
        } else {
            lines.append("oldest waiting:  none")
        }
        if byProfile.count > 1 || byProfile.keys.contains(where: { $0 != JobQueue.defaultProfile }) {
            lines.append("profiles:")
            for (profile, states) in byProfile.sorted(by: { $0.key < $1.key }) {
                let text = JobState.allCases.map { "\($0.rawValue) \(states[$0.rawValue] ?? 0)" }.joined(separator: ", ")
                lines.append("  \(profile): \(text)")
            }
        }
        if heldCount > 0 {
            lines.append("held:            \(heldCount) job(s)")
            for job in held {
                let until = job.until.map { " (in \(Self.age(from: takenAt, to: $0)))" } ?? ""
                lines.append("  job \(job.id) \(job.name) (profile \(job.profile)): \(job.status)\(until)")
            }
        }
        if lastErrors.isEmpty {
            lines.append("last errors:     none")
        } else {
            lines.append("last errors:")
            for error in lastErrors {
                let code = error.code.map { "\($0): " } ?? ""
                let http = error.httpStatus.map { " (HTTP \($0))" } ?? ""
                lines.append(
                    "  job \(error.id) \(error.name): \(code)\(error.message)\(http), \(Timestamp.rfc3339(error.at)) "
                        + "(\(Self.age(from: error.at, to: takenAt)) ago)")
            }
        }
        return lines.joined(separator: "\n")
    }

    /// The report for scripts: one JSON object (see `jsonData()`).
    public func json() -> JSONValue {
        let counts: [String: JSONValue] = [
            "queued": .number(Double(self.counts.queued)),
            "in_flight": .number(Double(self.counts.inFlight)),
            "waiting_video": .number(Double(self.counts.waitingVideo)),
            "succeeded": .number(Double(self.counts.succeeded)),
            "failed": .number(Double(self.counts.failed)),
        ]
        let oldest: JSONValue = oldestWaiting.map { job in
            .object([
                "job_id": .string(job.id.description),
                "name": .string(job.name),
                "stage": job.stage.map(JSONValue.string) ?? .null,
                "created_at": .string(Timestamp.rfc3339(job.since)),
                "age_seconds": .number(max(0, takenAt.timeIntervalSince(job.since)).rounded()),
            ])
        } ?? .null
        let errors: [JSONValue] = lastErrors.map { error in
            .object([
                "job_id": .string(error.id.description),
                "name": .string(error.name),
                "code": error.code.map(JSONValue.string) ?? .null,
                "message": .string(error.message),
                "http_status": error.httpStatus.map { .number(Double($0)) } ?? .null,
                "finished_at": .string(Timestamp.rfc3339(error.at)),
            ])
        }
        return .object([
            "database": .string(database),
            "daemon_running": .bool(daemonRunning),
            "daemon_pid": daemonPID.map { .number(Double($0)) } ?? .null,
            "counts": .object(counts),
            "oldest_waiting": oldest,
            "last_errors": .array(errors),
            "generated_at": .string(Timestamp.rfc3339(takenAt)),
            "held_count": .number(Double(heldCount)),
            "held": .array(
                held.map { job in
                    .object([
                        "job_id": .string(job.id.description),
                        "name": .string(job.name),
                        "profile": .string(job.profile),
                        "stage": .string(job.stage),
                        "held_until": job.until.map { .string(Timestamp.rfc3339($0)) } ?? .null,
                        "reason": job.reason.map(JSONValue.string) ?? .null,
                        "status": .string(job.status),
                    ])
                }),
            "profiles": .object(
                byProfile.mapValues { states in .object(states.mapValues { .number(Double($0)) }) }),
        ])
    }

    /// `json()` as one line of JSON with sorted keys, ending in a newline.
    public func jsonData() -> Data {
        OperatorJSON.line(json())
    }

    /// A short human duration: `12s`, `3m 12s`, `2h 5m`, `4d 3h`.
    public static func age(from start: Date, to end: Date) -> String {
        let seconds = max(0, Int(end.timeIntervalSince(start)))
        switch seconds {
        case ..<60: return "\(seconds)s"
        case ..<3600: return "\(seconds / 60)m \(seconds % 60)s"
        case ..<86_400: return "\(seconds / 3600)h \(seconds % 3600 / 60)m"
        default: return "\(seconds / 86_400)d \(seconds % 86_400 / 3600)h"
        }
    }
}

extension QueueReport.RecentError {
    /// The error of a failed job: from its decided result when the job has one, else from its last error line.
    package init(failedJob job: Job) {
        id = job.id
        name = job.sourceName
        at = job.finishedAt ?? job.updatedAt
        if let error = (try? JobProgress.decode(job.progress))?.finish?.result.error {
            code = error.code.rawValue
            message = error.message
            httpStatus = error.httpStatus
            return
        }
        httpStatus = nil
        let line = job.lastError ?? "no error recorded"
        if let colon = line.range(of: ": "), FailureCode(rawValue: String(line[..<colon.lowerBound])) != nil {
            code = String(line[..<colon.lowerBound])
            message = String(line[colon.upperBound...])
        } else {
            code = nil
            message = line
        }
    }
}

/// JSON output of the operator commands.
package enum OperatorJSON {
    /// `value` as one line of JSON (sorted keys, slashes unescaped) and a newline.
    package static func line(_ value: JSONValue) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var data = (try? encoder.encode(value)) ?? Data("null".utf8)
        data.append(0x0A)
        return data
    }
}
