import Foundation
import HeyGenAPI
import HeyGenSimulator
import TestSupport
import Testing

/// The spend guard (`max_videos_per_day`) with the real binary against the simulator: over the cap, jobs are
/// uploaded and then held, shown as held by `status`, and go on by themselves when the window frees.
@Suite("Spend guard", .serialized, .timeLimit(.minutes(10)))
struct SpendGuardEndToEndTests {
    @Test("a cap of 2 with 5 video files: 2 videos, 3 held (status --json), then all 5 once the window moves")
    func capHoldsThenReleases() async throws {
        try await DaemonHarness.with { h in
            let clips = h.root.file("clips")
            let config = try h.writeConfig(
                """
                profiles:
                  clips:
                    inbox: \(clips)/inbox
                    max_videos_per_day: 2
                    video_agent:
                      prompt: "A short video about {stem}"
                """)
            // A window of 0.006 h (21.6 s) stands for the day.
            let window = ["HEYGEN_DROPD_SPEND_WINDOW_HOURS": "0.006"]
            let daemon = try await h.startProfileDaemon(config: config, inboxes: ["\(clips)/inbox"], environment: window)
            let names = (1...5).map { "clip\($0).pdf" }
            for (index, name) in names.enumerated() {
                try h.drop(name, SampleMedia.pdf(text: "clip \(index)"), into: "\(clips)/inbox")
            }

            // Two videos are made; the other three are uploaded, then held.
            let deadline = ContinuousClock.now + .seconds(15)
            var held: [JSONNode] = []
            var report = JSONNode.null
            while ContinuousClock.now < deadline {
                let status = try await h.profileCommand("status", config: config, ["--json"], environment: window)
                report = try JSONNode.parse(Data(status.stdout.utf8))
                held = report["held"]?.array ?? []
                if held.count == 3 { break }
                try await Task.sleep(for: .milliseconds(200))
            }
            #expect(held.count == 3, "held jobs in \(report)")
            #expect(report["held_count"]?.number == 3)
            #expect(h.simulator.stats.agentsCreated == 2)
            #expect(h.simulator.stats.uploads == 5, "uploads are never held")
            for job in held {
                let until = try #require(job["held_until"]?.string)
                #expect(job["status"]?.string == "held until \(until)")
                #expect(job["profile"]?.string == "clips")
            }
            let text = try await h.profileCommand("status", config: config, environment: window)
            #expect(text.stdout.contains("held until"))
            let finished = h.list("\(clips)/outbox").filter { $0.hasSuffix(".json") && !$0.hasPrefix(".") }
            #expect(finished.count <= 2, "nothing over the cap finished early: \(finished)")

            // The window moves: the held jobs go on, two per window, and none fails for it.
            let results = try await h.waitForResults(names, in: "\(clips)/outbox", timeout: .seconds(120))
            for name in names {
                let result = try #require(results[name])
                #expect(result.status == "succeeded", "\(name)")
                #expect(result.videoAgent?["status"]?.string == "completed", "\(name)")
                #expect(result.json["profile"]?.string == "clips")
            }
            #expect(h.simulator.stats.agentsCreated == 5)
            #expect(try await daemon.stop() == 0)
        }
    }
}
