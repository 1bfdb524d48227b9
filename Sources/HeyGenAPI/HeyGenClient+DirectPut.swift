import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import SystemSupport

extension HeyGenClient {
    /// Sends a direct upload's bytes: `PUT url` with exactly `headers` (the grant's `uploadHeaders`) and a
    /// `Content-Length` of `size`, the body streamed from `file` (bytes `0..<size`; the descriptor stays open).
    ///
    /// The request goes to storage, not to the API: it never carries `X-Api-Key` (nor the client's `User-Agent`
    /// or `Accept`), follows no redirect, and is timed by `configuration.directUploadTimeouts` (a minimum transfer
    /// rate, then a bounded wait for the answer). `url` must be `https://`, or `http://` to a loopback host.
    /// Errors: 401/403 → `beginAgain` (the URL expired or no longer matches; repeating the PUT cannot help);
    /// 5xx, 408, 429 and network failures → retryable; other 4xx → rejected; a file that cannot be read or ends
    /// early → `unreadable`. The URL (a credential) is never logged nor put in an error.
    public func putDirectUpload(url: String, headers: [String: String], file: UploadFile) async throws(HeyGenError) {
        let size = file.size
        let target = try HeyGenClient.storageTarget(url)
        var request = HTTPClientRequest(url: url)
        request.method = .PUT
        for name in headers.keys.sorted() {
            let value = headers[name] ?? ""
            try HeyGenClient.checkStorageHeader(name: name, value: value, size: size)
            if name.lowercased() == "content-length" { continue }  // set below, from the body
            request.headers.add(name: name, value: value)
        }
        let timeouts = configuration.directUploadTimeouts
        let meter = TransferMeter()
        request.body =
            size > 0
            ? .stream(DirectUploadBody(source: file, meter: meter), length: .known(size))
            : .bytes(ByteBuffer())
        if size == 0 { meter.record(0, finished: true) }

        let started = ContinuousClock.now
        let prepared = request
        let outcome = await withTaskGroup(of: StorageOutcome.self) { group in
            group.addTask { .answered(await self.sendToStorage(prepared, timeouts: timeouts)) }
            group.addTask { await HeyGenClient.watch(meter, timeouts: timeouts) }
            defer { group.cancelAll() }
            return await group.next() ?? .stalled(HeyGenError(category: .networkError, message: "the upload was cancelled", isRetryable: true))
        }
        var metadata: Logger.Metadata = [
            "storage": "\(target)", "size": "\(size)", "sent": "\(meter.snapshot.moved)",
            "duration_ms": "\((ContinuousClock.now - started).nanoseconds / 1_000_000)",
        ]
        switch outcome {
        case .answered(.success):
            logger.debug("direct upload sent", metadata: metadata)
        case .answered(.failure(let error)), .stalled(let error):
            let redacted = error.redacting(configuration.apiKey).redacting(url)
            metadata["error"] = "\(redacted)"
            logger.debug("direct upload failed", metadata: metadata)
            throw redacted
        }
    }

    /// Executes the `PUT` and classifies storage's answer (read up to `maxResponseBytes`).
    private func sendToStorage(_ request: HTTPClientRequest, timeouts: DirectUploadTimeouts) async -> Result<Void, HeyGenError> {
        do {
            let response = try await httpClient.execute(
                request, deadline: .now() + .nanoseconds(timeouts.maximumDuration.nanoseconds), logger: logger)
            let deadline = ContinuousClock.now + timeouts.answerTimeout
            let body = try await HeyGenClient.collect(response.body, maxBytes: configuration.maxResponseBytes, deadline: deadline)
            return APIResponse(status: Int(response.status.code), headers: response.headers, body: body).classifyStorage()
        } catch {
            return .failure(HeyGenClient.transportError(error, timeout: timeouts.maximumDuration))
        }
    }

