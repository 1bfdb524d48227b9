import NIOCore
import NIOPosix
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The bytes of a file to upload, read from a descriptor the caller opened (and checked) once.
///
/// Reads use `pread` at absolute offsets, so the descriptor's file position is never used or moved, and they
/// run on NIO's blocking-I/O thread pool, never on the cooperative pool. The descriptor is never closed here:
/// the caller owns it and must keep it open until the upload returns.
public struct UploadSource: Sendable {
    /// The open, readable file descriptor.
    public let descriptor: CInt

    /// A source reading from `descriptor`, which stays the caller's.
    public init(descriptor: CInt) {
        self.descriptor = descriptor
    }

    /// Reads up to `length` bytes at `offset` (fewer only at the end of the file; none past it), retrying
    /// on `EINTR`. Throws `UploadSourceReadError` when the read fails.
    public func read(at offset: Int64, length: Int) async throws -> ByteBuffer {
        let descriptor = self.descriptor
        return try await NIOThreadPool.singleton.runIfActive {
            var buffer = ByteBufferAllocator().buffer(capacity: length)
            var filled = 0
            while filled < length {
                var count = 0
                var failure: CInt = 0
                buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: length - filled) { pointer -> Int in
                    guard let base = pointer.baseAddress else { return 0 }
                    count = pread(descriptor, base, min(length - filled, pointer.count), off_t(offset + Int64(filled)))
                    if count < 0 { failure = errno }
                    return max(count, 0)
                }
                if count < 0 {
                    if failure == EINTR { continue }
                    throw UploadSourceReadError(errno: failure)
                }
                if count == 0 { break }
                filled += count
            }
            return buffer
        }
    }
}

/// A read from an `UploadSource` failed.
public struct UploadSourceReadError: Error, CustomStringConvertible {
    /// The `errno` of the failed `pread`.
    public var errno: CInt
    /// `the file could not be read (errno N)`.
    public var description: String { "the file could not be read (errno \(errno))" }
}
