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

/// Sidecar prompts, bundles and the wait for the video, with the real binary against the simulator.
@Suite("Video Agent workflows", .serialized, .timeLimit(.minutes(10)))
struct VideoWorkflowTests {
    @Test("a .prompt dropped before its file makes a video; both end in archive/")
    func promptBeforeFile() async throws {
        try await DaemonHarness.with { h in
            let daemon = try await h.startDaemon()
            try h.drop("report.pdf.prompt", Data("Explain this report in one minute.\n".utf8))
            try await Task.sleep(for: .milliseconds(300))
            try h.drop("report.pdf", SampleMedia.pdf(text: "Q3"))
            let result = try #require(try await h.waitForResults(["report.pdf"])["report.pdf"])
            #expect(result.status == "succeeded")
            let video = try #require(result.videoAgent)
            #expect(video["prompt"]?.string == "Explain this report in one minute.")
            #expect(video["status"]?.string == "completed")
            #expect(video["video_url"]?.string?.hasPrefix("http") == true)
            #expect(video["session_id"]?.string != nil)
            #expect(result.attempts == 2)
            #expect(h.list(h.archive) == ["report.pdf", "report.pdf.prompt"])
            #expect(h.list(h.inbox).isEmpty)
            #expect(h.resultNames() == ["report.pdf.json"])
            #expect(h.simulator.stats.lastAgentRequestBody?.objectValue?["prompt"] == .string("Explain this report in one minute."))
            // The video's URL is presigned (a credential): the log names the video by its id only.
            let videoURL = try #require(video["video_url"]?.string)
            #expect(!daemon.logText.contains(videoURL))
            // The finish line comes after the result is written and the job closed: wait for it.
            let finishLine = "video_id=\(video["video_id"]?.string ?? "-")"
            _ = try await eventually("the finish line is logged", timeout: .seconds(10)) {
                daemon.logText.contains(finishLine) ? true : nil
            }
            #expect(try await daemon.stop() == 0)
        }
    }

    @Test("a .prompt arriving just after its file, within the settle window, is used")
    func promptJustAfterFile() async throws {
        try await DaemonHarness.with { h in
            h.environment["HEYGEN_DROPD_SETTLE_MS"] = "2000"
            let daemon = try await h.startDaemon()
            try h.drop("clip.mp4", SampleMedia.bytes(.mp4, seed: 4))
            try await Task.sleep(for: .milliseconds(150))
            try h.drop("clip.mp4.prompt", Data("Cut a teaser.".utf8))
            let result = try #require(try await h.waitForResults(["clip.mp4"])["clip.mp4"])
            #expect(result.videoAgent?["status"]?.string == "completed")
            #expect(h.list(h.archive) == ["clip.mp4", "clip.mp4.prompt"])
            #expect(try await daemon.stop() == 0)
        }
    }

    @Test("agent.json fields reach the API unchanged, and it wins over .prompt")
    func agentJSONPassThrough() async throws {
        try await DaemonHarness.with { h in
            let daemon = try await h.startDaemon()
            let agent = #"{"prompt": "Make it upbeat", "avatar_id": "av_42", "orientation": "portrait", "callback_id": "cb-7", "style_id": null, "extra": {"list": [1, 2.5, "x"], "flag": true}}"#
            try h.drop("deck.pdf.agent.json", Data(agent.utf8))
            try h.drop("deck.pdf.prompt", Data("ignored prompt".utf8))
            try h.drop("deck.pdf", SampleMedia.pdf(text: "deck"))
            let result = try #require(try await h.waitForResults(["deck.pdf"])["deck.pdf"])
            #expect(result.status == "succeeded")
            #expect(result.videoAgent?["prompt"]?.string == "Make it upbeat")
            let body = try #require(h.simulator.stats.lastAgentRequestBody?.objectValue)
            #expect(body["prompt"] == .string("Make it upbeat"))
            #expect(body["avatar_id"] == .string("av_42"))
            #expect(body["orientation"] == .string("portrait"))
            #expect(body["callback_id"] == .string("cb-7"))
            #expect(body["style_id"] == .null)
            #expect(body["extra"] == .object(["list": .array([.number(1), .number(2.5), .string("x")]), "flag": .bool(true)]))
            let assetID = try #require(result.assets.first?["asset_id"]?.string)
            #expect(body["files"] == .array([.object(["type": .string("asset_id"), "asset_id": .string(assetID)])]))
            #expect(h.list(h.archive) == ["deck.pdf", "deck.pdf.agent.json", "deck.pdf.prompt"])
            #expect(try await daemon.stop() == 0)
        }
    }

