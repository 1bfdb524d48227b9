import HeyGenAPI
@testable import HeyGenSimulator
import NIOCore
import Testing

/// The simulator reads uploads with multipart-kit's streaming parser: these check what it makes of
/// that parser's reports (the `file` part's size, first bytes and name) and what it refuses.
@Suite("Simulator multipart reading")
struct SimulatorMultipartParserTests {
    /// Reads `body` fed in pieces of `chunkSize` bytes.
    func read(_ body: [UInt8], boundary: String = "b0undary", chunkSize: Int) throws(MultipartUploadError) -> ReceivedFile {
        let reader = MultipartUploadReader(boundary: boundary)
        var offset = 0
        while offset < body.count {
            let end = min(offset + chunkSize, body.count)
            try reader.feed(ByteBuffer(bytes: body[offset..<end]))
            offset = end
        }
        return try reader.finish()
    }

    /// The error reading `body` ends in, nil when it is accepted.
    func refusal(_ body: [UInt8], chunkSize: Int = 1000) -> MultipartUploadError? {
        do {
            _ = try read(body, chunkSize: chunkSize)
            return nil
        } catch {
            return error
        }
    }

    /// Content that contains near-misses of the delimiter, then random binary bytes.
    static let content: [UInt8] = {
        var generator = SeededGenerator(seed: 42)
        let tricky = Array("x\r\n--b0undar\r\n-\r\n--b0undarX\r\n--".utf8) + [0, 13, 10, 13]
        return tricky + (0..<20_000).map { _ in UInt8.random(in: 0...255, using: &generator) }
    }()

    static func part(_ disposition: String, _ content: [UInt8], extraHeaders: String = "") -> [UInt8] {
        Array("--b0undary\r\nContent-Disposition: \(disposition)\r\n\(extraHeaders)\r\n".utf8) + content + Array("\r\n".utf8)
    }

    static let closing = Array("--b0undary--\r\n".utf8)

    /// A body with a preamble, a field before the file, the file, and an epilogue.
    static var body: [UInt8] {
        Array("preamble to ignore\r\n".utf8)
            + part("form-data; name=\"title\"", Array("hello".utf8))
            + part(
                "form-data; name=\"file\"; filename=\"a \\\"q\\\".png\"", content,
                extraHeaders: "Content-Type: image/png\r\n")
            + closing + Array("epilogue".utf8)
    }

