import DropQueue
import SystemSupport
import Logging
import PostgresNIO
import Synchronization
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The queue and the asset table in PostgreSQL, shared by several daemons (hosts) draining one queue.
///
/// Claims take rows with `SELECT … FOR UPDATE SKIP LOCKED` in one short statement, so hosts never wait for
/// each other's claims nor get the same job; a lease expires by itself, and any host claims a job whose
/// lease expired (a host that died leaves its jobs to the others). Enqueue is idempotent across hosts (one
/// active job per source name, a unique index); the video slots are counted in the database under an
/// advisory lock, so the cap holds for the account; the asset table is shared.
///
/// The store runs a connection pool that must be running: call `run()` in a task of its own (a service),
/// then `migrate()`; `withStore(configuration:logger:_:)` does both for a scope. A lost connection fails the
/// calls in progress with `.unavailable` and is re-made in the background with backoff; the next call
/// after the server is back succeeds. Leases are measured on the callers' clocks, so hosts keep their
/// clocks in step (NTP).
public final class PostgresQueueStore: QueueStore {
    /// The server's URL without a password.
    public let location: String
    let client: PostgresClient
    let logger: Logger
    let timeout: Duration
    private let configuration: PostgresQueueConfiguration
    /// Which profile this process serves first on its next fair claim (see `fairClaim`).
    let turn = Mutex(0)

    /// A store for `configuration`; connects only once `run()` runs.
    public init(configuration: PostgresQueueConfiguration, logger: Logger) {
        self.location = configuration.location
        self.logger = logger
        self.timeout = configuration.operationTimeout
        self.configuration = configuration
        self.client = PostgresClient(configuration: configuration.clientConfiguration(), backgroundLogger: logger)
    }

    /// Runs the connection pool until the task is cancelled; every other call needs it running.
    public func run() async {
        await client.run()
    }

    /// Brings the schema up to date; see `migrate()`.
    public func prepare() async throws(QueueError) {
        try await migrate()
    }

    /// Brings the schema up to date (versioned migrations; hosts starting at once migrate once), on a
    /// connection of its own, so that a server that cannot be reached or refuses the login says why.
    public func migrate() async throws(QueueError) {
        let location = self.location
        let logger = self.logger
        let configuration = self.configuration
        let applied = try await perform { _ in
            let connection = try await PostgresConnection.connect(
                configuration: try configuration.connectionConfiguration(), id: 0, logger: logger)
            do {
                let applied = try await PostgresMigrator.migrate(connection, location: location, logger: logger)
                try? await connection.close()
                return applied
            } catch {
                try? await connection.close()
                throw error
            }
        }
        for step in applied {
            logger.info("migrated queue database", metadata: ["database": "\(location)", "step": "\(step)"])
        }
    }

    /// Runs `body` with a store whose pool runs (and whose schema is up to date) for the scope, then stops it.
    @discardableResult
    public static func withStore<T: Sendable>(
        configuration: PostgresQueueConfiguration, logger: Logger,
        _ body: @Sendable (PostgresQueueStore) async throws -> T
    ) async throws -> T {
        let store = PostgresQueueStore(configuration: configuration, logger: logger)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await store.run() }
            defer { group.cancelAll() }
            try await store.migrate()
            return try await body(store)
        }
    }

    // MARK: - Running statements

    /// Runs `body` against the pool within the operation timeout; every failure comes back as a `QueueError`.
    func perform<T: Sendable>(
        _ body: @escaping @Sendable (PostgresClient) async throws -> T
    ) async throws(QueueError) -> T {
        let client = self.client
        let timeout = self.timeout
        do {
            return try await withThrowingTaskGroup(of: T?.self) { group in
                group.addTask { try await body(client) }
                group.addTask {
                    try await Task.sleep(for: timeout)
                    return nil
                }
                defer { group.cancelAll() }
                guard let first = try await group.next(), let value = first else {
                    throw OperationTimedOut()
                }
                return value
            }
        } catch {
            throw queueError(error)
        }
    }

    /// Runs one statement and returns its rows.
    func rows(_ query: PostgresQuery) async throws(QueueError) -> [PostgresRow] {
        let logger = self.logger
        return try await perform { client in try await client.query(query, logger: logger).collect() }
    }

    /// Runs one statement returning jobs.
    func jobRows(_ query: PostgresQuery) async throws(QueueError) -> [Job] {
        let logger = self.logger
        return try await perform { client in
            try await client.query(query, logger: logger).collect().map(PostgresJobRow.decode)
        }
    }

    /// Runs `body` in one transaction (rolled back if it throws).
    func transaction<T: Sendable>(
        _ body: @escaping @Sendable (PostgresConnection, Logger) async throws -> T
    ) async throws(QueueError) -> T {
        let logger = self.logger
        return try await perform { client in
            try await client.withTransaction(logger: logger) { connection in try await body(connection, logger) }
        }
    }

    /// The `QueueError` for a failure: the server unreachable (`.unavailable`) or refusing (`.server`).
    func queueError(_ error: any Error) -> QueueError {
        if let error = error as? QueueError { return error }
        if let error = error as? PSQLError { return queueError(error) }
        if let error = error as? PostgresTransactionError {
            // The first failure is the one that matters: the body's, else BEGIN's or COMMIT's.
            if let cause = error.closureError ?? error.beginError ?? error.commitError { return queueError(cause) }
        }
        if error is OperationTimedOut {
            return .unavailable(location: location, message: "no answer within \(timeout.components.seconds) s")
        }
        if error is CancellationError { return .unavailable(location: location, message: "cancelled") }
        if let error = error as? PostgresDecodeFailure { return .server(location: location, message: error.message) }
        return .unavailable(location: location, message: "\(type(of: error)): \(error)")
    }

    private func queueError(_ error: PSQLError) -> QueueError {
        switch error.code {
        case .server:
            let state = error.serverInfo?[.sqlState] ?? "?"
            let message = error.serverInfo?[.message] ?? "server error"
            // 08: connection exception; 53: insufficient resources; 57P: the server shutting down or starting.
            if state.hasPrefix("08") || state.hasPrefix("53") || state.hasPrefix("57P") {
                return .unavailable(location: location, message: "\(message) (SQLSTATE \(state))")
            }
            return .server(location: location, message: "\(message) (SQLSTATE \(state))")
        case .connectionError, .serverClosedConnection, .clientClosedConnection, .uncleanShutdown, .poolClosed,
            .queryCancelled:
            let cause = error.underlying.map { ": \($0)" } ?? ""
            return .unavailable(location: location, message: "\(error.code)\(cause)")
        default:
            return .server(location: location, message: "\(error.code)")
        }
    }
}

/// A queue operation that outlived its timeout.
struct OperationTimedOut: Error {}

/// The unique-violation SQLSTATE.
let uniqueViolation = "23505"

extension PSQLError {
    /// True when the server refused a row for a unique index.
    var isUniqueViolation: Bool { code == .server && serverInfo?[.sqlState] == uniqueViolation }
}
