import Logging
import NIOCore
import PostgresNIO

/// One pooled connection as the store uses it: each statement's rows collected, and never a wait without
/// end on a connection the server closed.
///
/// PostgresNIO hands a statement to its connection with a channel write whose failure it ignores: written
/// just after the server closed the connection (a server stopped, then started again), the statement
/// reaches no handler and its answer never comes, so the caller would wait forever (and not even a
/// cancellation or the store's operation timeout would end that wait). Here each statement is handed over
/// on the connection's event loop, and only while its channel is still active: the handler then owns it
/// and fails it if the connection closes; on a closed connection it fails at once with
/// `PostgresConnectionClosed`, which the store reports as `.unavailable`.
struct PostgresSession: Sendable {
    let connection: PostgresConnection

    /// Runs `query` and returns all its rows; throws `PostgresConnectionClosed` when the connection is
    /// already closed, else what PostgresNIO throws.
    @discardableResult
    func query(_ query: PostgresQuery, logger: Logger) async throws -> [PostgresRow] {
        let connection = self.connection
        return try await connection.eventLoop.flatSubmit { () -> EventLoopFuture<PostgresQueryResult> in
            // On the event loop nothing closes the channel between this check and the write below.
            guard !connection.isClosed else {
                return connection.eventLoop.makeFailedFuture(PostgresConnectionClosed())
            }
            return connection.query(query, logger: logger)
        }.get().rows
    }
}

/// A statement was not sent: its connection had already been closed (by the server, or on a network error).
struct PostgresConnectionClosed: Error, CustomStringConvertible {
    var description: String { "the connection was closed" }
}
