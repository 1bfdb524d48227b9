import AsyncHTTPClient
import DropMetrics
import Logging
import NIOCore
import NIOHTTP1
#if canImport(Glibc)
import Glibc
import SystemSupport
#endif

extension HeyGenClient {
    /// A request to `path` under the base URL, with the key, user agent and `Accept` headers set.
    func makeRequest(_ method: HTTPMethod, _ path: String) -> HTTPClientRequest {
        var base = configuration.baseURL
        while base.hasSuffix("/") { base.removeLast() }
        var request = HTTPClientRequest(url: base + path)
        request.method = method
        request.headers.add(name: "X-Api-Key", value: configuration.apiKey)
        request.headers.add(name: "User-Agent", value: configuration.userAgent)
        request.headers.add(name: "Accept", value: "application/json")
        return request
    }

    /// Sends a request without a file under `configuration.requestTimeout` and returns the answer's `data` object.
    func send(_ request: HTTPClientRequest) async throws(HeyGenError) -> [String: JSONValue] {
        let deadline = ContinuousClock.now + configuration.requestTimeout
        return try await exchange(request, deadline: deadline, timeout: configuration.requestTimeout).get()
    }

    /// Sends a request without a file under `configuration.requestTimeout` and returns the answer's whole
    /// top-level object (for answers whose `data` is an array, such as the bulk statuses).
    func sendReturningWholeAnswer(_ request: HTTPClientRequest) async throws(HeyGenError) -> [String: JSONValue] {
        let deadline = ContinuousClock.now + configuration.requestTimeout
        return try await exchange(request, deadline: deadline, timeout: configuration.requestTimeout) { $0.classifyWhole() }.get()
    }

    /// Sends `request`, reads the answer (at most `maxResponseBytes`) before `deadline`, and classifies it.
    /// The errors never contain the API key.
    func exchange(_ request: HTTPClientRequest, deadline: ContinuousClock.Instant, timeout: Duration) async -> Result<[String: JSONValue], HeyGenError> {
        await exchange(request, deadline: deadline, timeout: timeout) { $0.classify() }
    }

    /// Like `exchange(_:deadline:timeout:)`, with the answer turned into a result by `classify`.
    func exchange<T: Sendable>(
        _ request: HTTPClientRequest, deadline: ContinuousClock.Instant, timeout: Duration,
        classify: (APIResponse) -> Result<T, HeyGenError>
    ) async -> Result<T, HeyGenError> {
        let started = ContinuousClock.now
        var metadata: Logger.Metadata = ["method": "\(request.method.rawValue)", "url": "\(request.url)"]
        let result: Result<T, HeyGenError>
        var status = "none"
        do {
            let remaining = max(deadline - started, .zero)
            let response = try await httpClient.execute(
                request, deadline: .now() + .nanoseconds(remaining.nanoseconds), logger: logger
            )
            let body = try await HeyGenClient.collect(response.body, maxBytes: configuration.maxResponseBytes, deadline: deadline)
            let answer = APIResponse(status: Int(response.status.code), headers: response.headers, body: body)
            metadata["status"] = "\(answer.status)"
            status = "\(answer.status)"
            if let requestID = answer.requestID { metadata["request_id"] = "\(requestID)" }
            result = classify(answer)
        } catch {
            result = .failure(HeyGenClient.transportError(error, timeout: timeout))
        }
        let duration = ContinuousClock.now - started
        metadata["duration_ms"] = "\(duration.nanoseconds / 1_000_000)"
        DropMetrics.system.apiRequest(
            endpoint: EndpointLabel.of(url: request.url, baseURL: configuration.baseURL), status: status,
            duration: duration)
        switch result {
        case .success:
            logger.debug("HeyGen request done", metadata: metadata)
            return result
        case .failure(let error):
            let redacted = error.redacting(configuration.apiKey)
            metadata["error"] = "\(redacted)"
            logger.debug("HeyGen request failed", metadata: metadata)
            return .failure(redacted)
        }
    }

    /// An error for a 2xx answer that lacks what the call needs.
    func malformed(_ what: String) -> HeyGenError {
        HeyGenError(category: .serverError, httpStatus: 200, message: what, isRetryable: true)
    }

    /// Thrown by `collect` when the deadline passes before the answer's last byte.
    struct BodyTimeout: Error {}

    /// The whole body, or nil when it is larger than `maxBytes`; throws `BodyTimeout` at `deadline`.
    static func collect(_ body: HTTPClientResponse.Body, maxBytes: Int, deadline: ContinuousClock.Instant) async throws -> ByteBuffer? {
        enum Outcome: Sendable { case body(ByteBuffer?), timedOut }
        return try await withThrowingTaskGroup(of: Outcome.self) { group in
            group.addTask {
                do {
                    return .body(try await body.collect(upTo: maxBytes))
                } catch is NIOTooManyBytesError {
                    return .body(nil)
                }
            }
            group.addTask {
                try await Task.sleep(until: deadline, clock: .continuous)
                return .timedOut
            }
            defer { group.cancelAll() }
            switch try await group.next() {
            case .body(let buffer): return buffer
            case .timedOut, nil: throw BodyTimeout()
            }
        }
    }

    /// The `HeyGenError` for a request that got no (complete) answer.
    static func transportError(_ error: any Error, timeout: Duration) -> HeyGenError {
        if error is UploadFile.EndedEarly || error is UploadFile.ReadFailed {
            return HeyGenError(category: .unreadable, message: "the file could not be read while uploading: \(error)", isRetryable: false)
        }
        if error is BodyTimeout {
            return HeyGenError(category: .networkError, message: "the answer was not complete within \(timeout.components.seconds) s", isRetryable: true)
        }
        if let httpError = error as? HTTPClientError {
            switch httpError {
            case .deadlineExceeded, .readTimeout, .writeTimeout:
                return HeyGenError(category: .networkError, message: "no answer within \(timeout.components.seconds) s", isRetryable: true)
            case .connectTimeout:
                var failure = HeyGenError(category: .networkError, message: "connecting timed out", isRetryable: true)
                failure.notSent = true
                return failure
            case .cancelled:
                return .cancelled
            default:
                break
            }
        }
        // Cancellation stays cancellation, however the transport reports it (a cut connection, a closed channel).
        if error is CancellationError || Task.isCancelled {
            return .cancelled
        }
        var failure = HeyGenError(category: .networkError, message: "request failed: \(error)", isRetryable: true)
        failure.notSent = isConnectFailure(error)
        return failure
    }

    /// Whether `error` says no connection was made: refused (`ECONNREFUSED`) or every address failed to connect.
    static func isConnectFailure(_ error: any Error) -> Bool {
        if let ioError = error as? IOError { return ioError.errnoCode == ECONNREFUSED }
        if String(reflecting: type(of: error)).hasSuffix("NIOConnectionError") { return true }
        let text = "\(error)"
        return text.contains("NIOConnectionError") || text.contains("connectionRefused")
    }

    /// The `HeyGenError` for a local file that could not be read before the request.
    static func fileError(_ error: any Error, fileName: String) -> HeyGenError {
        HeyGenError(category: .unreadable, message: "\(fileName) cannot be read: \(error)", isRetryable: false)
    }

    /// `id` percent-encoded as one URL path segment; an empty id is refused.
    static func pathSegment(_ id: String, what: String) throws(HeyGenError) -> String {
        guard !id.isEmpty else {
            throw HeyGenError(category: .rejected, message: "empty \(what)", isRetryable: false)
        }
        return MultipartEnvelope.percentEncoded(Array(id.utf8)) { byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                true
            default:
                false
            }
        }
    }
}
