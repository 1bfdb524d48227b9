import NIOCore
import NIOFileSystem

/// The body of a `multipart/form-data` upload with one part named `file`, streamed: a preamble buffer,
/// the file's bytes read from disk in chunks, then an epilogue buffer. Its length is known up front, so it is
/// sent with a `Content-Length` and never chunked; the file is never held in memory as a whole.
struct MultipartFileBody: AsyncSequence, Sendable {
    typealias Element = ByteBuffer

    /// Thrown when the file ended before the size it had when the upload started.
    struct FileShrankError: Error, CustomStringConvertible {
        var expected: Int64
        var read: Int64
        var description: String { "the file shrank while being uploaded (expected \(expected) bytes, read \(read))" }
    }

    /// The size of each read from disk.
    static let chunkLength: ByteCount = .kibibytes(64)

    let envelope: MultipartEnvelope
    let fileSize: Int64
    let chunks: FileChunks?

    /// A body sending `fileSize` bytes read through `handle` in chunks, inside `envelope`.
    init(handle: ReadFileHandle, fileSize: Int64, envelope: MultipartEnvelope) {
        self.envelope = envelope
        self.fileSize = fileSize
        self.chunks = fileSize > 0 ? handle.readChunks(in: 0..<fileSize, chunkLength: Self.chunkLength) : nil
    }

    /// The exact number of bytes the body sends.
    var contentLength: Int64 { envelope.contentLength(fileSize: fileSize) }

    func makeAsyncIterator() -> Iterator {
        Iterator(body: self)
    }

    struct Iterator: AsyncIteratorProtocol {
        private enum Phase { case preamble, file, epilogue, done }
        private let body: MultipartFileBody
        private var phase: Phase = .preamble
        private var chunks: FileChunks.AsyncIterator?
        private var sent: Int64 = 0

        fileprivate init(body: MultipartFileBody) {
            self.body = body
            self.chunks = body.chunks?.makeAsyncIterator()
        }

        mutating func next() async throws -> ByteBuffer? {
            while true {
                switch phase {
                case .preamble:
                    phase = chunks == nil ? .epilogue : .file
                    return body.envelope.preamble
                case .file:
                    if var chunk = try await chunks?.next() {
                        let remaining = body.fileSize - sent
                        if Int64(chunk.readableBytes) > remaining {
                            chunk = chunk.getSlice(at: chunk.readerIndex, length: Int(remaining)) ?? chunk
                        }
                        if chunk.readableBytes == 0 { continue }
                        sent += Int64(chunk.readableBytes)
                        return chunk
                    }
                    if sent != body.fileSize {
                        throw FileShrankError(expected: body.fileSize, read: sent)
                    }
                    chunks = nil
                    phase = .epilogue
                case .epilogue:
                    phase = .done
                    return body.envelope.epilogue
                case .done:
                    return nil
                }
            }
        }
    }
}
