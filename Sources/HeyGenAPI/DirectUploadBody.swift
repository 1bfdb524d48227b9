import NIOCore
import Synchronization

/// How far a streamed body has got: bytes handed to the HTTP client so far, and when the last one was.
/// Shared between the body (which counts) and the watchdog (which reads).
final class TransferMeter: Sendable {
    private let state = Mutex<(moved: Int64, finishedAt: ContinuousClock.Instant?)>((0, nil))

    /// Counts `bytes` more as handed over; `finished` marks the body's end.
    func record(_ bytes: Int, finished: Bool) {
        state.withLock { state in
            state.moved += Int64(bytes)
            if finished { state.finishedAt = .now }
        }
    }

    /// Bytes handed over so far, and when the body ended (nil while it has not).
    var snapshot: (moved: Int64, finishedAt: ContinuousClock.Instant?) {
        state.withLock { $0 }
    }
}

/// The raw bytes of a direct upload: exactly `size` bytes of `source`, read in chunks as the HTTP client asks
/// for them (so at most a few chunks are in memory), counted in `meter`. Throws
/// `UploadFile.EndedEarly` when the file ends before its size.
struct DirectUploadBody: AsyncSequence, Sendable {
    typealias Element = ByteBuffer

    /// The size of each read from disk.
    static let chunkLength = 256 * 1024

    let source: UploadFile
    var size: Int64 { source.size }
    let meter: TransferMeter

    func makeAsyncIterator() -> Iterator {
        Iterator(body: self)
    }

    struct Iterator: AsyncIteratorProtocol {
        let body: DirectUploadBody
        var offset: Int64 = 0

        mutating func next() async throws -> ByteBuffer? {
            guard offset < body.size else { return nil }
            let length = Int(Swift.min(Int64(DirectUploadBody.chunkLength), body.size - offset))
            let chunk = try await body.source.read(at: offset, length: length)
            guard chunk.readableBytes == length else {
                throw UploadFile.EndedEarly(expected: body.size, read: offset + Int64(chunk.readableBytes))
            }
            offset += Int64(length)
            body.meter.record(length, finished: offset == body.size)
            return chunk
        }
    }
}
