#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Background work and start-up of stores that need them (a connection pool, migrations on a server).
extension QueueStore {
    /// Runs what the store needs in the background until the task is cancelled. This default (a store
    /// with nothing to run, like SQLite's) returns at once.
    public func run() async {}

    /// Makes the store ready for use (brings a server's schema up to date). This default does nothing.
    public func prepare() async throws(QueueError) {}

    /// No server to lose: this default (SQLite's) is nil; the health check asks the store directly.
    public var health: QueueHealth? { nil }
}

/// Runs `body` while `store` runs its background work and after it was prepared; stops the background
/// work when `body` returns or throws.
public func withRunningQueueStore<T: Sendable>(
    _ store: any QueueStore, _ body: () async throws -> T
) async throws -> T {
    try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { await store.run() }
        defer { group.cancelAll() }
        try await store.prepare()
        return try await body()
    }
}
