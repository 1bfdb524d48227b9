@testable import HeyGenAPI
import Logging
import Synchronization
import SystemSupport
import TestSupport
import Testing

/// Counts calls from any task.
final class RequestCounter: Sendable {
    private let value = Mutex(0)

    /// Adds one and returns the new count.
    @discardableResult
    func increment() -> Int {
        value.withLock { count in
            count += 1
            return count
        }
    }

    /// The count so far.
    var count: Int { value.withLock { $0 } }
}

@Suite(.timeLimit(.minutes(5))) struct RetryPolicyTests {
    let logger = quietLogger("test.retry")
    let serverError = HeyGenError(category: .serverError, httpStatus: 500, message: "boom", isRetryable: true)
    let permanent = HeyGenError(category: .rejected, httpStatus: 400, message: "bad", isRetryable: false)

    @Test func ceilingDoublesAndIsCapped() {
        let policy = RetryPolicy(maxAttempts: 10, baseDelay: .milliseconds(100), maxDelay: .seconds(1))
        #expect(policy.backoffCeiling(afterAttempt: 1) == .milliseconds(100))
        #expect(policy.backoffCeiling(afterAttempt: 2) == .milliseconds(200))
        #expect(policy.backoffCeiling(afterAttempt: 4) == .milliseconds(800))
        #expect(policy.backoffCeiling(afterAttempt: 5) == .seconds(1))
        #expect(policy.backoffCeiling(afterAttempt: 500) == .seconds(1))
    }

    @Test func jitterStaysWithinTheCeilingAndVaries() {
        let policy = RetryPolicy(maxAttempts: 10, baseDelay: .milliseconds(100), maxDelay: .seconds(5))
        var generator = SeededGenerator(seed: 42)
        var seen = Set<Duration>()
        for attempt in 1...8 {
            for _ in 0..<50 {
                let delay = policy.delay(afterAttempt: attempt, error: serverError, using: &generator)
                #expect(delay >= .zero)
                #expect(delay <= policy.backoffCeiling(afterAttempt: attempt))
                seen.insert(delay)
            }
        }
        #expect(seen.count > 100)
    }

    @Test func retryAfterIsNeverCutShortEvenBeyondTheCap() {
        let policy = RetryPolicy(maxAttempts: 10, baseDelay: .milliseconds(10), maxDelay: .milliseconds(50))
        var limited = serverError
        limited.category = .rateLimited
        limited.retryAfter = .seconds(3)
        var generator = SeededGenerator(seed: 7)
        for attempt in 1...10 {
            #expect(policy.delay(afterAttempt: attempt, error: limited, using: &generator) == .seconds(3))
        }
    }

    @Test func maxAttemptsIsAtLeastOne() {
        #expect(RetryPolicy(maxAttempts: 0).maxAttempts == 1)
        #expect(RetryPolicy().maxAttempts == 10)
    }

    @Test func retriesUntilSuccessCountingEveryAttempt() async throws {
        let policy = RetryPolicy(maxAttempts: 5, baseDelay: .milliseconds(2), maxDelay: .milliseconds(10))
        let attempts = RequestCounter()
        let calls = RequestCounter()
        let failure = serverError
        let value = try await withRetries(policy, logger: logger, onAttempt: { attempts.increment() }) {
            () async throws(HeyGenError) -> String in
            let call = calls.increment()
            if call < 3 { throw failure }
            return "done"
        }
        #expect(value == "done")
        #expect(attempts.count == 3)
    }

    @Test func permanentErrorsAreNotRetried() async {
        let policy = RetryPolicy(maxAttempts: 5, baseDelay: .milliseconds(1), maxDelay: .milliseconds(2))
        let attempts = RequestCounter()
        let failure = permanent
        await #expect(throws: HeyGenError.self) {
            try await withRetries(policy, logger: logger, onAttempt: { attempts.increment() }) {
                () async throws(HeyGenError) -> Int in throw failure
            }
        }
        #expect(attempts.count == 1)
    }

    @Test func givesUpAfterMaxAttemptsWithTheLastError() async {
        let policy = RetryPolicy(maxAttempts: 4, baseDelay: .milliseconds(1), maxDelay: .milliseconds(2))
        let attempts = RequestCounter()
        let failure = serverError
        do {
            _ = try await withRetries(policy, logger: logger, onAttempt: { attempts.increment() }) {
                () async throws(HeyGenError) -> Int in throw failure
            }
            Issue.record("expected an error")
        } catch {
            #expect(error.category == .serverError)
            #expect(error.httpStatus == 500)
        }
        #expect(attempts.count == 4)
    }

    @Test func stopsRetryingOnceCancelled() async {
        let policy = RetryPolicy(maxAttempts: 1000, baseDelay: .seconds(30), maxDelay: .seconds(30))
        let attempts = RequestCounter()
        let failure = serverError
        let outcome = await withTaskGroup(of: Result<Int, HeyGenError>.self) { group in
            group.addTask {
                do throws(HeyGenError) {
                    return .success(
                        try await withRetries(policy, logger: logger, onAttempt: { attempts.increment() }) {
                            () async throws(HeyGenError) -> Int in throw failure
                        }
                    )
                } catch {
                    return .failure(error)
                }
            }
            while attempts.count == 0 { await Task.yield() }
            group.cancelAll()
            return await group.next()!
        }
        #expect(throws: HeyGenError.self) { try outcome.get() }
        #expect(attempts.count == 1)
    }
}
