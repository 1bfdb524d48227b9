import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

extension HeyGenClient {
    /// A request to the API carrying `body` as JSON (keys sorted).
    func jsonRequest(_ method: HTTPMethod, _ path: String, _ body: JSONValue) throws(HeyGenError) -> HTTPClientRequest {
        var request = makeRequest(method, path)
        request.headers.add(name: "Content-Type", value: "application/json")
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        do {
            request.body = .bytes(ByteBuffer(bytes: try encoder.encode(body)))
        } catch {
            throw HeyGenError(category: .rejected, message: "the request cannot be encoded as JSON", isRetryable: false)
        }
        return request
    }
}
