import Crypto
import NIOCore

/// The body of a `multipart/form-data` upload with one part named `file`, streamed: a preamble buffer,
/// the file's bytes read with `pread` in chunks, then an epilogue buffer. Its length is known up front, so it
/// is sent with a `Content-Length` and never chunked; the file is never held in memory as a whole.
///
/// Exactly `file.size` bytes are sent; a file that ends sooner fails the request. The bytes are hashed as
/// they are handed over, and the digest lands in `digest` after the last one.
struct MultipartFileBody: AsyncSequence, Sendable {
    typealias Element = ByteBuffer

    /// The size of each read from disk.
    static let chunkLength = 64 * 1024

    let envelope: MultipartEnvelope
    let file: UploadFile
    let digest: SentDigest

    /// A body sending `file` inside `envelope`, recording the SHA-256 of what it sent in `digest`.
    init(file: UploadFile, envelope: MultipartEnvelope, digest: SentDigest) {
        self.envelope = envelope
        self.file = file
        self.digest = digest
    }

    /// The exact number of bytes the body sends.
    var contentLength: Int64 { envelope.contentLength(fileSize: file.size) }

    func makeAsyncIterator() -> Iterator {
        Iterator(body: self)
    }

    struct Iterator: AsyncIteratorProtocol {
        private enum Phase { case preamble, file, done }
        private let body: MultipartFileBody
        private var phase: Phase = .preamble
        private var sent: Int64 = 0
        private var hasher = SHA256()

        fileprivate init(body: MultipartFileBody) {
            self.body = body
        }

        mutating func next() async throws -> ByteBuffer? {
            switch phase {
            case .preamble:
                phase = .file
                return body.envelope.preamble
            case .file:
                if sent < body.file.size {
                    let chunk = try await body.file.read(at: sent, length: MultipartFileBody.chunkLength)
                    chunk.withUnsafeReadableBytes { hasher.update(bufferPointer: $0) }
                    sent += Int64(chunk.readableBytes)
                    return chunk
                }
                body.digest.finish(hasher)
                phase = .done
                return body.envelope.epilogue
            case .done:
                return nil
            }
        }
    }
}
