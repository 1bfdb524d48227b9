import Crypto
import NIOCore
import NIOPosix
import Synchronization
#if canImport(Glibc)
import Glibc
import SystemSupport
#endif

/// A file the caller opened, to upload: its descriptor and the number of bytes to send from its start.
///
/// The client reads it with `pread` at offsets (never moving a shared file offset), on NIO's thread pool,
/// sends exactly `size` bytes (never more, even if the file grew), fails when the file ends sooner, and never
/// closes the descriptor: the caller keeps it open until the upload returns and closes it.
public struct UploadFile: Sendable {
    /// The open descriptor, readable with `pread`.
    public let descriptor: Int32
    /// How many bytes to send, from offset 0.
    public let size: Int64
    /// Moved to the end of each read (the bytes handed to the request so far), when given.
    public let progress: TransferProgress?

    /// A file to upload: `size` bytes read through `descriptor`; `progress` follows the reads.
    public init(descriptor: Int32, size: Int64, progress: TransferProgress? = nil) {
        self.descriptor = descriptor
        self.size = size
        self.progress = progress
    }

    /// Thrown when the file ended before `size` bytes.
    struct EndedEarly: Error, CustomStringConvertible {
        var expected: Int64
        var read: Int64
        var description: String { "the file shrank while being uploaded (expected \(expected) bytes, read \(read))" }
    }

    /// Thrown when a read fails.
    struct ReadFailed: Error, CustomStringConvertible {
        var description: String
    }

    /// Up to `length` bytes at `offset` (fewer only at the end of `size`), read on the thread pool;
    /// throws `EndedEarly` when the file ends before.
    func read(at offset: Int64, length: Int) async throws -> ByteBuffer {
        let descriptor = self.descriptor
        let size = self.size
        let wanted = Int(min(Int64(length), size - offset))
        let buffer = try await NIOThreadPool.singleton.runIfActive {
            var buffer = ByteBuffer()
            var done = 0
            buffer.reserveCapacity(wanted)
            while done < wanted {
                var count = 0
                var failure: Int32 = 0
                buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: wanted - done) { raw in
                    count = pread(descriptor, raw.baseAddress, wanted - done, off_t(offset + Int64(done)))
                    failure = count < 0 ? errno : 0
                    return max(count, 0)
                }
                if count < 0 {
                    if failure == EINTR { continue }
                    throw ReadFailed(description: "reading the file failed: \(errnoText(failure))")
                }
                if count == 0 { throw EndedEarly(expected: size, read: offset + Int64(done)) }
                done += count
            }
            return buffer
        }
        progress?.set(done: offset + Int64(wanted), total: size)
        return buffer
    }
}

/// The SHA-256 of the bytes one request sent, set once the last byte of the file was handed over.
final class SentDigest: Sendable {
    private let value = Mutex<String?>(nil)

    /// The lower-case hex digest, nil until the whole file was sent.
    var hex: String? { value.withLock { $0 } }

    /// Records the digest of what was sent.
    func finish(_ hasher: SHA256) {
        let hex = hasher.finalize().map { byte in
            let digits = String(byte, radix: 16)
            return byte < 16 ? "0" + digits : digits
        }.joined()
        value.withLock { $0 = hex }
    }
}
