import DropDemo
import Foundation
import HeyGenAPI
import HeyGenSimulator
import TestSupport
import Testing

/// Many videos waiting at once are asked after in bulk, with the real binary against the simulator.
@Suite("Bulk video polling", .serialized, .timeLimit(.minutes(5)))
struct BulkPollTests {
    @Test("waiting videos share bulk status requests; details are fetched once per finished video")
    func bulkStatusThenDetails() async throws {
        var faults = SimulatorFaults()
        faults.pollsUntilCompleted = 6
        try await DaemonHarness.with(faults: faults) { h in
            h.environment["HEYGEN_DROPD_VIDEO_POLL_INITIAL_MS"] = "200"
            h.environment["HEYGEN_DROPD_VIDEO_POLL_MAX_MS"] = "400"
            let names = (0..<12).map { "v\($0).png" }
            for (index, name) in names.enumerated() {
                try h.drop("\(name).prompt", Data("video \(index)".utf8))
            }
            for (index, name) in names.enumerated() {
                try h.drop(name, SampleMedia.bytes(.png, seed: 300 + index))
            }
            let daemon = try await h.startDaemon()
            let results = try await h.waitForResults(names, timeout: .seconds(120))
            for result in results.values {
                #expect(result.status == "succeeded")
                #expect(result.videoAgent?["video_url"]?.string?.hasPrefix("http") == true)
            }
            let requests = h.simulator.stats.requests
            let bulk = requests["GET /v3/videos/statuses"] ?? 0
            // Each video needs several polls to finish; alone, each would be a request of its own.
            #expect(bulk >= 1)
            #expect(bulk < names.count * 3)
            #expect(requests["GET /v3/videos/{id}"] == names.count)
            #expect(try await daemon.stop() == 0)
        }
    }

    @Test("an API without the bulk call is polled one video at a time")
    func fallbackWithoutBulk() async throws {
        var faults = SimulatorFaults()
        faults.pollsUntilCompleted = 3
        faults.bulkStatusMissing = true
        try await DaemonHarness.with(faults: faults) { h in
            h.environment["HEYGEN_DROPD_VIDEO_POLL_INITIAL_MS"] = "200"
            h.environment["HEYGEN_DROPD_VIDEO_POLL_MAX_MS"] = "400"
            let names = ["a.png", "b.png", "c.png"]
            for (index, name) in names.enumerated() {
                try h.drop("\(name).prompt", Data("video \(index)".utf8))
                try h.drop(name, SampleMedia.bytes(.png, seed: 400 + index))
            }
            let daemon = try await h.startDaemon()
            let results = try await h.waitForResults(names, timeout: .seconds(120))
            #expect(results.values.allSatisfy { $0.status == "succeeded" })
            let requests = h.simulator.stats.requests
            #expect((requests["GET /v3/videos/statuses"] ?? 0) >= 1)
            // After the 404, every poll of a known video is a request of its own.
            #expect((requests["GET /v3/videos/{id}"] ?? 0) > names.count)
            #expect(daemon.logText.contains("no bulk video status"))
            #expect(try await daemon.stop() == 0)
        }
    }
}
