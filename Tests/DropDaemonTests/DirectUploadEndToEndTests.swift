import DropDemo
import Foundation
import HeyGenAPI
import HeyGenSimulator
import TestSupport
import Testing

/// Files above `direct_upload_above_bytes` go up by the direct flow (begin, `PUT` to storage, complete, ready):
/// the real `heygen-dropd run` against the simulator, whose storage refuses any request carrying the API key.
@Suite("Direct uploads end to end", .serialized, .timeLimit(.minutes(10)))
struct DirectUploadEndToEndTests {
    /// Files above this many bytes go direct in the tests that lower the threshold.
    static let threshold = 100_000

    @Test("a 100 MB file goes direct, a small one by POST /v3/assets; the results say how, storage never sees the key")
    func hundredMegabytes() async throws {
        try await DaemonHarness.with { h in
            let daemon = try await h.startDaemon()
            let size = 100 * 1024 * 1024
            try h.drop("screen.mp4", SampleMedia.bytes(.mp4, size: size, seed: 11))
            try h.drop("small.png", SampleMedia.bytes(.png, seed: 12))
            let results = try await h.waitForResults(["screen.mp4", "small.png"], timeout: .seconds(240))
            let big = try #require(results["screen.mp4"])
            #expect(big.status == "succeeded")
            #expect(big.assets.first?["upload"]?.string == "direct")
            #expect(big.assets.first?["reused"] == .bool(false))
            #expect(big.assets.first?["size_bytes"]?.number == Double(size))
            #expect(big.assets.first?["mime_type"]?.string == "video/mp4")
            #expect(big.assets.first?["asset_id"]?.string?.isEmpty == false)
            #expect(big.attempts == 3)  // begin, PUT, complete
            #expect(big.movedTo == "\(h.archive)/screen.mp4")
            #expect(results["small.png"]?.assets.first?["upload"]?.string == "multipart")
            let stats = h.simulator.stats
            #expect(stats.directUploadsBegun == 1)
            #expect(stats.directPuts == 1)
            #expect(stats.directPutsAccepted == 1)
            #expect(stats.directPutBytes == Int64(size))
            #expect(stats.directUploadsCompleted == 1)
            #expect(stats.uploads == 1)
            #expect(stats.storageKeyLeaks == 0)
            #expect(!stats.lastStorageHeaderNames.contains("x-api-key"))
            // The asset was `processing` once before it was ready.
            #expect((stats.requests["GET /v3/assets/statuses"] ?? 0) >= 2)
            #expect(try await daemon.stop() == 0)
            #expect(!daemon.logText.contains("signature="), "the upload URL (a credential) is never logged")
        }
    }

    @Test("PUTs answered 500 or cut mid-body are sent again to the same URL, then succeed")
    func putFaultsThenSuccess() async throws {
        var faults = SimulatorFaults()
        faults.directUpload.putErrors = 2
        faults.directUpload.putCuts = 1
        try await DaemonHarness.with(faults: faults) { h in
            h.environment["HEYGEN_DROPD_DIRECT_UPLOAD_ABOVE_BYTES"] = "\(Self.threshold)"
            let daemon = try await h.startDaemon()
            try h.drop("clip.webm", SampleMedia.bytes(.webm, size: 600_000, seed: 21))
            let result = try #require(try await h.waitForResults(["clip.webm"])["clip.webm"])
            #expect(result.status == "succeeded")
            #expect(result.assets.first?["upload"]?.string == "direct")
            #expect(result.attempts == 6)  // begin, four PUTs, complete
            let stats = h.simulator.stats
            #expect(stats.directUploadsBegun == 1)
            #expect(stats.directPuts == 4)
            #expect(stats.directPutsAccepted == 1)
            #expect(stats.faultsInjected["direct_put_error"] == 2)
            #expect(stats.faultsInjected["direct_put_cut"] == 1)
            #expect(try await daemon.stop() == 0)
        }
    }

