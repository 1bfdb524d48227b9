import SystemSupport
/// How often and how patiently a failed API request is repeated: up to `maxAttempts` requests in all,
/// waiting a full-jitter exponential backoff between them (a random time between zero and
/// `min(maxDelay, baseDelay * 2^(n-1))`), but never less than the server's `Retry-After`.
/// A `Retry-After` longer than `maxRetryAfter` is not waited for at all: `withRetries` gives the error back at
/// once, and the caller decides what to do with the wait (the daemon hands the job back to its queue, due then).
public struct RetryPolicy: Sendable, Equatable {
    /// Requests made at most, the first included (at least 1).
    public var maxAttempts: Int
    /// The backoff ceiling after the first failed attempt; it doubles with every further one.
    public var baseDelay: Duration
    /// The largest backoff ceiling. A server's `Retry-After` may exceed it and is still honoured.
    public var maxDelay: Duration
    /// The longest server-requested wait (`Retry-After`) spent between attempts; a longer one ends the retries.
    public var maxRetryAfter: Duration

    /// Creates a policy; `maxAttempts` below 1 counts as 1, a negative `maxRetryAfter` as zero.
    public init(
        maxAttempts: Int = 10, baseDelay: Duration = .seconds(1), maxDelay: Duration = .seconds(60),
        maxRetryAfter: Duration = .seconds(600)
    ) {
        self.maxAttempts = max(1, maxAttempts)
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.maxRetryAfter = max(.zero, maxRetryAfter)
    }

    /// The server's `Retry-After` carried by `error` when it is longer than `maxRetryAfter` (so too long to
    /// wait for in place), nil otherwise.
    public func longWait(for error: HeyGenError) -> Duration? {
        guard let retryAfter = error.retryAfter, retryAfter > maxRetryAfter else { return nil }
        return retryAfter
    }

    /// The upper bound of the random backoff after the `n`-th failed attempt (1-based): `min(maxDelay, baseDelay * 2^(n-1))`.
    public func backoffCeiling(afterAttempt n: Int) -> Duration {
        let base = max(0, baseDelay.nanoseconds)
        let cap = max(0, maxDelay.nanoseconds)
        let exponent = min(max(n - 1, 0), 62)
        let (scaled, overflow) = base.multipliedReportingOverflow(by: Int64(1) << exponent)
        return .nanoseconds(overflow ? cap : min(scaled, cap))
    }

    /// How long to wait after the `n`-th failed attempt (1-based) before the next one: full-jitter
    /// exponential backoff, never shorter than the server's `Retry-After` carried by `error`.
    public func delay(afterAttempt n: Int, error: HeyGenError) -> Duration {
        var generator = SystemRandomNumberGenerator()
        return delay(afterAttempt: n, error: error, using: &generator)
    }

    /// `delay(afterAttempt:error:)` drawing its jitter from `generator`.
    public func delay<G: RandomNumberGenerator>(afterAttempt n: Int, error: HeyGenError, using generator: inout G) -> Duration {
        let ceiling = backoffCeiling(afterAttempt: n).nanoseconds
        let jitter: Duration = ceiling > 0 ? .nanoseconds(Int64.random(in: 0...ceiling, using: &generator)) : .zero
        if let retryAfter = error.retryAfter, retryAfter > jitter {
            return retryAfter
        }
        return jitter
    }
}
