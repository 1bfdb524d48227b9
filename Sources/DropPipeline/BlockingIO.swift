import NIOPosix

/// Runs blocking file-system work (opens, `fstat`, reads, renames, fsyncs) on NIO thread pools, so that it
/// never holds a thread of Swift's cooperative pool.
///
/// Two pools: the short look at a source right before its request (and the request's own reads) stay on
/// NIO's shared pool, while the jobs' local stages — checks and hashing ahead of a request, result writes,
/// fsyncs and moves behind it — run on a pool of their own, so a request never queues behind another job's
/// fsync.
enum BlockingIO {
    /// The local stages' threads: mostly waiting on the disk (fsync), so more of them than cores help.
    /// Started on first use; idle threads wait without waking.
    private static let localPool: NIOThreadPool = {
        let pool = NIOThreadPool(numberOfThreads: 4)
        pool.start()
        return pool
    }()

    /// Runs `body` on `NIOThreadPool.singleton` and returns what it returns (or throws what it throws): for
    /// short work on a request's path.
    static func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await NIOThreadPool.singleton.runIfActive(body)
    }

    /// Runs `body` on the local stages' pool and returns what it returns (or throws what it throws): for a
    /// job's checks, hashing, result writes, fsyncs and moves.
    static func local<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await localPool.runIfActive(body)
    }
}
