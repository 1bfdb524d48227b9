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

    let boundary: String
    let preamble: ByteBuffer
    let epilogue: ByteBuffer
    let fileSize: Int64
    let chunks: FileChunks?

    /// A body sending `fileSize` bytes read through `handle`, under the part name `file` and file name `fileName`.
    init(handle: ReadFileHandle, fileSize: Int64, fileName: String, boundary: String = MultipartFileBody.makeBoundary()) {
        self.boundary = boundary
        self.fileSize = fileSize
        self.preamble = ByteBuffer(string: MultipartFileBody.preamble(boundary: boundary, fileName: fileName))
        self.epilogue = ByteBuffer(string: "\r\n--\(boundary)--\r\n")
        self.chunks = fileSize > 0 ? handle.readChunks(in: 0..<fileSize, chunkLength: Self.chunkLength) : nil
    }

    /// The value of the request's `Content-Type` header.
    var contentType: String { "multipart/form-data; boundary=\(boundary)" }

    /// The exact number of bytes the body sends.
    var contentLength: Int64 { Int64(preamble.readableBytes) + fileSize + Int64(epilogue.readableBytes) }

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
                    return body.preamble
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
                    return body.epilogue
                case .done:
                    return nil
                }
            }
        }
    }

    /// A fresh random boundary (45 characters; RFC 2046 allows at most 70).
    static func makeBoundary() -> String {
        var generator = SystemRandomNumberGenerator()
        let hex = (0..<2).map { _ in
            let digits = String(generator.next() as UInt64, radix: 16)
            return String(repeating: "0", count: 16 - digits.count) + digits
        }
        return "heygen-dropd-\(hex.joined())"
    }

    /// The part's opening: boundary line and part headers, ending with the blank line before the file's bytes.
    static func preamble(boundary: String, fileName: String) -> String {
        "--\(boundary)\r\n"
            + "Content-Disposition: \(contentDisposition(fileName: fileName))\r\n"
            + "Content-Type: application/octet-stream\r\n"
            + "\r\n"
    }

    /// `form-data; name="file"; filename="..."`, safe for any file name: a plain printable-ASCII name is sent
    /// quoted as is; any other name is sent as a percent-encoded ASCII `filename` (quotes, backslashes, control
    /// and non-ASCII bytes encoded) plus the exact name as RFC 5987 `filename*=UTF-8''...`.
    static func contentDisposition(fileName: String) -> String {
        let name = fileName.isEmpty ? "upload" : fileName
        let bytes = Array(name.utf8)
        let isPlain = bytes.allSatisfy { $0 >= 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") }
        if isPlain {
            return "form-data; name=\"file\"; filename=\"\(name)\""
        }
        let fallback = percentEncoded(bytes) { byte in
            byte >= 0x20 && byte < 0x7F && byte != UInt8(ascii: "\"") && byte != UInt8(ascii: "\\") && byte != UInt8(ascii: "%")
        }
        let extended = percentEncoded(bytes) { byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                true
            default:
                Array("!#$&+-.^_`|~".utf8).contains(byte)
            }
        }
        return "form-data; name=\"file\"; filename=\"\(fallback)\"; filename*=UTF-8''\(extended)"
    }

    /// `bytes` as ASCII, every byte for which `keep` is false written as `%XX`.
    static func percentEncoded(_ bytes: [UInt8], keep: (UInt8) -> Bool) -> String {
        let digits = Array("0123456789ABCDEF".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        for byte in bytes {
            if keep(byte) {
                out.append(byte)
            } else {
                out.append(contentsOf: [UInt8(ascii: "%"), digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]])
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