    @Test("a large file replaced while its PUT is retried is checked again; the result describes the new bytes")
    func replacedDuringPut() async throws {
        var faults = SimulatorFaults()
        faults.directUpload.putErrors = 1_000_000
        try await DaemonHarness.with(faults: faults) { h in
            h.environment["HEYGEN_DROPD_DIRECT_UPLOAD_ABOVE_BYTES"] = "\(Self.threshold)"
            h.environment["HEYGEN_DROPD_MAX_ATTEMPTS"] = "1000"
            let daemon = try await h.startDaemon()
            try h.drop("swap.mp4", SampleMedia.bytes(.mp4, size: 300_000, seed: 81))
            _ = try await eventually("the PUT is being retried") { h.simulator.stats.directPuts >= 1 ? true : nil }
            let replacement = SampleMedia.bytes(.mp4, size: 350_000, seed: 82)
            try h.drop("swap.mp4", replacement)
            h.simulator.updateFaults { $0.directUpload.putErrors = 0 }
            let result = try #require(try await h.waitForResults(["swap.mp4"])["swap.mp4"])
            #expect(result.status == "succeeded")
            #expect(result.assets.first?["size_bytes"]?.number == 350_000)
            #expect(result.assets.first?["upload"]?.string == "direct")
            let archived = try Data(contentsOf: URL(fileURLWithPath: "\(h.archive)/swap.mp4"))
            #expect(archived == replacement)
            #expect(h.simulator.stats.directUploadsBegun == 2)
            #expect(daemon.logText.contains("checking it again"))
            #expect(try await daemon.stop() == 0)
        }
    }

    @Test("an upload URL refused as expired is begun again, then succeeds")
    func expiredURLBeginsAgain() async throws {
        var faults = SimulatorFaults()
        faults.directUpload.putExpired = 1
        try await DaemonHarness.with(faults: faults) { h in
            h.environment["HEYGEN_DROPD_DIRECT_UPLOAD_ABOVE_BYTES"] = "\(Self.threshold)"
            let daemon = try await h.startDaemon()
            try h.drop("talk.mp3", SampleMedia.bytes(.mp3, size: 300_000, seed: 31))
            let result = try #require(try await h.waitForResults(["talk.mp3"])["talk.mp3"])
            #expect(result.status == "succeeded")
            let stats = h.simulator.stats
            #expect(stats.directUploadsBegun == 2)
            #expect(stats.directPuts == 2)
            #expect(stats.directPutsAccepted == 1)
            #expect(stats.faultsInjected["direct_put_expired"] == 1)
            #expect(result.attempts == 5)  // begin, PUT (403), begin, PUT, complete
            #expect(daemon.logText.contains("beginning it again"))
            #expect(try await daemon.stop() == 0)
        }
    }

    @Test("an asset that ends failed fails its job as rejected, saying so; the source moves to failed/")
    func assetFailed() async throws {
        var faults = SimulatorFaults()
        faults.directUpload.assetFailureRate = 1
        try await DaemonHarness.with(faults: faults) { h in
            h.environment["HEYGEN_DROPD_DIRECT_UPLOAD_ABOVE_BYTES"] = "\(Self.threshold)"
            let daemon = try await h.startDaemon()
            try h.drop("broken.mp4", SampleMedia.bytes(.mp4, size: 300_000, seed: 41))
            let result = try #require(try await h.waitForResults(["broken.mp4"])["broken.mp4"])
            #expect(result.status == "failed")
            #expect(result.errorCode == "rejected")
            let message = result.json["error"]?["message"]?.string ?? ""
            #expect(message.contains("broken.mp4 was uploaded, but HeyGen could not process it"))
            #expect(message.contains("failed"))
            #expect(result.movedTo == "\(h.failed)/broken.mp4")
            #expect(h.list(h.failed) == ["broken.mp4"])
            #expect(try await daemon.stop() == 0)
        }
    }

