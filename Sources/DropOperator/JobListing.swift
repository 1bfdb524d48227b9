import DropQueue
import Foundation
import HeyGenAPI
import DropPipeline

/// What `heygen-dropd jobs` shows: one line per job, newest first.
public struct JobListing: Sendable, Equatable {
    /// The jobs, newest first.
    public var jobs: [Job]
    /// The state asked for, nil for all.
    public var state: JobState?
    /// When the listing was read (to tell jobs in flight).
    public var takenAt: Date

    /// How many jobs are listed when `--limit` is not given.
    public static let defaultLimit = 50

    /// The state named by `--state` (`queued`, `waiting_video`, `succeeded`, `failed`), nil when not given.
    /// Throws a one-line `OperatorError` for any other value.
    public static func state(parsing text: String?) throws -> JobState? {
        guard let text else { return nil }
        guard let state = JobState(rawValue: text.trimmingCharacters(in: .whitespaces).lowercased()) else {
            let names = JobState.allCases.map(\.rawValue).joined(separator: ", ")
            throw OperatorError("unknown job state \"\(text)\": use one of \(names)")
        }
        return state
    }

    /// The `--limit` value (a whole number, at least 1), or `defaultLimit` when not given.
    /// Throws a one-line `OperatorError` for anything else.
    public static func limit(parsing text: String?) throws -> Int {
        guard let text else { return defaultLimit }
        guard let limit = Int(text.trimmingCharacters(in: .whitespaces)), limit >= 1 else {
            throw OperatorError("--limit must be a whole number of at least 1, not \"\(text)\"")
        }
        return limit
    }

    /// Reads up to `limit` jobs of `state` (nil: any state) of `profile` (nil: any profile), newest first.
    public static func read(
        queue: any QueueStore, state: JobState?, limit: Int, profile: String? = nil, now: Date = Date()
    ) async throws -> JobListing {
        JobListing(jobs: try await queue.jobs(state: state, limit: limit, profile: profile), state: state, takenAt: now)
    }

    /// A table with a header line: id, state, stage, kind, attempts, updated, name and last error.
    public func text() -> String {
        guard !jobs.isEmpty else {
            return state.map { "no \($0.rawValue) jobs" } ?? "no jobs"
        }
        // The profile column appears once there are profiles.
        let profiles = jobs.contains { $0.profile != JobQueue.defaultProfile }
        let header = ["ID", "STATE", "STAGE", "KIND"] + (profiles ? ["PROFILE"] : []) + ["ATTEMPTS", "UPDATED", "NAME", "LAST ERROR"]
        let rows: [[String]] = jobs.map { job in
            [
                job.id.description,
                job.isLeased(at: takenAt) ? "\(job.state.rawValue)*" : job.state.rawValue,
                job.stage == JobStage.held.rawValue && job.state == .queued
                    ? "held until \(Timestamp.rfc3339(job.nextAttemptAt))" : job.stage ?? "-",
                job.kind,
            ] + (profiles ? [job.profile] : []) + [
                String(job.attempts),
                Timestamp.rfc3339(job.updatedAt),
                Self.oneLine(job.sourceName),
                job.lastError.map(Self.oneLine) ?? "-",
            ]
        }
        let table = [header] + rows
        let widths = header.indices.map { column in table.map { $0[column].count }.max() ?? 0 }
        var lines = table.map { row in
            row.indices.map { column in
                column == row.count - 1 ? row[column] : row[column].padding(toLength: widths[column], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }
        if jobs.contains(where: { $0.isLeased(at: takenAt) }) {
            lines.append("* being worked on now")
        }
        return lines.joined(separator: "\n")
    }

    /// The listing for scripts: `{"jobs": [...]}`, each job with `job_id`, `state`, `stage`, `kind`,
    /// `attempts`, `name`, `last_error`, `in_flight`, `created_at`, `updated_at`, `finished_at`, `next_attempt_at`.
    public func json() -> JSONValue {
        .object([
            "jobs": .array(
                jobs.map { job in
                    .object([
                        "job_id": .string(job.id.description),
                        "state": .string(job.state.rawValue),
                        "stage": job.stage.map(JSONValue.string) ?? .null,
                        "kind": .string(job.kind),
                        "profile": .string(job.profile),
                        "held_until": job.stage == JobStage.held.rawValue && job.state == .queued
                            ? .string(Timestamp.rfc3339(job.nextAttemptAt)) : .null,
                        "attempts": .number(Double(job.attempts)),
                        "name": .string(job.sourceName),
                        "last_error": job.lastError.map(JSONValue.string) ?? .null,
                        "in_flight": .bool(job.isLeased(at: takenAt)),
                        "created_at": .string(Timestamp.rfc3339(job.createdAt)),
                        "updated_at": .string(Timestamp.rfc3339(job.updatedAt)),
                        "finished_at": job.finishedAt.map { .string(Timestamp.rfc3339($0)) } ?? .null,
                        "next_attempt_at": job.state == .queued || job.state == .waitingVideo
                            ? .string(Timestamp.rfc3339(job.nextAttemptAt)) : .null,
                    ])
                })
        ])
    }

    /// `json()` as one line of JSON with sorted keys, ending in a newline.
    public func jsonData() -> Data {
        OperatorJSON.line(json())
    }

    private static func oneLine(_ text: String) -> String {
        text.replacingOccurrences(of: "\n", with: " ").replacingOccurrences(of: "\t", with: " ")
    }
}
