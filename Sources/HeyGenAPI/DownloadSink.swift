import Crypto
import NIOCore
import NIOPosix
#if canImport(Glibc)
import Glibc
import SystemSupport
#elseif canImport(Darwin)
import Darwin
#endif

/// The file a download writes to: an open descriptor, how much of it is valid, the running SHA-256 of that
/// prefix and its first bytes. Writes (`pwrite` at the offset) and reads run on a thread pool, never on the
/// caller's task executor.
struct DownloadSink: Sendable {
    /// The descriptor, owned by the caller.
    let fd: Int32
    /// Where blocking reads and writes run.
    let threadPool: NIOThreadPool
    /// Bytes of the file that are valid (written in order from 0).
    private(set) var written: Int64 = 0
    /// SHA-256 of the first `written` bytes.
    private(set) var hasher = SHA256()
    /// The first bytes of the file, up to `FileDownloader.firstBytesCount`.
    private(set) var firstBytes: [UInt8] = []

    init(fd: Int32, threadPool: NIOThreadPool) {
        self.fd = fd
        self.threadPool = threadPool
    }

    /// The SHA-256 of what was written, as lowercase hex.
    var sha256Hex: String {
        hasher.finalize().map { byte in
            let text = String(byte, radix: 16)
            return byte < 16 ? "0" + text : text
        }.joined()
    }

    /// Empties the file and starts the hash afresh (a host that ignored `Range`).
    mutating func restart() async throws(DownloadError) {
        let fd = self.fd
        try await run(bytesOnDisk: written) { () throws(DownloadError) in
            if ftruncate(fd, 0) != 0 { throw DownloadSink.ioError(errno, "truncating the file", bytesOnDisk: 0) }
        }
        written = 0
        hasher = SHA256()
        firstBytes = []
    }

    /// Makes the first `length` bytes already in the file the valid prefix: re-reads them to hash them (the
    /// file is cut to that length first). The prefix is what really is there when the file is shorter.
    mutating func adoptPrefix(_ length: Int64) async throws(DownloadError) {
        let fd = self.fd
        let (size, hasher, first) = try await run(bytesOnDisk: 0) { () throws(DownloadError) -> (Int64, SHA256, [UInt8]) in
            var info = stat()
            guard fstat(fd, &info) == 0 else { throw DownloadSink.ioError(errno, "inspecting the file", bytesOnDisk: 0) }
            let size = min(Int64(info.st_size), max(0, length))
            if Int64(info.st_size) != size, ftruncate(fd, off_t(size)) != 0 {
                throw DownloadSink.ioError(errno, "truncating the file", bytesOnDisk: 0)
            }
            var hasher = SHA256()
            var first: [UInt8] = []
            var chunk = [UInt8](repeating: 0, count: 1 << 20)
            var offset: Int64 = 0
            while offset < size {
                let want = Int(min(Int64(chunk.count), size - offset))
                let got = chunk.withUnsafeMutableBytes { pread(fd, $0.baseAddress, want, off_t(offset)) }
                if got < 0 {
                    if errno == EINTR { continue }
                    throw DownloadSink.ioError(errno, "re-reading the downloaded part", bytesOnDisk: 0)
                }
                if got == 0 { break }
                chunk.withUnsafeBytes { hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: $0[0..<got])) }
                if first.count < FileDownloader.firstBytesCount {
                    first += chunk[0..<min(got, FileDownloader.firstBytesCount - first.count)]
                }
                offset += Int64(got)
            }
            if offset < size, ftruncate(fd, off_t(offset)) != 0 {
                throw DownloadSink.ioError(errno, "truncating the file", bytesOnDisk: 0)
            }
            return (offset, hasher, first)
        }
        written = size
        self.hasher = hasher
        firstBytes = first
    }

    /// Appends `buffer` at `written` (all of it, or throws), hashing it. The write and the hash run side by
    /// side on the thread pool, so a chunk costs the longer of the two, not their sum.
    mutating func append(_ buffer: ByteBuffer) async throws(DownloadError) {
        guard buffer.readableBytes > 0 else { return }
        let fd = self.fd
        let offset = written
        let (before, pool) = (self.hasher, self.threadPool)
        async let hashing = Self.run(on: pool, bytesOnDisk: offset) { () throws(DownloadError) -> SHA256 in
            var hasher = before
            buffer.withUnsafeReadableBytes { hasher.update(bufferPointer: $0) }
            return hasher
        }
        try await Self.run(on: pool, bytesOnDisk: offset) { () throws(DownloadError) in
            let failure = buffer.withUnsafeReadableBytes { (bytes: UnsafeRawBufferPointer) -> DownloadError? in
                var done = 0
                while done < bytes.count {
                    let count = pwrite(fd, bytes.baseAddress! + done, bytes.count - done, off_t(offset + Int64(done)))
                    if count < 0 {
                        if errno == EINTR { continue }
                        let code = errno
                        // Keep the file equal to its valid prefix.
                        _ = ftruncate(fd, off_t(offset))
                        return DownloadSink.ioError(code, "writing the file", bytesOnDisk: offset)
                    }
                    done += count
                }
                return nil
            }
            if let failure { throw failure }
        }
        let updated: SHA256
        do {
            updated = try await hashing
        } catch let error as DownloadError {
            throw error
        } catch {
            throw DownloadError(kind: .localFile, message: "the file could not be hashed: \(error)", bytesOnDisk: offset)
        }
        if firstBytes.count < FileDownloader.firstBytesCount {
            firstBytes += buffer.getBytes(
                at: buffer.readerIndex, length: min(buffer.readableBytes, FileDownloader.firstBytesCount - firstBytes.count)
            ) ?? []
        }
        self.hasher = updated
        written += Int64(buffer.readableBytes)
    }

    /// Cuts the file to `written` (drops a stale tail from an earlier, longer attempt).
    func truncateToWritten() async throws(DownloadError) {
        let fd = self.fd
        let length = written
        try await run(bytesOnDisk: written) { () throws(DownloadError) in
            if ftruncate(fd, off_t(length)) != 0 { throw DownloadSink.ioError(errno, "truncating the file", bytesOnDisk: length) }
        }
    }

    /// Runs blocking `body` on the thread pool, keeping its `DownloadError`.
    private func run<T: Sendable>(bytesOnDisk: Int64, _ body: @escaping @Sendable () throws(DownloadError) -> T) async throws(DownloadError) -> T {
        try await Self.run(on: threadPool, bytesOnDisk: bytesOnDisk, body)
    }

    /// Runs blocking `body` on `pool`, keeping its `DownloadError`.
    private static func run<T: Sendable>(
        on pool: NIOThreadPool, bytesOnDisk: Int64, _ body: @escaping @Sendable () throws(DownloadError) -> T
    ) async throws(DownloadError) -> T {
        do {
            return try await pool.runIfActive { try body() }
        } catch let error as DownloadError {
            throw error
        } catch {
            throw DownloadError(kind: .localFile, message: "the file could not be written: \(error)", bytesOnDisk: bytesOnDisk)
        }
    }

    /// The error for a failed system call: `ENOSPC`/`EDQUOT` are `diskFull`, the rest `localFile`.
    static func ioError(_ code: Int32, _ what: String, bytesOnDisk: Int64) -> DownloadError {
        let reason = errnoText(code)
        if code == ENOSPC || code == EDQUOT {
            return DownloadError(kind: .diskFull, message: "no space left \(what): \(reason)", bytesOnDisk: bytesOnDisk)
        }
        return DownloadError(kind: .localFile, message: "failed \(what): \(reason)", bytesOnDisk: bytesOnDisk)
    }
}
