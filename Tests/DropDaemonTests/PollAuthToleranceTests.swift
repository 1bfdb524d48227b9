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

/// A 401/403 while a video is being made may pass: polling tolerates a few before failing `unauthorized`.
@Suite("Video polls refused now and then", .serialized)
struct PollAuthToleranceTests {
    @Test("three refused video polls in a row, then the video completes: the job succeeds", .timeLimit(.minutes(3)))
    func transientRefusalsAreTolerated() async throws {
        var faults = SimulatorFaults()
        faults.unauthorizedVideoPolls = 3
        try await DaemonHarness.with(faults: faults) { h in
            let daemon = try await h.startDaemon()
            try h.drop("auth.png.prompt", Data("a video".utf8))
            try h.drop("auth.png", SampleMedia.bytes(.png, seed: 500))
            let result = try #require(try await h.waitForResults(["auth.png"])["auth.png"])
            #expect(result.status == "succeeded")
            #expect(result.videoAgent?["status"]?.string == "completed")
            #expect(h.simulator.stats.faultsInjected["unauthorized_poll"] == 3)
            #expect(try await daemon.stop() == 0)
        }
    }

    @Test("video polls refused every time: the job fails unauthorized after five in a row", .timeLimit(.minutes(3)))
    func lastingRefusalFails() async throws {
        var faults = SimulatorFaults()
        faults.unauthorizedVideoPolls = 1000
        try await DaemonHarness.with(faults: faults) { h in
            let daemon = try await h.startDaemon()
            try h.drop("denied.png.prompt", Data("a video".utf8))
            try h.drop("denied.png", SampleMedia.bytes(.png, seed: 501))
            let result = try #require(try await h.waitForResults(["denied.png"])["denied.png"])
            #expect(result.status == "failed")
            #expect(result.errorCode == "unauthorized")
            #expect(result.json["error"]?["message"]?.string?.contains("5 video polls in a row") == true)
            #expect(h.simulator.stats.faultsInjected["unauthorized_poll"] == 5)
            #expect(try await daemon.stop() == 0)
        }
    }
}
