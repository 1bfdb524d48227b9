import NIOCore
import Synchronization

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
