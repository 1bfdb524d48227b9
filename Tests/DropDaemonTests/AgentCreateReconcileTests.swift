import DropDemo
import DropLogging
import DropOperator
import DropPipeline
import DropService
import DropSettings
import Foundation
import HeyGenAPI
import HeyGenSimulator
import TestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `POST /v3/video-agents` has no Idempotency-Key: a create whose answer is lost is never sent again
/// blindly; its session is found by the job's `callback_id` and adopted.
@Suite("Video Agent create reconciliation", .serialized)
struct AgentCreateReconcileTests {
    @Test("a create answered 500, or cut off, after the session was made: one session each, adopted, succeeded", .timeLimit(.minutes(3)))
    func lostAnswerIsReconciled() async throws {
        var faults = SimulatorFaults()
        faults.agentCreateErrorAfterCreateRate = 1
        try await DaemonHarness.with(faults: faults) { h in
            let daemon = try await h.startDaemon()
            try h.drop("lost.png.prompt", Data("a video".utf8))
            try h.drop("lost.png", SampleMedia.bytes(.png, seed: 400))
            let lost = try #require(try await h.waitForResults(["lost.png"])["lost.png"])
            #expect(lost.status == "succeeded")
            #expect(lost.videoAgent?["status"]?.string == "completed")
            #expect(lost.videoAgent?["session_id"]?.string != nil)
            #expect(h.simulator.stats.agentsCreated == 1)
            #expect(h.simulator.stats.requests["POST /v3/video-agents"] == 1)
            #expect((h.simulator.stats.requests["GET /v3/video-agents"] ?? 0) >= 1)

            h.simulator.updateFaults {
                $0.agentCreateErrorAfterCreateRate = 0
                $0.agentCreateDropAfterCreateRate = 1
            }
            try h.drop("cut.png.prompt", Data("another video".utf8))
            try h.drop("cut.png", SampleMedia.bytes(.png, seed: 401))
            let cut = try #require(try await h.waitForResults(["cut.png"])["cut.png"])
            #expect(cut.status == "succeeded")
            #expect(cut.videoAgent?["session_id"]?.string != lost.videoAgent?["session_id"]?.string)
            #expect(h.simulator.stats.agentsCreated == 2)
            #expect(h.simulator.stats.requests["POST /v3/video-agents"] == 2)
            #expect(daemon.logText.contains("adopted the session"))
            #expect(try await daemon.stop() == 0)
        }
    }

    @Test("kill -9 after \"create sent\", before the answer: the restarted daemon adopts the one session", .timeLimit(.minutes(3)))
    func crashAfterCreateSent() async throws {
        var faults = SimulatorFaults()
        faults.agentCreateDelayMs = 5000
        try await DaemonHarness.with(faults: faults) { h in
            let first = try await h.startDaemon()
            try h.drop("crash.png.prompt", Data("a video".utf8))
            try h.drop("crash.png", SampleMedia.bytes(.png, seed: 410))
            _ = try await eventually("the session is created") { h.simulator.stats.agentsCreated == 1 ? true : nil }
            first.signal(SIGKILL)
            _ = try await first.waitForExit()
            h.simulator.updateFaults { $0.agentCreateDelayMs = 0 }
            #expect(h.resultNames().isEmpty)

            let second = try await h.startDaemon()
            let result = try #require(try await h.waitForResults(["crash.png"])["crash.png"])
            #expect(result.status == "succeeded")
            #expect(result.videoAgent?["status"]?.string == "completed")
            #expect(h.simulator.stats.agentsCreated == 1)
            #expect(h.simulator.stats.requests["POST /v3/video-agents"] == 1)
            #expect(second.logText.contains("adopted the session"))
            #expect(try await second.stop() == 0)
        }
    }

    @Test("a create whose session cannot be found fails with a retryable error saying what to check", .timeLimit(.minutes(3)))
    func nothingToAdopt() async throws {
        var faults = SimulatorFaults()
        faults.agentCreateDelayMs = 5000
        try await DaemonHarness.with(faults: faults) { h in
            let first = try await h.startDaemon()
            try h.drop("gone.png.prompt", Data("a video".utf8))
            try h.drop("gone.png", SampleMedia.bytes(.png, seed: 420))
            _ = try await eventually("the session is created") { h.simulator.stats.agentsCreated == 1 ? true : nil }
            first.signal(SIGKILL)
            _ = try await first.waitForExit()
            // The account forgets the session (as if the create had been lost before it was stored).
            h.simulator.forgetSessions()
            h.simulator.updateFaults { $0.agentCreateDelayMs = 0 }

            let second = try await h.startDaemon()
            let result = try #require(try await h.waitForResults(["gone.png"])["gone.png"])
            #expect(result.status == "failed")
            #expect(result.errorCode == "server_error")
            let message = result.json["error"]?["message"]?.string ?? ""
            #expect(message.contains("callback_id hgd-"))
            #expect(message.contains("heygen-dropd retry"))
            #expect(h.simulator.stats.requests["POST /v3/video-agents"] == 1)
            #expect(h.list(h.failed) == ["gone.png", "gone.png.prompt"])
            #expect(try await second.stop() == 0)
        }
    }
}
