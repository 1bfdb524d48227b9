import NIOPosix

/// Runs blocking file-system work (opens, `fstat`, reads, renames) on NIO's shared thread pool, so that it
/// never holds a thread of Swift's cooperative pool.
enum BlockingIO {
    /// Runs `body` on `NIOThreadPool.singleton` and returns what it returns (or throws what it throws).
    static func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await NIOThreadPool.singleton.runIfActive(body)
    }
}
