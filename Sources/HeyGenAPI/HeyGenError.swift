import SystemSupport
/// Why a HeyGen API call failed, classified for the pipeline: what kind of failure, whether a retry can help,
/// and what the server said (HTTP status, `error.code`, `error.message`, `X-Request-Id`, `Retry-After`).
///
/// The classification follows the HTTP status first, because gateway errors are often not JSON.
/// Its `description` is one line and never contains the API key: the client removes the key from anything
/// the server echoes before it builds an error.
public struct HeyGenError: Error, CustomStringConvertible, Sendable {
    /// What kind of failure this is; the pipeline acts on it. Raw values match the result JSON's error codes
    /// where one exists.
    public enum Category: String, Sendable, CaseIterable {
        /// 401 or 403: the API key is missing, wrong or not allowed to do this.
        case unauthorized
        /// 402: the account has no credit left.
        case insufficientCredit = "insufficient_credit"
        /// Another 4xx (400, 413, 415, 422, ...), an unexpected redirect, or a request the client refused to send.
        case rejected
        /// 429: too many requests; `retryAfter` says when to come back.
        case rateLimited = "rate_limited"
        /// 5xx, 409 (request in progress), a non-JSON gateway page, or a 200 that carries an `error` body.
        case serverError = "server_error"
        /// No HTTP answer: connection refused or reset, timeout, 408, cancellation.
        case networkError = "network_error"
        /// 404: the asset, session or video is not known (the session endpoint answers this intermittently).
        case notFound = "not_found"
        /// The local file to upload could not be opened or read, is not a regular file, or changed size while being sent.
        case unreadable
        /// The local file to upload no longer exists.
        case vanished
    }

    /// What kind of failure this is.
    public var category: Category
    /// The HTTP status of the answer, nil when there was none.
    public var httpStatus: Int?
    /// The API's `error.code`, when the answer carried one.
    public var apiCode: String?
    /// A human explanation: the API's `error.message`, or what went wrong locally. One line.
    public var message: String
    /// The answer's `X-Request-Id`, for support requests.
    public var requestID: String?
    /// The server's `Retry-After` (integer seconds), when it sent one; a retry must not come sooner.
    public var retryAfter: Duration?
    /// Whether repeating the same request may succeed.
    public var isRetryable: Bool
    /// True when the failure proves the request never reached the server (the connection was refused or
    /// could not be made), so a request that is not idempotent can be sent again without risk of a duplicate.
    public var notSent: Bool = false
    /// True when the request was cut short because its task was cancelled (see `HeyGenError.cancelled`): no
    /// verdict on the request, never retried; `surfacingCancellation` turns it into `CancellationError`.
    public var isCancellation: Bool = false
    /// True when storage refused a direct upload's URL (HTTP 401/403: expired, or its signature no longer
    /// matches): sending the same `PUT` again cannot help, starting again with `beginDirectUpload` can.
    public var beginAgain: Bool = false

    /// Creates an error; the message is collapsed to one line.
    public init(
        category: Category,
        httpStatus: Int? = nil,
        apiCode: String? = nil,
        message: String,
        requestID: String? = nil,
        retryAfter: Duration? = nil,
        isRetryable: Bool
    ) {
        self.category = category
        self.httpStatus = httpStatus
        self.apiCode = apiCode
        self.message = HeyGenError.oneLine(message)
        self.requestID = requestID
        self.retryAfter = retryAfter
        self.isRetryable = isRetryable
    }

    /// One line: `category: message (HTTP status, code …, request id …, retry after … s)`.
    public var description: String {
        var details: [String] = []
        if let httpStatus { details.append("HTTP \(httpStatus)") }
        if let apiCode { details.append("code \(apiCode)") }
        if let requestID { details.append("request id \(requestID)") }
        if let retryAfter { details.append("retry after \(retryAfter.components.seconds) s") }
        let suffix = details.isEmpty ? "" : " (\(details.joined(separator: ", ")))"
        return "\(category.rawValue): \(message)\(suffix)"
    }

    /// The same error with every occurrence of `secret` in the server-provided texts replaced.
    func redacting(_ secret: String) -> HeyGenError {
        guard !secret.isEmpty else { return self }
        var copy = self
        copy.message = message.replacing(secret, with: "[redacted]")
        copy.apiCode = apiCode?.replacing(secret, with: "[redacted]")
        copy.requestID = requestID?.replacing(secret, with: "[redacted]")
        return copy
    }

    /// Collapses control characters and runs of whitespace to single spaces and bounds the length.
    static func oneLine(_ text: String, limit: Int = 500) -> String {
        var out = ""
        var lastWasSpace = false
        for scalar in text.unicodeScalars {
            let isSpace = scalar.properties.isWhitespace || scalar.value < 0x20 || scalar.value == 0x7F
            if isSpace {
                if !lastWasSpace && !out.isEmpty { out.unicodeScalars.append(" ") }
                lastWasSpace = true
            } else {
                out.unicodeScalars.append(scalar)
                lastWasSpace = false
            }
        }
        while out.last == " " { out.removeLast() }
        if out.count > limit { out = String(out.prefix(limit)) + "…" }
        return out
    }
}
