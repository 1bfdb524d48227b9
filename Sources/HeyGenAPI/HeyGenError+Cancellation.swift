/// Cancellation through the client's typed throws.
///
/// The client's calls throw only `HeyGenError`, so a request cut short because its task was cancelled
/// throws `HeyGenError.cancelled`: never retryable (`withRetries` stops at once), and marked so that
/// `surfacingCancellation` turns it back into `CancellationError`. A cancelled request is no verdict on
/// anything, so it must never be taken for a network failure.
extension HeyGenError {
    /// The error for a request cut short because its task was cancelled (not retryable, `isCancellation`).
    public static var cancelled: HeyGenError {
        var error = HeyGenError(category: .networkError, message: "the request was cancelled", isRetryable: false)
        error.isCancellation = true
        return error
    }
}

/// Runs `call`; when it ends with `HeyGenError.cancelled` (or fails while the task is cancelled), throws
/// `CancellationError` instead, so callers see cancellation as cancellation. Any other failure is thrown as the
/// `HeyGenError` it is.
public func surfacingCancellation<T>(_ call: () async throws(HeyGenError) -> T) async throws -> T {
    do {
        return try await call()
    } catch {
        if error.isCancellation || Task.isCancelled { throw CancellationError() }
        throw error
    }
}
