import DropDemo
import Foundation
import HeyGenAPI
import HeyGenSimulator
import TestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `kill -9` at each step of a direct upload: the restarted daemon goes on from the step saved last, makes one
/// asset, and never sends the bytes again once storage accepted them.
@Suite("Direct uploads after kill -9", .serialized, .timeLimit(.minutes(10)))
struct DirectUploadCrashTests {
    /// Starts a daemon with a low direct upload threshold and many attempts (the faults below last until lifted).
    static func start(_ h: DaemonHarness) async throws -> DaemonProcess {
        var h = h
        h.environment["HEYGEN_DROPD_DIRECT_UPLOAD_ABOVE_BYTES"] = "100000"
        h.environment["HEYGEN_DROPD_MAX_ATTEMPTS"] = "1000"
        return try await h.startDaemon()
    }

    /// Kills `daemon` with SIGKILL and waits for it to end.
    static func kill9(_ daemon: DaemonProcess) async throws {
        daemon.signal(SIGKILL)
        #expect(try await daemon.waitForExit() == 128 + SIGKILL)
    }

    /// Requests to `POST /v3/assets/{id}/complete`.
    static func completes(_ h: DaemonHarness) -> Int {
        h.simulator.stats.requests.filter { $0.key.hasPrefix("POST /v3/assets/") && $0.key.hasSuffix("/complete") }
            .values.reduce(0, +)
    }

    @Test("killed while its PUT is failing: the same URL is used again, one begin, one asset")
    func killDuringPut() async throws {
        var faults = SimulatorFaults()
        faults.directUpload.putErrors = 1_000_000
        try await DaemonHarness.with(faults: faults) { h in
            let bytes = SampleMedia.bytes(.mp4, size: 700_000, seed: 71)
            try h.drop("during.mp4", bytes)
            let first = try await Self.start(h)
            _ = try await eventually("the PUT is being retried") { h.simulator.stats.directPuts >= 2 ? true : nil }
            try await Self.kill9(first)
            #expect(h.resultNames().isEmpty)
            h.simulator.updateFaults { $0.directUpload.putErrors = 0 }

            let second = try await Self.start(h)
            let result = try #require(try await h.waitForResults(["during.mp4"])["during.mp4"])
            #expect(result.status == "succeeded")
            #expect(result.assets.first?["upload"]?.string == "direct")
            let stats = h.simulator.stats
            #expect(stats.directUploadsBegun == 1)
            #expect(stats.directPutsAccepted == 1)
            #expect(stats.directPutBytes == Int64(bytes.count))
            #expect(stats.directUploadsCompleted == 1)
            #expect(h.list(h.archive) == ["during.mp4"])
            #expect(!second.logText.contains("direct upload begun"), "the saved URL was used again")
            #expect(second.logText.contains("direct upload sent"))
            #expect(try await second.stop() == 0)
        }
    }

    @Test("killed while its PUT is failing, restarted after the URL expired: begun again, then succeeds")
    func urlExpiredWhileDown() async throws {
        var faults = SimulatorFaults()
        faults.directUpload.putErrors = 1_000_000
        faults.directUpload.urlExpiresInSeconds = 3
        try await DaemonHarness.with(faults: faults) { h in
            try h.drop("stale.mp4", SampleMedia.bytes(.mp4, size: 300_000, seed: 74))
            let first = try await Self.start(h)
            _ = try await eventually("the PUT is being retried") { h.simulator.stats.directPuts >= 1 ? true : nil }
            try await Self.kill9(first)
            #expect(h.simulator.stats.directUploadsBegun == 1)
            try await Task.sleep(for: .milliseconds(3500))
            h.simulator.updateFaults {
                $0.directUpload.putErrors = 0
                $0.directUpload.urlExpiresInSeconds = 3600
            }

            let second = try await Self.start(h)
            let result = try #require(try await h.waitForResults(["stale.mp4"])["stale.mp4"])
            #expect(result.status == "succeeded")
            let stats = h.simulator.stats
            #expect(stats.directUploadsBegun == 2)
            #expect(stats.directPutsAccepted == 1)
            #expect(second.logText.contains("beginning it again"))
            #expect(try await second.stop() == 0)
        }
    }

    @Test("killed after storage took the bytes, while complete fails: completed after the restart, no second PUT")
    func killAfterPut() async throws {
        var faults = SimulatorFaults()
        faults.directUpload.completeErrors = 1_000_000
        try await DaemonHarness.with(faults: faults) { h in
            try h.drop("after-put.webm", SampleMedia.bytes(.webm, size: 500_000, seed: 72))
            let first = try await Self.start(h)
            _ = try await eventually("the complete is being retried") { Self.completes(h) >= 2 ? true : nil }
            try await Self.kill9(first)
            h.simulator.updateFaults { $0.directUpload.completeErrors = 0 }

            let second = try await Self.start(h)
            let result = try #require(try await h.waitForResults(["after-put.webm"])["after-put.webm"])
            #expect(result.status == "succeeded")
            let stats = h.simulator.stats
            #expect(stats.directUploadsBegun == 1)
            #expect(stats.directPuts == 1)
            #expect(stats.directPutsByAsset.values.allSatisfy { $0 == 1 })
            #expect(stats.directUploadsCompleted == 1)
            #expect(result.assets.first?["asset_id"]?.string == stats.directPutsByAsset.keys.first)
            #expect(!second.logText.contains("direct upload sent"), "no second PUT")
            #expect(try await second.stop() == 0)
        }
    }

    @Test("killed after complete, while the asset is processing: the wait goes on after the restart, nothing sent again")
    func killAfterComplete() async throws {
        var faults = SimulatorFaults()
        faults.directUpload.pollsUntilReady = 3
        try await DaemonHarness.with(faults: faults) { h in
            try h.drop("after-complete.wav", SampleMedia.bytes(.wav, size: 400_000, seed: 73))
            let first = try await Self.start(h)
            _ = try await eventually("the upload is completed") { h.simulator.stats.directUploadsCompleted == 1 ? true : nil }
            try await Self.kill9(first)
            #expect(h.resultNames().isEmpty)

            let second = try await Self.start(h)
            let result = try #require(try await h.waitForResults(["after-complete.wav"])["after-complete.wav"])
            #expect(result.status == "succeeded")
            #expect(result.assets.first?["upload"]?.string == "direct")
            let stats = h.simulator.stats
            #expect(stats.directUploadsBegun == 1)
            #expect(stats.directPuts == 1)
            #expect(stats.directUploadsCompleted == 1)
            #expect((stats.requests["GET /v3/assets/statuses"] ?? 0) >= 4)
            #expect(!second.logText.contains("direct upload begun") && !second.logText.contains("direct upload sent"))
            #expect(try await second.stop() == 0)
        }
    }
}