    @Test("the file part comes out the same whatever the chunk size", arguments: [1, 2, 3, 5, 7, 11, 13, 64, 1000, 70_000])
    func chunkSizes(_ chunkSize: Int) throws {
        let file = try read(Self.body, chunkSize: chunkSize)
        #expect(file == ReceivedFile(
            sizeBytes: Int64(Self.content.count), prefix: Array(Self.content.prefix(MediaType.sniffLength)),
            fileName: "a \"q\".png"))
    }

    @Test("a body starting with the delimiter, and an empty file part")
    func noPreambleEmptyPart() throws {
        let body = Self.part("form-data; name=\"file\"", []) + Self.closing
        let file = try read(body, chunkSize: 4)
        #expect(file == ReceivedFile(sizeBytes: 0, prefix: [], fileName: nil))
    }

    @Test("a body cut anywhere before its closing delimiter is refused")
    func cutShort() throws {
        let body = Self.part("form-data; name=\"file\"; filename=\"f.pdf\"", Array("%PDF-1.7 hello".utf8)) + Self.closing
        #expect(refusal(body) == nil)
        // The closing delimiter is "--b0undary--"; multipart-kit takes its first "-" as the close.
        let lastRefused = body.count - "-\r\n".utf8.count - 1
        let notRefusedAsMalformed = (0...lastRefused).filter { refusal(Array(body.prefix($0))) != .malformed }
        #expect(notRefusedAsMalformed == [], "cut lengths not refused as malformed")
        #expect(refusal([]) == .malformed)
    }

    @Test("bytes multipart-kit does not accept as multipart are refused", arguments: [
        "--b0undary\nContent-Disposition: form-data; name=\"file\"\n\ndata\n--b0undary--\n",  // LF line ends
        "--b0undary\r\nno colon in this header\r\n\r\ndata\r\n--b0undary--\r\n",
        "--b0undary\r\nContent-Disposition: form-data;\r\n name=\"file\"\r\n\r\ndata\r\n--b0undary--\r\n",  // folded
        "--b0undaryX\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\ndata\r\n--b0undary--\r\n",
        "--b0undary\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\ndata\r\n--b0undaryX\r\n",
        "no delimiter at all, just text",
    ])
    func malformed(_ body: String) {
        let error = refusal(Array(body.utf8), chunkSize: 3)
        #expect(error == .malformed)
        #expect(error?.message.hasPrefix("malformed multipart body") == true)
    }

    @Test("an endless header block, many header lines or an endless preamble are refused while they arrive")
    func floods() {
        let longValue = Array("--b0undary\r\nX-Long: ".utf8) + [UInt8](repeating: 65, count: 40_000)
        let manyLines = Array("--b0undary\r\n".utf8) + Array(String(repeating: "X-Line: a\r\n", count: 4_000).utf8)
        let preamble = [UInt8](repeating: 65, count: 40_000)
        for body in [longValue, manyLines, preamble] {
            let reader = MultipartUploadReader(boundary: "b0undary")
            // Refused before the body ends: `feed` throws, `finish` is never reached.
            #expect(throws: MultipartUploadError.malformed) { try reader.feed(ByteBuffer(bytes: body)) }
        }
    }

    @Test("a long epilogue after the closing delimiter is ignored")
    func longEpilogue() throws {
        let body = Self.part("form-data; name=\"file\"", Array("data".utf8)) + Self.closing
            + [UInt8](repeating: 65, count: 40_000)
        let file = try read(body, chunkSize: 1000)
        #expect(file.sizeBytes == 4)
    }

    @Test("exactly one part named file is required")
    func fileRequired() {
        let other = Self.part("form-data; name=\"other\"", Array("value".utf8))
        let file = Self.part("form-data; name=\"file\"", Array("data".utf8))
        let capitalized = Self.part("form-data; name=\"File\"", Array("data".utf8))
        let noDisposition = Array("--b0undary\r\n\r\ndata\r\n".utf8)
        #expect(refusal(other + Self.closing) == .noFilePart)
        #expect(refusal(capitalized + Self.closing) == .noFilePart)
        #expect(refusal(noDisposition + Self.closing) == .noFilePart)
        #expect(refusal(file + file + Self.closing) == .manyFileParts)
        #expect(refusal(other + file + Self.closing) == nil)
    }

    @Test("the file name is kept: filename* preferred over filename, none when absent", arguments: [
        ("form-data; name=\"file\"; filename=\"plain.pdf\"", "plain.pdf"),
        ("form-data; name=file; filename=\"plain.pdf\"; filename*=UTF-8''na%C3%AFve.pdf", "naïve.pdf"),
        ("form-data; name=\"file\"", nil),
    ] as [(String, String?)])
    func fileName(_ disposition: String, _ expected: String?) throws {
        let body = Self.part(disposition, Array("%PDF-1.7".utf8)) + Self.closing
        let file = try read(body, chunkSize: 5)
        #expect(file.fileName == expected)
        #expect(file.prefix == Array("%PDF-1.7".utf8))
    }

    @Test("header parameters: quoting, case, RFC 8187 file names")
    func headerParameters() {
        let contentType = HeaderParameters("Multipart/Form-Data; charset=utf-8; BOUNDARY=\"a;b c\"")
        #expect(contentType.value == "multipart/form-data")
        #expect(contentType.parameters["boundary"] == "a;b c")
        let headers = MultipartPartHeaders(fields: [
            ("CONTENT-DISPOSITION", "form-data; name=file; filename=\"plain.pdf\"; filename*=UTF-8''na%C3%AFve.pdf")
        ])
        #expect(headers.formName == "file")
        #expect(headers.fileName == "naïve.pdf")
    }
}