    @Test("the same large bytes dropped again are reused: no second direct upload")
    func bigFileReused() async throws {
        try await DaemonHarness.with { h in
            h.environment["HEYGEN_DROPD_DIRECT_UPLOAD_ABOVE_BYTES"] = "\(Self.threshold)"
            let daemon = try await h.startDaemon()
            let bytes = SampleMedia.bytes(.wav, size: 400_000, seed: 51)
            try h.drop("one.wav", bytes)
            let first = try #require(try await h.waitForResults(["one.wav"])["one.wav"])
            try h.drop("two.wav", bytes)
            let second = try #require(try await h.waitForResults(["two.wav"])["two.wav"])
            #expect(first.assets.first?["upload"]?.string == "direct")
            #expect(second.status == "succeeded")
            #expect(second.assets.first?["upload"]?.string == "reused")
            #expect(second.assets.first?["reused"] == .bool(true))
            #expect(second.assets.first?["asset_id"] == first.assets.first?["asset_id"])
            #expect(second.attempts == 0)
            #expect(h.simulator.stats.directUploadsBegun == 1)
            #expect(h.simulator.stats.directPuts == 1)
            #expect(try await daemon.stop() == 0)
        }
    }

    @Test("over max_file_bytes, or over the API's max_bytes: too_large, with no byte sent")
    func tooLarge() async throws {
        var faults = SimulatorFaults()
        faults.directUpload.maxBytes = 250_000
        try await DaemonHarness.with(faults: faults) { h in
            h.environment["HEYGEN_DROPD_DIRECT_UPLOAD_ABOVE_BYTES"] = "\(Self.threshold)"
            h.environment["HEYGEN_DROPD_MAX_FILE_BYTES"] = "500000"
            let daemon = try await h.startDaemon()
            try h.drop("local.mp4", SampleMedia.bytes(.mp4, size: 500_001, seed: 61))
            try h.drop("remote.mp4", SampleMedia.bytes(.mp4, size: 300_000, seed: 62))
            try h.drop("fits.mp4", SampleMedia.bytes(.mp4, size: 200_000, seed: 63))
            let results = try await h.waitForResults(["local.mp4", "remote.mp4", "fits.mp4"])
            let local = try #require(results["local.mp4"])
            #expect(local.errorCode == "too_large")
            #expect(local.attempts == 0)
            #expect(local.json["error"]?["message"]?.string?.contains("max_file_bytes") == true)
            let remote = try #require(results["remote.mp4"])
            #expect(remote.errorCode == "too_large")
            #expect(remote.json["error"]?["http_status"]?.number == 413)
            #expect(remote.attempts == 1)
            #expect(remote.movedTo == "\(h.failed)/remote.mp4")
            #expect(results["fits.mp4"]?.status == "succeeded")
            let stats = h.simulator.stats
            #expect(stats.directUploadsBegun == 1)  // only fits.mp4 was granted
            #expect(stats.directPuts == 1)
            #expect(try await daemon.stop() == 0)
        }
    }

    @Test("a SubRip subtitle file uploads with its type; so does a large one, directly")
    func subRip() async throws {
        try await DaemonHarness.with { h in
            h.environment["HEYGEN_DROPD_DIRECT_UPLOAD_ABOVE_BYTES"] = "\(Self.threshold)"
            let daemon = try await h.startDaemon()
            var cues = "\u{FEFF}"
            for index in 1...3000 {
                cues += "\(index)\r\n00:\(String(format: "%02d", index / 60 % 60)):\(String(format: "%02d", index % 60)),000 --> "
                    + "00:\(String(format: "%02d", index / 60 % 60)):\(String(format: "%02d", index % 60)),900\r\nLine \(index)\r\n\r\n"
            }
            let large = Data(cues.utf8)
            #expect(large.count > Self.threshold)
            try h.drop("talk.srt", Data("1\n00:00:01,000 --> 00:00:02,500\nHello.\n\n".utf8))
            try h.drop("long.srt", large)
            let results = try await h.waitForResults(["talk.srt", "long.srt"])
            for (name, upload) in [("talk.srt", "multipart"), ("long.srt", "direct")] {
                let result = try #require(results[name])
                #expect(result.status == "succeeded", "\(name)")
                #expect(result.assets.first?["mime_type"]?.string == MediaType.srt.mimeType, "\(name)")
                #expect(result.assets.first?["upload"]?.string == upload, "\(name)")
            }
            #expect(try await daemon.stop() == 0)
        }
    }
}
