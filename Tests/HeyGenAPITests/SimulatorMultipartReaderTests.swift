import HeyGenAPI
@testable import HeyGenSimulator
import NIOCore
import Testing

/// The simulator's upload reader: vapor/multipart-kit's parser under the simulator's bounds.
@Suite("Simulator multipart reader", .timeLimit(.minutes(2)))
struct SimulatorMultipartReaderTests {
    typealias Failure = MultipartUploadReader.Failure

    /// Reads `body` fed in pieces of `chunkSize` bytes.
    func read(_ body: [UInt8], chunkSize: Int, limits: SimulatorLimits = SimulatorLimits()) throws -> MultipartUploadReader.Summary {
        let reader = MultipartUploadReader(boundary: boundary, limits: limits)
        var offset = 0
        while offset < body.count {
            let end = min(offset + chunkSize, body.count)
            try reader.feed(ByteBuffer(bytes: body[offset..<end]))
            offset = end
        }
        return try reader.finish()
    }

    /// The failure reading `body` ends in, if any.
    func failure(_ body: [UInt8], chunkSize: Int = 1000, limits: SimulatorLimits = SimulatorLimits()) -> Failure? {
        do {
            _ = try read(body, chunkSize: chunkSize, limits: limits)
            return nil
        } catch {
            return error as? Failure
        }
    }

    let boundary = "b0undary"
    /// Content that contains near-misses of the delimiter.
    let tricky: [UInt8] = Array("x\r\n--b0undar\r\n-\r\n--b0undarX\r\n--".utf8) + [0, 13, 10, 13]

    /// A form with a preamble, a text field, a file part of `tricky` content and an epilogue.
    var body: [UInt8] {
        var body = Array("preamble to ignore\r\n".utf8)
        body += Array("--b0undary\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nhello\r\n".utf8)
        body += Array("--b0undary\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a \\\"q\\\".png\"\r\n".utf8)
        body += Array("Content-Type: image/png\r\n\r\n".utf8) + tricky
        body += closing + Array("\r\nepilogue".utf8)
        return body
    }

    let closing = Array("\r\n--b0undary--".utf8)

    @Test("the file part is measured the same whatever the chunk size", arguments: [1, 2, 3, 5, 7, 11, 13, 64, 1000, 5000])
    func chunkSizes(_ chunkSize: Int) throws {
        let summary = try read(body, chunkSize: chunkSize)
        #expect(summary.partNames == ["title", "file"])
        #expect(summary.fileParts == 1)
        #expect(summary.fileBytes == Int64(tricky.count))
        #expect(summary.prefix == tricky)
        #expect(summary.fileName == "a \"q\".png")
    }

    @Test("only the first bytes of the file are kept, however large it is")
    func prefixOnly() throws {
        let content = (0..<20_000).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        let body = Array("--b0undary\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\n".utf8) + content + closing
        let summary = try read(body, chunkSize: 3000)
        #expect(summary.fileBytes == 20_000)
        #expect(summary.prefix == Array(content.prefix(MediaType.sniffLength)))
    }

    @Test("a body starting with the delimiter, and an empty part")
    func noPreambleEmptyPart() throws {
        let body = Array("--b0undary\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\n".utf8) + closing
        let summary = try read(body, chunkSize: 4)
        #expect(summary.partNames == ["file"])
        #expect(summary.fileParts == 1)
        #expect(summary.fileBytes == 0)
    }

    @Test("two parts named file are both counted")
    func twoFileParts() throws {
        let part = Array("--b0undary\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\nabc\r\n".utf8)
        let summary = try read(part + part + Array("--b0undary--".utf8), chunkSize: 10)
        #expect(summary.fileParts == 2)
        #expect(summary.fileBytes == 3)
    }

    @Test("a body cut anywhere before its closing delimiter is truncated; cut after it, it is complete")
    func truncatedAnywhere() throws {
        let body = self.body
        // multipart-kit closes the body at the first "-" after the last delimiter.
        let closedAt = body.count - Array("-\r\nepilogue".utf8).count
        for length in 0...body.count {
            for chunkSize in [1, 7, 1000] {
                let result = failure(Array(body.prefix(length)), chunkSize: chunkSize)
                if length < closedAt {
                    #expect(result == .truncated, "cut at \(length) of \(body.count), chunks of \(chunkSize)")
                } else {
                    #expect(result == nil, "cut at \(length) of \(body.count), chunks of \(chunkSize)")
                }
            }
        }
    }

