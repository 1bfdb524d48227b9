import DropQueue
import Foundation
import Logging
import DropPipeline
import DropSettings

/// Opens the daemon's queue database for the operator commands (`status`, `jobs`, `retry`).
///
/// Unlike the daemon, an operator command never creates the database: a missing file means the daemon has
/// not run with these settings yet (or the settings point elsewhere), which is worth saying plainly.
/// The database may be open in a running daemon at the same time (WAL mode, busy timeout).
public enum OperatorQueue {
    /// The queue of `settings`, or a one-line `OperatorError` when its database file does not exist.
    public static func open(_ settings: Settings, logger: Logger) throws -> JobQueue {
        let path = settings.databasePath
        guard FileIO.exists(path) else {
            throw OperatorError("no queue database at \(path): has the daemon run?")
        }
        return try JobQueue(path: path, logger: logger)
    }
}

/// A problem an operator command reports in one line (a missing database, a bad argument, ...).
public struct OperatorError: Error, CustomStringConvertible, Sendable {
    /// The line to show.
    public let description: String

    /// An error saying `description`.
    public init(_ description: String) { self.description = description }
}
