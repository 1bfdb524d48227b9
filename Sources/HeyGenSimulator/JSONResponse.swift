import Foundation
import HeyGenAPI
import Hummingbird

/// Builds JSON responses with stable (sorted) key order.
enum JSONResponse {
    /// Encodes `value` as the body of a response with `status`.
    static func make(status: HTTPResponse.Status = .ok, _ value: some Encodable, headers: HTTPFields = [:]) -> Response {
        make(status: status, bytes: encode(value), headers: headers)
    }

    /// A JSON response whose body is `bytes` as given.
    static func make(status: HTTPResponse.Status, bytes: [UInt8], headers: HTTPFields = [:]) -> Response {
        var fields = headers
        fields[.contentType] = "application/json"
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    /// `value` as JSON bytes; keys sorted, slashes not escaped.
    static func encode(_ value: some Encodable) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding these plain values cannot fail; an empty object is a safe fallback.
        return (try? Array(encoder.encode(value))) ?? Array("{}".utf8)
    }

    /// The body wrapped as the API wraps successful answers: `{"data": ...}`.
    static func data(_ members: [String: JSONValue], status: HTTPResponse.Status = .ok) -> Response {
        make(status: status, JSONValue.object(["data": .object(members)]))
    }
}