    @Test("a bundle moved in makes one video from all its files")
    func bundleMovedIn() async throws {
        try await DaemonHarness.with { h in
            let daemon = try await h.startDaemon()
            let staging = try h.root.subdirectory("staging/launch")
            try SampleMedia.bytes(.png, seed: 11).write(to: URL(fileURLWithPath: "\(staging)/a.png"))
            try SampleMedia.bytes(.jpeg, seed: 12).write(to: URL(fileURLWithPath: "\(staging)/b.jpg"))
            try SampleMedia.pdf(text: "brief").write(to: URL(fileURLWithPath: "\(staging)/brief.pdf"))
            try Data("Launch video for our product.".utf8).write(to: URL(fileURLWithPath: "\(staging)/prompt.txt"))
            #expect(rename(staging, "\(h.inbox)/launch") == 0)
            let result = try #require(try await h.waitForResults(["launch"])["launch"])
            #expect(result.status == "succeeded")
            #expect(result.json["source"]?["kind"]?.string == "bundle")
            #expect(result.assets.compactMap { $0["name"]?.string } == ["a.png", "b.jpg", "brief.pdf"])
            #expect(result.videoAgent?["status"]?.string == "completed")
            let files = try #require(h.simulator.stats.lastAgentRequestBody?.objectValue?["files"])
            if case .array(let list) = files { #expect(list.count == 3) } else { Issue.record("files is not an array") }
            #expect(result.movedTo == "\(h.archive)/launch")
            #expect(h.list("\(h.archive)/launch") == ["a.png", "b.jpg", "brief.pdf", "prompt.txt"])
            #expect(h.simulator.stats.agentsCreated == 1)
            #expect(try await daemon.stop() == 0)
        }
    }

    @Test("a bundle copied in place file by file is taken once it settles")
    func bundleCopiedInPlace() async throws {
        try await DaemonHarness.with { h in
            h.environment["HEYGEN_DROPD_SETTLE_MS"] = "400"
            let daemon = try await h.startDaemon()
            let bundle = "\(h.inbox)/promo"
            try FileManager.default.createDirectory(atPath: bundle, withIntermediateDirectories: false)
            for index in 0..<4 {
                try SampleMedia.bytes(.png, seed: 40 + index).write(to: URL(fileURLWithPath: "\(bundle)/shot\(index).png"))
                try await Task.sleep(for: .milliseconds(150))
            }
            try Data("Promo from these shots".utf8).write(to: URL(fileURLWithPath: "\(bundle)/prompt.txt"))
            let result = try #require(try await h.waitForResults(["promo"])["promo"])
            #expect(result.status == "succeeded")
            #expect(result.assets.count == 4)
            #expect(result.videoAgent?["status"]?.string == "completed")
            #expect(h.simulator.stats.uploads == 4)
            #expect(h.simulator.stats.agentsCreated == 1)
            #expect(try await daemon.stop() == 0)
        }
    }

    @Test("a bundle without a prompt only uploads; one with an unsupported file fails naming it")
    func bundleWithoutPromptAndWithCulprit() async throws {
        try await DaemonHarness.with { h in
            let daemon = try await h.startDaemon()
            let plain = try h.root.subdirectory("s1/photos")
            try SampleMedia.bytes(.png, seed: 61).write(to: URL(fileURLWithPath: "\(plain)/one.png"))
            try SampleMedia.bytes(.png, seed: 62).write(to: URL(fileURLWithPath: "\(plain)/two.png"))
            let bad = try h.root.subdirectory("s2/mixed")
            try SampleMedia.bytes(.png, seed: 63).write(to: URL(fileURLWithPath: "\(bad)/ok.png"))
            try Data("just text".utf8).write(to: URL(fileURLWithPath: "\(bad)/notes.txt"))
            try Data("video please".utf8).write(to: URL(fileURLWithPath: "\(bad)/prompt.txt"))
            #expect(rename(plain, "\(h.inbox)/photos") == 0)
            #expect(rename(bad, "\(h.inbox)/mixed") == 0)
            let results = try await h.waitForResults(["photos", "mixed"])
            #expect(results["photos"]?.status == "succeeded")
            #expect(results["photos"]?.videoAgent == nil)
            #expect(results["photos"]?.assets.count == 2)
            #expect(results["mixed"]?.errorCode == "unsupported_type")
            #expect(results["mixed"]?.json["error"]?["message"]?.string?.contains("notes.txt") == true)
            #expect(results["mixed"]?.movedTo == "\(h.failed)/mixed")
            #expect(h.simulator.stats.uploads == 2)
            #expect(try await daemon.stop() == 0)
        }
    }

    @Test("a failed video fails the job with video_failed and still reports the assets")
    func failedVideo() async throws {
        var faults = SimulatorFaults()
        faults.videoFailureRate = 1
        try await DaemonHarness.with(faults: faults) { h in
            let daemon = try await h.startDaemon()
            try h.drop("doomed.png.prompt", Data("This one will fail".utf8))
            try h.drop("doomed.png", SampleMedia.bytes(.png, seed: 99))
            let result = try #require(try await h.waitForResults(["doomed.png"])["doomed.png"])
            #expect(result.status == "failed")
            #expect(result.errorCode == "video_failed")
            #expect(result.videoAgent?["status"]?.string == "failed")
            #expect(result.videoAgent?["failure_code"]?.string != nil)
            #expect(result.assets.first?["asset_id"]?.string != nil)
            #expect(h.list(h.failed) == ["doomed.png", "doomed.png.prompt"])
            #expect(try await daemon.stop() == 0)
        }
    }

    @Test("polling rides through intermittent 404s on sessions and 200s carrying errors")
    func pollingThroughFaults() async throws {
        var faults = SimulatorFaults()
        faults.sessionNotFoundRate = 0.5
        faults.errorBodyRate = 0.5
        faults.pollsUntilVideoID = 2
        faults.pollsUntilCompleted = 3
        try await DaemonHarness.with(faults: faults) { h in
            let daemon = try await h.startDaemon()
            for index in 0..<3 {
                try h.drop("p\(index).png.prompt", Data("video \(index)".utf8))
                try h.drop("p\(index).png", SampleMedia.bytes(.png, seed: 200 + index))
            }
            let results = try await h.waitForResults(["p0.png", "p1.png", "p2.png"], timeout: .seconds(90))
            for result in results.values {
                #expect(result.status == "succeeded")
                #expect(result.videoAgent?["video_url"]?.string != nil)
            }
            let seen = h.simulator.stats.faultsInjected
            #expect((seen["session_not_found"] ?? 0) + (seen["error_body"] ?? 0) > 0)
            #expect(try await daemon.stop() == 0)
        }
    }

    @Test("a restart while waiting for the video picks the wait up and ends with the video's URL")
    func restartWhileWaiting() async throws {
        var faults = SimulatorFaults()
        faults.pollsUntilCompleted = 6
        try await DaemonHarness.with(faults: faults) { h in
            h.environment["HEYGEN_DROPD_VIDEO_POLL_INITIAL_MS"] = "300"
            let first = try await h.startDaemon()
            try h.drop("wait.pdf.prompt", Data("patience".utf8))
            try h.drop("wait.pdf", SampleMedia.pdf(text: "wait"))
            let deadline = ContinuousClock.now + .seconds(30)
            while h.simulator.stats.agentsCreated == 0, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(20))
            }
            try await Task.sleep(for: .milliseconds(200))
            first.signal(SIGKILL)
            _ = try await first.waitForExit()
            #expect(h.resultNames().isEmpty)
            let second = try await h.startDaemon()
            let result = try #require(try await h.waitForResults(["wait.pdf"])["wait.pdf"])
            #expect(result.status == "succeeded")
            #expect(result.videoAgent?["video_url"]?.string != nil)
            #expect(h.simulator.stats.agentsCreated == 1)
            #expect(h.simulator.stats.uploads == 1)
            #expect(try await second.stop() == 0)
        }
    }

    @Test("a sidecar whose file never comes fails as orphan_sidecar and moves to failed/")
    func orphanSidecar() async throws {
        try await DaemonHarness.with { h in
            h.environment["HEYGEN_DROPD_ORPHAN_SIDECAR_TIMEOUT_MINUTES"] = "0.02"
            let daemon = try await h.startDaemon()
            try h.drop("lonely.pdf.prompt", Data("nobody home".utf8))
            let result = try #require(try await h.waitForResults(["lonely.pdf.prompt"])["lonely.pdf.prompt"])
            #expect(result.errorCode == "orphan_sidecar")
            #expect(result.json["source"]?["kind"]?.string == "file")
            #expect(result.movedTo == "\(h.failed)/lonely.pdf.prompt")
            #expect(result.attempts == 0)
            #expect(h.list(h.failed) == ["lonely.pdf.prompt"])
            #expect(try await daemon.stop() == 0)
        }
    }

    @Test("a sidecar arriving after its file was checked is not swept along: it ends as orphan_sidecar")
    func lateSidecar() async throws {
        var faults = SimulatorFaults()
        faults.latencyMs = 1500
        try await DaemonHarness.with(faults: faults) { h in
            h.environment["HEYGEN_DROPD_ORPHAN_SIDECAR_TIMEOUT_MINUTES"] = "0.03"
            let daemon = try await h.startDaemon()
            try h.drop("late.png", SampleMedia.bytes(.png, seed: 31))
            // Wait until the upload is under way (checked, request sent), then the prompt comes.
            let deadline = ContinuousClock.now + .seconds(20)
            while (h.simulator.stats.requests["POST /v3/assets"] ?? 0) == 0, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(20))
            }
            try h.drop("late.png.prompt", Data("too late".utf8))
            let results = try await h.waitForResults(["late.png", "late.png.prompt"])
            #expect(results["late.png"]?.status == "succeeded")
            #expect(results["late.png"]?.videoAgent == nil)
            #expect(results["late.png.prompt"]?.errorCode == "orphan_sidecar")
            #expect(h.list(h.archive) == ["late.png"])
            #expect(h.list(h.failed) == ["late.png.prompt"])
            #expect(try await daemon.stop() == 0)
        }
    }

    @Test("each kind of invalid sidecar fails the job before anything is uploaded")
    func invalidSidecars() async throws {
        try await DaemonHarness.with { h in
            let daemon = try await h.startDaemon()
            let cases: [(String, String, Data, String)] = [
                ("badjson.png", "agent.json", Data("{not json".utf8), "not valid JSON"),
                ("noprompt.png", "agent.json", Data(#"{"avatar_id": "a"}"#.utf8), "no \"prompt\""),
                ("numprompt.png", "agent.json", Data(#"{"prompt": 5}"#.utf8), "must be a string"),
                ("array.png", "agent.json", Data("[1,2]".utf8), "JSON object"),
                ("empty.png", "prompt", Data("  \n".utf8), "empty"),
                ("long.png", "prompt", Data(String(repeating: "a", count: 10_001).utf8), "10001 characters"),
                ("latin1.png", "prompt", Data([0x63, 0x61, 0x66, 0xE9, 0x20, 0xFF]), "not UTF-8"),
            ]
            for (index, (name, kind, data, _)) in cases.enumerated() {
                try h.drop("\(name).\(kind)", data)
                try h.drop(name, SampleMedia.bytes(.png, seed: 400 + index))
            }
            let results = try await h.waitForResults(cases.map(\.0))
            for (name, kind, _, expected) in cases {
                let result = try #require(results[name])
                #expect(result.errorCode == "invalid_sidecar", "\(name)")
                let message = result.json["error"]?["message"]?.string ?? ""
                #expect(message.contains(expected), "\(name): \(message)")
                #expect(message.contains("\(name).\(kind)"), "\(name): \(message)")
                #expect(result.attempts == 0)
                #expect(FileManager.default.fileExists(atPath: "\(h.failed)/\(name).\(kind)"))
            }
            #expect(h.simulator.stats.uploads == 0)
            #expect(try await daemon.stop() == 0)
        }
    }

    @Test("a bundle with more than 20 files and a prompt fails clearly; a video that never finishes times out")
    func tooManyFilesAndTimeout() async throws {
        var faults = SimulatorFaults()
        faults.pollsUntilCompleted = 100_000
        try await DaemonHarness.with(faults: faults) { h in
            h.environment["HEYGEN_DROPD_VIDEO_TIMEOUT_MINUTES"] = "0.03"
            let daemon = try await h.startDaemon()
            let big = try h.root.subdirectory("s/big")
            for index in 0..<21 {
                try SampleMedia.bytes(.png, seed: 500 + index).write(to: URL(fileURLWithPath: "\(big)/i\(index).png"))
            }
            try Data("too many".utf8).write(to: URL(fileURLWithPath: "\(big)/prompt.txt"))
            #expect(rename(big, "\(h.inbox)/big") == 0)
            try h.drop("slow.png.prompt", Data("forever".utf8))
            try h.drop("slow.png", SampleMedia.bytes(.png, seed: 600))
            let results = try await h.waitForResults(["big", "slow.png"])
            #expect(results["big"]?.errorCode == "invalid_sidecar")
            #expect(results["big"]?.json["error"]?["message"]?.string?.contains("21 files") == true)
            #expect(results["slow.png"]?.errorCode == "video_timeout")
            #expect(results["slow.png"]?.assets.first?["asset_id"]?.string != nil)
            #expect(h.simulator.stats.uploads == 1)
            #expect(try await daemon.stop() == 0)
        }
    }

    @Test("videos in progress never exceed the cap, and the API's 429 on create is waited out")
    func videoConcurrency() async throws {
        var faults = SimulatorFaults()
        faults.maxConcurrentVideos = 1
        faults.pollsUntilCompleted = 2
        try await DaemonHarness.with(faults: faults) { h in
            // Our cap above the API's: creates meet 429 with Retry-After and must wait, not fail.
            h.environment["HEYGEN_DROPD_VIDEO_CONCURRENCY"] = "3"
            let daemon = try await h.startDaemon()
            let names = (0..<3).map { "v\($0).png" }
            for (index, name) in names.enumerated() {
                try h.drop("\(name).prompt", Data("video \(index)".utf8))
                try h.drop(name, SampleMedia.bytes(.png, seed: 800 + index))
            }
            let results = try await h.waitForResults(names, timeout: .seconds(90))
            #expect(results.values.allSatisfy { $0.status == "succeeded" })
            #expect(h.simulator.stats.agentsCreated == 3)
            #expect(try await daemon.stop() == 0)
        }
        try await DaemonHarness.with(faults: faults) { h in
            // Our cap at the API's: the API never has to refuse.
            h.environment["HEYGEN_DROPD_VIDEO_CONCURRENCY"] = "1"
            let daemon = try await h.startDaemon()
            let names = (0..<3).map { "w\($0).png" }
            for (index, name) in names.enumerated() {
                try h.drop("\(name).prompt", Data("video \(index)".utf8))
                try h.drop(name, SampleMedia.bytes(.png, seed: 850 + index))
            }
            let results = try await h.waitForResults(names, timeout: .seconds(90))
            #expect(results.values.allSatisfy { $0.status == "succeeded" })
            #expect(h.simulator.stats.faultsInjected["concurrency_limit"] == nil)
            #expect(try await daemon.stop() == 0)
        }
    }
}
