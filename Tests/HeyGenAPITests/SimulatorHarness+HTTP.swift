import AsyncHTTPClient
import Foundation
import HeyGenAPI
import NIOCore
import NIOHTTP1
import Testing

/// Plain HTTP to the simulator, for requests the client would never send (malformed bodies, missing keys, raw
/// JSON), with `HTTPClient.shared`.
extension SimulatorHarness {
    /// An answer, with its body decoded as JSON when it is JSON.
    struct Reply: Sendable {
        var status: Int
        var headers: HTTPHeaders
        var body: [UInt8]

        var text: String { String(decoding: body, as: UTF8.self) }
        var json: JSONValue? { try? JSONDecoder().decode(JSONValue.self, from: Data(body)) }
        /// `data.<name>` of a successful answer.
        func data(_ name: String) -> JSONValue? { json?.objectValue?["data"]?.objectValue?[name] }
        /// `error.<name>` of an error answer.
        func error(_ name: String) -> JSONValue? { json?.objectValue?["error"]?.objectValue?[name] }
        func header(_ name: String) -> String? { headers.first(name: name) }
    }

    /// Sends one request and collects the whole answer.
    func send(
        _ method: HTTPMethod, _ path: String, apiKey: String? = "test-key",
        headers: [(String, String)] = [], body: HTTPClientRequest.Body? = nil
    ) async throws -> Reply {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = method
        if let apiKey { request.headers.add(name: "X-Api-Key", value: apiKey) }
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        request.body = body
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(60))
        let collected = try await response.body.collect(upTo: 1 << 20)
        return Reply(status: Int(response.status.code), headers: response.headers, body: Array(collected.readableBytesView))
    }

    /// Sends a JSON body.
    func sendJSON(_ method: HTTPMethod, _ path: String, _ value: JSONValue, apiKey: String? = "test-key") async throws -> Reply {
        let data = try JSONEncoder().encode(value)
        return try await send(
            method, path, apiKey: apiKey, headers: [("Content-Type", "application/json")],
            body: .bytes(ByteBuffer(bytes: data)))
    }

    /// Uploads `content` as the multipart part `file`; `chunked` sends it without a Content-Length,
    /// in small pieces.
    func upload(
        _ content: [UInt8], fileName: String = "file.bin", idempotencyKey: String? = nil,
        apiKey: String? = "test-key", chunked: Bool = false
    ) async throws -> Reply {
        let form = SimMultipartForm(fileName: fileName, content: content)
        var headers = [("Content-Type", form.contentType)]
        if let idempotencyKey { headers.append(("Idempotency-Key", idempotencyKey)) }
        let body: HTTPClientRequest.Body =
            chunked
            ? .stream(SimChunkSequence(bytes: form.body, chunkSize: 1000), length: .unknown)
            : .bytes(ByteBuffer(bytes: form.body))
        return try await send(.POST, "/v3/assets", apiKey: apiKey, headers: headers, body: body)
    }

    /// Uploads a small PNG and returns its asset id.
    func uploadAssetID() async throws -> String {
        let reply = try await upload(Array(SampleMedia.bytes(.png, size: 512)), fileName: "a.png")
        return try #require(reply.data("asset_id")?.stringValue)
    }

    /// Creates a video agent session for `prompt` and returns the answer.
    func createAgent(prompt: String = "Make a video", assetIDs: [String] = [], extra: [String: JSONValue] = [:]) async throws -> Reply {
        var members = extra
        members["prompt"] = .string(prompt)
        members["files"] = .array(assetIDs.map { .object(["type": .string("asset_id"), "asset_id": .string($0)]) })
        return try await sendJSON(.POST, "/v3/video-agents", .object(members))
    }
}

/// A `multipart/form-data` body with one part named `file`.
struct SimMultipartForm {
    let boundary = "----sim-test-\(UUID().uuidString)"
    let body: [UInt8]

    init(fileName: String, content: [UInt8], extraFields: [(String, String)] = []) {
        var body: [UInt8] = []
        for (name, value) in extraFields {
            body += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n".utf8)
        }
        body += Array(
            "--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\(fileName)\"\r\nContent-Type: application/octet-stream\r\n\r\n"
                .utf8)
        body += content
        body += Array("\r\n--\(boundary)--\r\n".utf8)
        self.body = body
    }

    var contentType: String { "multipart/form-data; boundary=\(boundary)" }
}

/// Bytes delivered as an async sequence of `chunkSize` pieces.
struct SimChunkSequence: AsyncSequence, Sendable {
    typealias Element = ByteBuffer
    let bytes: [UInt8]
    let chunkSize: Int

    struct AsyncIterator: AsyncIteratorProtocol {
        let bytes: [UInt8]
        let chunkSize: Int
        var offset = 0
        mutating func next() async -> ByteBuffer? {
            guard offset < bytes.count else { return nil }
            let end = Swift.min(offset + chunkSize, bytes.count)
            defer { offset = end }
            return ByteBuffer(bytes: bytes[offset..<end])
        }
    }

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(bytes: bytes, chunkSize: chunkSize) }
}
