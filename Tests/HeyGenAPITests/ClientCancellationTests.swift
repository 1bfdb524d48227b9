import HeyGenAPI
import HeyGenSimulator
import Testing
import TestSupport

/// A request cut short by cancelling its task is cancellation, never a retryable `network_error`.
@Suite(.timeLimit(.minutes(2))) struct ClientCancellationTests {
    @Test("cancelling a call in flight throws CancellationError through surfacingCancellation")
    func cancelledCallSurfacesAsCancellation() async throws {
        try await withSimulator(faults: SimulatorFaults(latencyMs: 5_000)) { harness in
            let client = harness.client()
            let outcome = await withTaskGroup(of: (any Error)?.self) { group in
                group.addTask {
                    do {
                        _ = try await surfacingCancellation { () async throws(HeyGenError) -> VideoStatus in
                            try await client.video(id: "video-1")
                        }
                        return nil
                    } catch {
                        return error
                    }
                }
                // The request has reached the simulator, which holds it for the latency.
                while harness.requests("GET /v3/videos/") == 0 { try? await Task.sleep(for: .milliseconds(10)) }
                group.cancelAll()
                return await group.next() ?? nil
            }
            let error = try #require(outcome)
            #expect(error is CancellationError, "got \(error)")
        }
    }

    @Test("the client's own error for a cancelled call is marked as cancellation and not retryable")
    func cancelledCallIsNotARetryableNetworkError() async throws {
        try await withSimulator(faults: SimulatorFaults(latencyMs: 5_000)) { harness in
            let client = harness.client()
            let policy = RetryPolicy(maxAttempts: 5, baseDelay: .milliseconds(10), maxDelay: .milliseconds(10))
            let outcome = await withTaskGroup(of: HeyGenError?.self) { group in
                group.addTask {
                    do throws(HeyGenError) {
                        _ = try await withRetries(policy, logger: SimulatorHarness.quietLogger) {
                            () async throws(HeyGenError) -> VideoAgentSession in
                            try await client.videoAgentSession(id: "session-1")
                        }
                        return nil
                    } catch {
                        return error
                    }
                }
                while harness.requests("GET /v3/video-agents/") == 0 { try? await Task.sleep(for: .milliseconds(10)) }
                group.cancelAll()
                return await group.next() ?? nil
            }
            let error = try #require(outcome)
            #expect(error.isCancellation)
            #expect(!error.isRetryable)
            #expect(harness.requests("GET /v3/video-agents/") == 1)
        }
    }
}
