import DropMetrics
import Logging
import SystemSupport

/// Runs `operation` until it succeeds, fails with a permanent error, or `policy.maxAttempts` requests were made,
/// waiting `policy.delay(afterAttempt:error:)` between attempts (so a server's `Retry-After` is never cut short).
///
/// A failure whose `Retry-After` exceeds `policy.maxRetryAfter` is thrown at once, without waiting (see
/// `RetryPolicy.longWait(for:)`): no worker sleeps longer than that.
///
/// `onAttempt` is called right before every request, so callers can count the requests a job made.
/// The error thrown is the last one the operation threw. When the surrounding task is cancelled, no further
/// attempt is made and `HeyGenError.cancelled` is thrown at once (cancellation is no verdict on the request).
public func withRetries<T: Sendable>(
    _ policy: RetryPolicy,
    logger: Logger,
    onAttempt: @Sendable () -> Void = {},
    _ operation: () async throws(HeyGenError) -> T
) async throws(HeyGenError) -> T {
    var attempt = 0
    while true {
        attempt += 1
        onAttempt()
        do {
            return try await operation()
        } catch {
            if Task.isCancelled { throw .cancelled }
            guard error.isRetryable, attempt < policy.maxAttempts, policy.longWait(for: error) == nil else {
                throw error
            }
            let delay = policy.delay(afterAttempt: attempt, error: error)
            DropMetrics.system.apiRetry(reason: error.category.rawValue)
            logger.notice(
                "HeyGen request failed; retrying",
                metadata: [
                    "attempt": "\(attempt)",
                    "max_attempts": "\(policy.maxAttempts)",
                    "retry_in_ms": "\(delay.nanoseconds / 1_000_000)",
                    "error": "\(error)",
                ]
            )
            do {
                try await Task.sleep(for: delay)
            } catch {
                // Cancelled while waiting: give up at once.
            }
            if Task.isCancelled {
                throw .cancelled
            }
        }
    }
}
