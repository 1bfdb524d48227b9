import Foundation
import NIOCore
import NIOHTTP1
import SystemSupport

/// An HTTP answer from the API, read in full (bounded), and its classification into data or a `HeyGenError`.
struct APIResponse: Sendable {
    /// The HTTP status code.
    var status: Int
    /// The response headers.
    var headers: HTTPHeaders
    /// The body, nil when it was larger than the client accepts.
    var body: ByteBuffer?

    /// The `X-Request-Id` header, when present.
    var requestID: String? {
        headers.first(name: "X-Request-Id").flatMap { $0.isEmpty ? nil : $0 }
    }

    /// The `Retry-After` header when it is a whole number of seconds (HTTP dates are ignored), at most
    /// `maxRetryAfterSeconds`: a larger value, however many digits it has, counts as that many.
    var retryAfter: Duration? {
        guard let value = headers.first(name: "Retry-After") else { return nil }
        return APIResponse.parseRetryAfter(value)
    }

    /// The longest `Retry-After` the client reports, in seconds (30 days). Larger values are cut to it, so
    /// that no arithmetic on the wait (a sleep, a due date) can overflow.
    static let maxRetryAfterSeconds: Int64 = 30 * 24 * 3600

    /// Parses a `Retry-After` of ASCII digits (surrounding spaces allowed) without overflow; nil for anything
    /// else (an HTTP date, a sign, a fraction, an empty value).
    static func parseRetryAfter(_ text: String) -> Duration? {
        let digits = text.utf8.drop { $0 == 0x20 || $0 == 0x09 }.reversed().drop { $0 == 0x20 || $0 == 0x09 }.reversed()
        guard !digits.isEmpty, digits.count <= 64, digits.allSatisfy({ (0x30...0x39).contains($0) }) else { return nil }
        var seconds: Int64 = 0
        for digit in digits {
            seconds = min(seconds * 10 + Int64(digit - 0x30), maxRetryAfterSeconds + 1)
        }
        return .seconds(min(seconds, maxRetryAfterSeconds))
    }

    /// The body parsed as JSON, nil when absent or not JSON.
    var json: JSONValue? {
        guard let body, body.readableBytes > 0 else { return nil }
        return try? JSONDecoder().decode(JSONValue.self, from: Data(body.readableBytesView))
    }

    /// The `data` object of a successful answer, or the error the answer stands for.
    ///
    /// The status decides first (error bodies may be HTML): 2xx is success unless the body is not a JSON object
    /// or carries an `error` object; 408, 409, 429 and 5xx are retryable; other 4xx and 3xx are permanent.
    func classify() -> Result<[String: JSONValue], HeyGenError> {
        let json = self.json
        let apiError = json?.objectValue?["error"]?.objectValue
        let apiCode = apiError?["code"]?.nonEmptyString
        let apiMessage = apiError?["message"]?.nonEmptyString
        func failure(_ category: HeyGenError.Category, retryable: Bool, _ fallback: String) -> Result<[String: JSONValue], HeyGenError> {
            .failure(
                HeyGenError(
                    category: category, httpStatus: status, apiCode: apiCode, message: apiMessage ?? fallback,
                    requestID: requestID, retryAfter: retryAfter, isRetryable: retryable
                )
            )
        }
        let phrase = HTTPResponseStatus(statusCode: status).reasonPhrase
        let statusText = phrase.isEmpty ? "HTTP \(status)" : "HTTP \(status) \(phrase)"
        switch status {
        case 200..<300:
            guard let object = json?.objectValue else {
                return failure(.serverError, retryable: true, "\(statusText) with a body that is not a JSON object")
            }
            if let errorValue = object["error"], errorValue != .null {
                return failure(.serverError, retryable: true, "\(statusText) carrying an error")
            }
            if let data = object["data"] {
                guard let dataObject = data.objectValue else {
                    return failure(.serverError, retryable: true, "\(statusText) whose data is not an object")
                }
                return .success(dataObject)
            }
            return .success(object)
        case 401, 403:
            return failure(.unauthorized, retryable: false, "\(statusText): the API key was refused")
        case 402:
            return failure(.insufficientCredit, retryable: false, "\(statusText): insufficient credit")
        case 404:
            return failure(.notFound, retryable: false, "\(statusText)")
        case 408:
            return failure(.networkError, retryable: true, "\(statusText)")
        case 409:
            return failure(.serverError, retryable: true, "\(statusText): the same request is still in progress")
        case 429:
            return failure(.rateLimited, retryable: true, "\(statusText): rate limited")
        case 300..<400:
            let location = headers.first(name: "Location").map { " to \($0)" } ?? ""
            return failure(.rejected, retryable: false, "\(statusText): unexpected redirect\(location)")
        case 400..<500:
            return failure(.rejected, retryable: false, "\(statusText)")
        default:
            let kind = json == nil ? " (not JSON)" : ""
            return failure(.serverError, retryable: true, "\(statusText)\(kind)")
        }
    }
}