    @Test("broken syntax is malformed: bytes after a delimiter, a header without a colon, a folded header")
    func malformed() {
        let afterDelimiter = Array("--b0undary?\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\nx".utf8) + closing
        #expect(failure(afterDelimiter) == .malformed)
        let noColon = Array("--b0undary\r\nContent-Disposition form-data\r\n\r\nx".utf8) + closing
        #expect(failure(noColon) == .malformed)
        let folded = Array("--b0undary\r\nContent-Disposition: form-data;\r\n name=\"file\"\r\n\r\nx".utf8) + closing
        #expect(failure(folded) == .malformed)
    }

    @Test("a header block over the limit is refused while it streams, whole or in pieces", arguments: [1, 1000, 100_000])
    func headerFlood(_ chunkSize: Int) {
        let limits = SimulatorLimits(maxPartHeaderBytes: 1024)
        let oneLongHeader = Array("--b0undary\r\nX-Long: ".utf8) + [UInt8](repeating: 65, count: 20_000)
        #expect(failure(oneLongHeader, chunkSize: chunkSize, limits: limits) == .headersTooLarge)
        let manyHeaders = Array("--b0undary\r\n".utf8) + Array(repeating: Array("X-Short: 0123456789\r\n".utf8), count: 100).flatMap { $0 }
        #expect(failure(manyHeaders + Array("\r\nx".utf8) + closing, chunkSize: chunkSize, limits: limits) == .headersTooLarge)
        let justUnder = Array("--b0undary\r\nContent-Disposition: form-data; name=\"file\"\r\nX-Long: ".utf8)
            + [UInt8](repeating: 65, count: 800) + Array("\r\n\r\nx".utf8) + closing
        #expect(failure(justUnder, chunkSize: chunkSize, limits: limits) == nil)
    }

    @Test("a preamble over the header limit is refused; an epilogue of any length is ignored")
    func preambleAndEpilogue() throws {
        let limits = SimulatorLimits(maxPartHeaderBytes: 1024)
        let part = Array("--b0undary\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\nabc".utf8) + closing
        #expect(failure([UInt8](repeating: 65, count: 5000) + Array("\r\n".utf8) + part, limits: limits) == .headersTooLarge)
        let summary = try read(part + Array("\r\n".utf8) + [UInt8](repeating: 0, count: 50_000), chunkSize: 4096, limits: limits)
        #expect(summary.fileBytes == 3)
    }

    @Test("a file over the limit, or a body over the limit and its envelope, is refused as soon as it is seen")
    func sizeLimits() throws {
        let limits = SimulatorLimits(maxUploadBytes: 1000, maxEnvelopeBytes: 300)
        func upload(_ size: Int) -> [UInt8] {
            Array("--b0undary\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\n".utf8)
                + [UInt8](repeating: 7, count: size) + closing
        }
        #expect(try read(upload(1000), chunkSize: 100, limits: limits).fileBytes == 1000)
        #expect(failure(upload(1001), chunkSize: 100, limits: limits) == .fileTooLarge)
        // The rest of the body never reaches the parser: garbage after the limit changes nothing.
        #expect(failure(upload(1001) + [UInt8](repeating: 0, count: 200), chunkSize: 100, limits: limits) == .fileTooLarge)
        let padding = Array("--b0undary\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\n".utf8)
            + [UInt8](repeating: 1, count: 600) + Array("\r\n".utf8)
        #expect(failure(padding + upload(900), chunkSize: 100, limits: limits) == .bodyTooLarge)
    }

    @Test("fed on the thread pool, the reader says the same")
    func pooled() async throws {
        let reader = PooledMultipartReader(boundary: boundary, limits: SimulatorLimits())
        for chunk in body.chunks(ofCount: 9) { try await reader.feed(ByteBuffer(bytes: chunk)) }
        let summary = try await reader.finish()
        #expect(summary.fileBytes == Int64(tricky.count))
        #expect(summary.partNames == ["title", "file"])
    }

    @Test("header parameters: quoting, case, RFC 8187 file names")
    func headerParameters() {
        let contentType = HeaderParameters("Multipart/Form-Data; charset=utf-8; BOUNDARY=\"a;b c\"")
        #expect(contentType.value == "multipart/form-data")
        #expect(contentType.parameters["boundary"] == "a;b c")
        let headers = MultipartPartHeaders(fields: [
            ("Content-Disposition", "form-data; name=file; filename=\"plain.pdf\"; filename*=UTF-8''na%C3%AFve.pdf")
        ])
        #expect(headers.formName == "file")
        #expect(headers.fileName == "naïve.pdf")
    }
}

extension Array {
    /// The array in consecutive pieces of at most `count` elements.
    fileprivate func chunks(ofCount count: Int) -> [ArraySlice<Element>] {
        stride(from: 0, to: self.count, by: count).map { self[$0..<Swift.min($0 + count, self.count)] }
    }
}
