import DropQueue
import PostgresNIO
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Reading `Job` values from rows of the `jobs` table.
enum PostgresJobRow {
    /// The columns every job query selects.
    static let columns = """
        id, source_name, kind, fingerprint, state, stage, attempts, claims, next_attempt_at, last_error, \
        lease_owner, lease_expires_at, progress, created_at, updated_at, finished_at, lease_token, profile
        """

    /// The same columns qualified by the table name, for statements that join.
    static let qualifiedColumns = columns.split(separator: ",").map { "jobs." + $0.trimmingCharacters(in: .whitespaces) }
        .joined(separator: ", ")

    /// The job in `row` (selected with `columns`).
    static func decode(_ row: PostgresRow) throws -> Job {
        let cells = row.makeRandomAccess()
        let id = try cells["id"].decode(Int64.self)
        let stateText = try cells["state"].decode(String.self)
        guard let state = JobState(rawValue: stateText) else {
            throw PostgresDecodeFailure(message: "job \(id) has an unknown state '\(stateText)'")
        }
        func date(_ name: String) throws -> Date? {
            try cells[name].decode(Double?.self).map { Date(timeIntervalSince1970: $0) }
        }
        return Job(
            id: JobID(id),
            sourceName: try cells["source_name"].decode(String.self),
            kind: try cells["kind"].decode(String.self),
            fingerprint: try cells["fingerprint"].decode(String?.self),
            state: state,
            stage: try cells["stage"].decode(String?.self),
            attempts: Int(try cells["attempts"].decode(Int32.self)),
            claims: Int(try cells["claims"].decode(Int32.self)),
            nextAttemptAt: try date("next_attempt_at") ?? Date(timeIntervalSince1970: 0),
            lastError: try cells["last_error"].decode(String?.self),
            leaseOwner: try cells["lease_owner"].decode(String?.self),
            leaseExpiresAt: try date("lease_expires_at"),
            progress: try cells["progress"].decode(Data?.self),
            createdAt: try date("created_at") ?? Date(timeIntervalSince1970: 0),
            updatedAt: try date("updated_at") ?? Date(timeIntervalSince1970: 0),
            finishedAt: try date("finished_at"),
            leaseToken: try cells["lease_token"].decode(String?.self),
            profile: try cells["profile"].decode(String.self)
        )
    }
}

/// A row the queue cannot read (an unknown state written by a newer program, say).
struct PostgresDecodeFailure: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}

extension Date {
    /// Unix seconds, as the PostgreSQL queue stores times.
    var unixSeconds: Double { timeIntervalSince1970 }
}

/// The bytes of `data` as a `bytea` parameter (nil stays NULL).
func bytea(_ data: Data?) -> ByteBuffer? {
    data.map { ByteBuffer(bytes: $0) }
}
