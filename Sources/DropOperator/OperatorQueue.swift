import DropQueue
import DropQueuePostgres
import Foundation
import Logging
import DropPipeline
import DropSettings

/// Opens the queue the settings name, for the daemon and the operator commands (`status`, `jobs`, `retry`):
/// SQLite in the state dir by default, or the PostgreSQL database of `queue_url` shared by several hosts.
///
/// Unlike the daemon, an operator command never creates an SQLite database: a missing file means the daemon
/// has not run with these settings yet (or the settings point elsewhere), which is worth saying plainly.
/// The database may be open in a running daemon at the same time (WAL mode, busy timeout).
public enum OperatorQueue {
    /// The store of `settings`, not yet running (see `withRunningQueueStore`). SQLite is opened at once
    /// (created when `create`, else a one-line `OperatorError` when the file does not exist); PostgreSQL
    /// connects once run.
    public static func store(_ settings: Settings, logger: Logger, create: Bool) throws -> any QueueStore {
        if let url = settings.queue.url {
            let configuration = try PostgresQueueConfiguration(url: url, password: settings.queue.password?.value)
            return PostgresQueueStore(configuration: configuration, logger: logger)
        }
        let path = settings.databasePath
        guard create || FileIO.exists(path) else {
            throw OperatorError("no queue database at \(path): has the daemon run?")
        }
        return SQLiteQueueStore(queue: try JobQueue(path: path, logger: logger))
    }

    /// Runs `body` with the queue of `settings` (never creating an SQLite file), running for the scope.
    public static func with<T: Sendable>(
        _ settings: Settings, logger: Logger, _ body: (any QueueStore) async throws -> T
    ) async throws -> T {
        let store = try store(settings, logger: logger, create: false)
        return try await withRunningQueueStore(store) { try await body(store) }
    }
}

/// A problem an operator command reports in one line (a missing database, a bad argument, ...).
public struct OperatorError: Error, CustomStringConvertible, Sendable {
    /// The line to show.
    public let description: String

    /// An error saying `description`.
    public init(_ description: String) { self.description = description }
}