    /// Returns `.stalled` once fewer than `minimumBytes` moved during a `window` while the body is being sent,
    /// or once `answerTimeout` passed after its last byte; runs until cancelled otherwise.
    private static func watch(_ meter: TransferMeter, timeouts: DirectUploadTimeouts) async -> StorageOutcome {
        var lastMoved: Int64 = 0
        while true {
            do {
                try await Task.sleep(for: min(timeouts.window, timeouts.answerTimeout))
            } catch {
                return .stalled(HeyGenError(category: .networkError, message: "the upload was cancelled", isRetryable: true))
            }
            let (moved, finishedAt) = meter.snapshot
            if let finishedAt {
                if ContinuousClock.now - finishedAt >= timeouts.answerTimeout {
                    return .stalled(
                        HeyGenError(
                            category: .networkError,
                            message: "storage did not answer within \(timeouts.answerTimeout.components.seconds) s of the last byte",
                            isRetryable: true))
                }
            } else if moved - lastMoved < timeouts.minimumBytes {
                return .stalled(
                    HeyGenError(
                        category: .networkError,
                        message: "the upload stalled: \(moved - lastMoved) bytes sent in \(timeouts.window.components.seconds) s "
                            + "(at least \(timeouts.minimumBytes) expected)",
                        isRetryable: true))
            }
            lastMoved = moved
        }
    }


    /// `scheme://host[:port]` of a storage URL, for logs; refuses anything but `https://`, or `http://` to a
    /// loopback host (the URL is a credential).
    static func storageTarget(_ url: String) throws(HeyGenError) -> String {
        guard let parsed = URL(string: url), let scheme = parsed.scheme?.lowercased(), let host = parsed.host, !host.isEmpty else {
            throw HeyGenError(category: .rejected, message: "the upload URL is not a valid URL", isRetryable: false)
        }
        guard scheme == "https" || (scheme == "http" && LoopbackHost.isLoopback(host)) else {
            throw HeyGenError(
                category: .rejected, message: "the upload URL must be https:// (or http:// to a loopback host)", isRetryable: false)
        }
        return "\(scheme)://\(host)" + (parsed.port.map { ":\($0)" } ?? "")
    }

    /// Refuses a header the client cannot send as given: a name that is not an HTTP token, a value with a
    /// control character, a `Content-Length` other than `size`, or one the connection manages itself.
    static func checkStorageHeader(name: String, value: String, size: Int64) throws(HeyGenError) {
        let tokenPunctuation = Set("!#$%&'*+-.^_`|~".utf8)
        let nameOK = !name.isEmpty && name.utf8.allSatisfy { byte in
            (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte) || tokenPunctuation.contains(byte)
        }
        let valueOK = value.utf8.allSatisfy { $0 == 0x09 || ($0 >= 0x20 && $0 != 0x7F) }
        let lower = name.lowercased()
        let managed: Set<String> = ["host", "transfer-encoding", "connection", "expect", "upgrade", "te", "trailer"]
        guard nameOK, valueOK, !managed.contains(lower) else {
            throw HeyGenError(category: .rejected, message: "the upload header \(nameOK ? name : "(invalid name)") cannot be sent", isRetryable: false)
        }
        if lower == "content-length", value != String(size) {
            throw HeyGenError(category: .rejected, message: "the upload headers ask for a different Content-Length", isRetryable: false)
        }
    }
}

extension APIResponse {
    /// Storage's answer to a `PUT`: any 2xx is success (the body is not looked at); 401/403 means the URL is no
    /// longer good (`beginAgain`); the rest is classified like the API's answers.
    func classifyStorage() -> Result<Void, HeyGenError> {
        switch status {
        case 200..<300:
            return .success(())
        case 401, 403:
            let code = json?.objectValue?["error"]?.objectValue?["code"]?.nonEmptyString
            var error = HeyGenError(
                category: .rejected, httpStatus: status, apiCode: code,
                message: "storage refused the upload URL (expired or no longer valid): begin the upload again",
                requestID: requestID, isRetryable: false)
            error.beginAgain = true
            return .failure(error)
        default:
            return classify().map { _ in () }
        }
    }
}

/// What the `PUT` and its watchdog race to report: storage's answer, or a stall.
private enum StorageOutcome: Sendable {
    case answered(Result<Void, HeyGenError>)
    case stalled(HeyGenError)
}
