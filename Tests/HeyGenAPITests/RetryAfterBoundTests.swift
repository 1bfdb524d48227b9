import Foundation
import HeyGenSimulator
import Logging
import Testing

@testable import HeyGenAPI

/// `Retry-After` is read without overflow, bounded, and a wait longer than the policy allows is never slept.
@Suite("Retry-After bounds", .timeLimit(.minutes(5)))
struct RetryAfterBoundTests {
    @Test("digits only, saturating at 30 days; anything else is ignored")
    func parsing() {
        #expect(APIResponse.parseRetryAfter("0") == .zero)
        #expect(APIResponse.parseRetryAfter(" 120 ") == .seconds(120))
        #expect(APIResponse.parseRetryAfter("999999") == .seconds(999_999))
        #expect(APIResponse.parseRetryAfter("9223372036854775807") == .seconds(30 * 24 * 3600))
        #expect(APIResponse.parseRetryAfter("99999999999999999999999999999999") == .seconds(30 * 24 * 3600))
        #expect(APIResponse.parseRetryAfter(String(repeating: "9", count: 65)) == nil)
        for bad in ["", " ", "-1", "+5", "1.5", "1e3", "Wed, 21 Oct 2015 07:28:00 GMT", "12a", "٣"] {
            #expect(APIResponse.parseRetryAfter(bad) == nil, "\(bad)")
        }
    }

    @Test("a 429 asking for longer than maxRetryAfter is thrown at once, not slept", .timeLimit(.minutes(1)))
    func longWaitIsNotSlept() async throws {
        let faults = SimulatorFaults(rateLimitRate: 1, retryAfterSeconds: Int.max)
        try await withSimulator(faults: faults) { harness in
            let client = harness.client()
            let policy = RetryPolicy(maxAttempts: 5, baseDelay: .milliseconds(1), maxRetryAfter: .seconds(600))
            do {
                _ = try await withRetries(policy, logger: SimulatorHarness.quietLogger) { () async throws(HeyGenError) in
                    try await client.video(id: "vid_x")
                }
                Issue.record("expected a rate limit")
            } catch let error as HeyGenError {
                #expect(error.category == .rateLimited)
                #expect(error.retryAfter == .seconds(30 * 24 * 3600))
                #expect(policy.longWait(for: error) == .seconds(30 * 24 * 3600))
            }
            // One request and no retry: the 30-day wait was handed back, not slept (the time limit would end a sleep).
            #expect(harness.requests("GET /v3/videos") == 1)
        }
    }

    @Test("a Retry-After within maxRetryAfter is waited for and retried")
    func shortWaitIsRetried() async throws {
        let faults = SimulatorFaults(rateLimitRate: 1, retryAfterSeconds: 1)
        try await withSimulator(faults: faults) { harness in
            let client = harness.client()
            let policy = RetryPolicy(maxAttempts: 2, baseDelay: .milliseconds(1), maxRetryAfter: .seconds(1))
            await #expect(throws: HeyGenError.self) {
                _ = try await withRetries(policy, logger: SimulatorHarness.quietLogger) { () async throws(HeyGenError) in
                    try await client.video(id: "vid_x")
                }
            }
            #expect(harness.requests("GET /v3/videos") == 2)
        }
    }
}
