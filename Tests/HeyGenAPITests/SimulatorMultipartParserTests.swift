@testable import HeyGenSimulator
import Testing

@Suite("Simulator multipart parser")
struct SimulatorMultipartParserTests {
    struct Part: Equatable {
        var name: String?
        var fileName: String?
        var content: [UInt8]
    }

    /// Parses `body` fed in pieces of `chunkSize` bytes.
    func parse(_ body: [UInt8], boundary: String, chunkSize: Int) throws -> [Part] {
        var parser = MultipartStreamParser(boundary: boundary)
        var parts: [Part] = []
        var offset = 0
        while offset < body.count {
            let end = min(offset + chunkSize, body.count)
            try parser.feed(body[offset..<end]) { event in
                switch event {
                case .partBegin(let headers): parts.append(Part(name: headers.formName, fileName: headers.fileName, content: []))
                case .data(let bytes): parts[parts.count - 1].content += bytes
                case .partEnd: break
                }
            }
            offset = end
        }
        try parser.finish()
        return parts
    }

    let boundary = "b0undary"
    /// Content that contains near-misses of the delimiter.
    let tricky: [UInt8] = Array("x\r\n--b0undar\r\n-\r\n--b0undarX\r\n--".utf8) + [0, 13, 10, 13]

    var body: [UInt8] {
        var body = Array("preamble to ignore\r\n".utf8)
        body += Array("--b0undary\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nhello\r\n".utf8)
        body += Array("--b0undary  \r\nContent-Disposition: form-data; name=\"file\"; filename=\"a \\\"q\\\".png\"\r\n".utf8)
        body += Array("Content-Type: image/png\r\n\r\n".utf8) + tricky
        body += Array("\r\n--b0undary--\r\nepilogue".utf8)
        return body
    }

    @Test("parts come out the same whatever the chunk size", arguments: [1, 2, 3, 5, 7, 11, 13, 64, 1000])
    func chunkSizes(_ chunkSize: Int) throws {
        let parts = try parse(body, boundary: boundary, chunkSize: chunkSize)
        #expect(parts == [
            Part(name: "title", fileName: nil, content: Array("hello".utf8)),
            Part(name: "file", fileName: "a \"q\".png", content: tricky),
        ])
    }

    @Test("a body starting with the delimiter, and an empty part")
    func noPreambleEmptyPart() throws {
        let body = Array("--b0undary\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\n\r\n--b0undary--".utf8)
        let parts = try parse(body, boundary: boundary, chunkSize: 4)
        #expect(parts == [Part(name: "file", fileName: nil, content: [])])
    }

    @Test("a body without its closing delimiter is an error")
    func truncated() {
        let body = Array("--b0undary\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\ndata".utf8)
        #expect(throws: MultipartStreamParser.ParseError.self) { try parse(body, boundary: boundary, chunkSize: 3) }
    }

    @Test("an endless header block is an error")
    func headerFlood() {
        let body = Array("--b0undary\r\nX: ".utf8) + [UInt8](repeating: 65, count: 20_000)
        #expect(throws: MultipartStreamParser.ParseError.self) {
            var parser = MultipartStreamParser(boundary: boundary)
            try parser.feed(body) { _ in }
        }
    }

    @Test("header parameters: quoting, case, RFC 8187 file names")
    func headerParameters() {
        let contentType = HeaderParameters("Multipart/Form-Data; charset=utf-8; BOUNDARY=\"a;b c\"")
        #expect(contentType.value == "multipart/form-data")
        #expect(contentType.parameters["boundary"] == "a;b c")
        let headers = MultipartPartHeaders(
            block: Array("Content-Disposition: form-data; name=file; filename=\"plain.pdf\"; filename*=UTF-8''na%C3%AFve.pdf".utf8))
        #expect(headers.formName == "file")
        #expect(headers.fileName == "naïve.pdf")
    }
}
