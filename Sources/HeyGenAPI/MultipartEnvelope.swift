import NIOCore

/// The parts of a one-file `multipart/form-data` body around the file's bytes: the boundary line and part
/// headers before them, the closing boundary after them.
struct MultipartEnvelope: Sendable {
    let boundary: String
    let preamble: ByteBuffer
    let epilogue: ByteBuffer

    /// The envelope for a part named `file` carrying `fileName`.
    init(fileName: String, boundary: String = MultipartEnvelope.makeBoundary()) {
        self.boundary = boundary
        self.preamble = ByteBuffer(string: MultipartEnvelope.preamble(boundary: boundary, fileName: fileName))
        self.epilogue = ByteBuffer(string: "\r\n--\(boundary)--\r\n")
    }

    /// The value of the request's `Content-Type` header.
    var contentType: String { "multipart/form-data; boundary=\(boundary)" }

    /// The body's length around a file of `fileSize` bytes.
    func contentLength(fileSize: Int64) -> Int64 {
        Int64(preamble.readableBytes) + fileSize + Int64(epilogue.readableBytes)
    }

    /// The whole body around `content`, in one buffer (for files no larger than a chunk).
    func body(containing content: ByteBuffer) -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.reserveCapacity(preamble.readableBytes + content.readableBytes + epilogue.readableBytes)
        buffer.writeImmutableBuffer(preamble)
        buffer.writeImmutableBuffer(content)
        buffer.writeImmutableBuffer(epilogue)
        return buffer
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
