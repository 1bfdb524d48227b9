import NIOCore
import NIOPosix
import Synchronization

/// A `MultipartUploadReader` run on NIO's thread pool, so parsing a large body never holds a thread of the
/// cooperative pool (which has only as many threads as cores, and runs the tests and the server's handlers).
///
/// Feed chunks one at a time, in order, awaiting each: `feed` returns once its chunk was parsed. Throws what
/// the reader throws, or an error of the pool when it is shut down.
final class PooledMultipartReader: Sendable {
    private let reader: Mutex<MultipartUploadReader>
    private let pool: NIOThreadPool

    /// A reader for a body with `boundary`, held to `limits`, parsing on `pool`.
    init(boundary: String, limits: SimulatorLimits, pool: NIOThreadPool = .singleton) {
        reader = Mutex(MultipartUploadReader(boundary: boundary, limits: limits))
        self.pool = pool
    }

    /// Parses the next chunk on the pool; throws `MultipartUploadReader.Failure` when the body breaks a rule.
    func feed(_ chunk: ByteBuffer) async throws {
        try await pool.runIfActive { try self.reader.withLock { try $0.feed(chunk) } }
    }

    /// Ends the body (on the pool, like the chunks): what it said, or the failure.
    func finish() async throws -> MultipartUploadReader.Summary {
        try await pool.runIfActive { try self.reader.withLock { try $0.finish() } }
    }
}
