import DropQueue
import ServiceLifecycle

/// The queue store's background work (a PostgreSQL connection pool) as a service of the daemon's group.
///
/// Put it first in the group, before the daemon and the HTTP endpoint: a group shuts its services down in
/// reverse order, one after the other, so the pool keeps running while the daemon drains (the jobs in hand
/// save, finish or are handed back through it) and while the endpoint answers, and closes last. A store with
/// no background work (SQLite's) just waits for the shutdown. Never throws; ends when the group shuts down
/// or is cancelled.
public struct QueueStoreService: Service, CustomStringConvertible {
    let store: any QueueStore

    /// The service running `store`'s background work.
    public init(store: any QueueStore) {
        self.store = store
    }

    /// A short name for logs (the location holds no password).
    public var description: String { "queue \(store.location)" }

    /// Runs the store's background work until graceful shutdown (or cancellation).
    public func run() async throws {
        await store.run()
        // A store whose run returned at once (nothing to run) stays up until the group shuts down.
        do {
            try await gracefulShutdown()
        } catch {
            // Cancelled: the group is going away.
        }
    }
}
