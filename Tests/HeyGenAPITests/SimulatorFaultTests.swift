import AsyncHTTPClient
import Foundation
import HeyGenAPI
import HeyGenSimulator
import NIOCore
import Testing

@Suite("Simulator fault injection", .timeLimit(.minutes(5)))
struct SimulatorFaultTests {
    @Test("errorRate answers 500 with a JSON error")
    func serverError() async throws {
        try await withSimulator(faults: SimulatorFaults(errorRate: 1)) { sim in
            let reply = try await sim.upload(Array(SampleMedia.bytes(.png, size: 512)))
            #expect(reply.status == 500)
            #expect(reply.header("Content-Type") == "application/json")
            #expect(reply.error("code")?.stringValue?.isEmpty == false)
            #expect(reply.error("param") == .null)
            #expect(reply.header("X-Request-Id")?.isEmpty == false)
            #expect(sim.simulator.stats.faultsInjected["error"] == 1)
            #expect(sim.simulator.stats.uploads == 0)
        }
    }

    @Test("rateLimitRate answers 429 with an integer Retry-After")
    func rateLimit() async throws {
        try await withSimulator(faults: SimulatorFaults(rateLimitRate: 1, retryAfterSeconds: 7)) { sim in
            let reply = try await sim.createAgent()
            #expect(reply.status == 429)
            #expect(reply.header("Retry-After") == "7")
            #expect(reply.error("code") == .string("rate_limit_exceeded"))
            #expect(sim.simulator.stats.faultsInjected["rate_limit"] == 1)
        }
    }

    @Test("badGatewayRate answers an HTML 502 page")
    func badGateway() async throws {
        try await withSimulator(faults: SimulatorFaults(badGatewayRate: 1)) { sim in
            let reply = try await sim.upload(Array(SampleMedia.bytes(.png, size: 512)))
            #expect(reply.status == 502)
            #expect(reply.header("Content-Type")?.hasPrefix("text/html") == true)
            #expect(reply.text.contains("<html>"))
            #expect(reply.json == nil)
            #expect(reply.header("X-Request-Id")?.isEmpty == false)
            #expect(sim.simulator.stats.faultsInjected["bad_gateway"] == 1)
        }
    }

    @Test("latencyMs delays API answers by at least that long")
    func latency() async throws {
        try await withSimulator(faults: SimulatorFaults(latencyMs: 300)) { sim in
            let clock = ContinuousClock()
            let start = clock.now
            let reply = try await sim.send(.GET, "/v3/videos/unknown")
            #expect(reply.status == 404)
            #expect(clock.now - start >= .milliseconds(300))
        }
    }

    @Test("sessionNotFoundRate answers 404 for a session that exists")
    func sessionNotFound() async throws {
        try await withSimulator { sim in
            let created = try await sim.createAgent()
            let sessionID = try #require(created.data("session_id")?.stringValue)
            sim.simulator.updateFaults { $0.sessionNotFoundRate = 1 }
            let missing = try await sim.send(.GET, "/v3/video-agents/\(sessionID)")
            #expect(missing.status == 404)
            #expect(missing.error("code") == .string("session_not_found"))
            sim.simulator.updateFaults { $0.sessionNotFoundRate = 0 }
            let found = try await sim.send(.GET, "/v3/video-agents/\(sessionID)")
            #expect(found.status == 200)
            #expect(sim.simulator.stats.faultsInjected["session_not_found"] == 1)
        }
    }

    @Test("errorBodyRate answers a video poll with 200 and an error body")
    func errorBody() async throws {
        try await withSimulator(faults: SimulatorFaults(pollsUntilVideoID: 0)) { sim in
            let created = try await sim.createAgent()
            let videoID = try #require(created.data("video_id")?.stringValue)
            sim.simulator.updateFaults { $0.errorBodyRate = 1 }
            let reply = try await sim.send(.GET, "/v3/videos/\(videoID)")
            #expect(reply.status == 200)
            #expect(reply.error("code")?.stringValue?.isEmpty == false)
            #expect(reply.json?.objectValue?["data"] == nil)
            #expect(sim.simulator.stats.faultsInjected["error_body"] == 1)
        }
    }

    @Test("videoFailureRate makes videos fail with a failure code and message")
    func videoFailure() async throws {
        try await withSimulator(faults: SimulatorFaults(videoFailureRate: 1, pollsUntilVideoID: 0, pollsUntilCompleted: 1)) { sim in
            let created = try await sim.createAgent()
            let sessionID = try #require(created.data("session_id")?.stringValue)
            let videoID = try #require(created.data("video_id")?.stringValue)
            let video = try await sim.send(.GET, "/v3/videos/\(videoID)")
            #expect(video.data("status") == .string("failed"))
            #expect(video.data("failure_code")?.stringValue?.isEmpty == false)
            #expect(video.data("failure_message")?.stringValue?.isEmpty == false)
            #expect(video.data("video_url") == .null)
            let session = try await sim.send(.GET, "/v3/video-agents/\(sessionID)")
            #expect(session.data("status") == .string("failed"))
            #expect(sim.simulator.stats.videosFailed == 1)
        }
    }

    @Test("faults never touch the admin routes")
    func adminUnaffected() async throws {
        try await withSimulator(faults: SimulatorFaults(errorRate: 1, badGatewayRate: 1, latencyMs: 0)) { sim in
            let stats = try await sim.send(.GET, "/_admin/stats", apiKey: nil)
            #expect(stats.status == 200)
            let faults = try await sim.send(.GET, "/_admin/faults", apiKey: nil)
            #expect(faults.status == 200)
        }
    }

    @Test("the same seed gives the same faults for the same requests")
    func seeded() async throws {
        func statuses(seed: UInt64) async throws -> [Int] {
            try await withSimulator(faults: SimulatorFaults(errorRate: 0.5, seed: seed)) { sim in
                var statuses: [Int] = []
                for _ in 0..<24 { statuses.append(try await sim.send(.GET, "/v3/videos/none").status) }
                return statuses
            }
        }
        let first = try await statuses(seed: 7)
        let again = try await statuses(seed: 7)
        #expect(first == again)
        #expect(first.contains(500))
        #expect(first.contains(404))
    }
}
