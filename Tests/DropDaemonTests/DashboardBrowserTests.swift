import DropDemo
import DropPipeline
import Foundation
import HeyGenAPI
import HeyGenSimulator
import TestSupport
import Testing

/// The dashboard in a real browser: headless Chromium loads the page the daemon serves, runs its script,
/// and the rendered DOM is checked; a screenshot is kept under the temp dir as an artifact.
@Suite("Dashboard in a browser", .serialized, .timeLimit(.minutes(10)))
struct DashboardBrowserTests {
    static let hostileName = "<script>alert(1)<script> & <b>x.png"

    /// Chromium's path, when installed (`.ci/run` installs Debian's `chromium`).
    static var chromium: String? {
        ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    @Test("counts, a progress bar, a thumbnail, and a hostile name shown as text")
    func renderedDashboard() async throws {
        guard let chromium = Self.chromium else {
            print("skipped: chromium is not installed (apt-get install chromium)")
            return
        }
        try await DaemonHarness.with { h in
            h.environment["HEYGEN_DROPD_HTTP_LISTEN"] = "127.0.0.1:0"
            // The download left hanging below is not waited for at the end.
            h.environment["HEYGEN_DROPD_SHUTDOWN_GRACE_SECONDS"] = "2"
            let daemon = try await h.startDaemon()
            let endpoint = try await EndpointClient.of(daemon)
            // A finished video (it has a thumbnail), and a file with a hostile name.
            try h.drop("talk.pdf.prompt", Data("Present this.\n".utf8))
            try await Task.sleep(for: .milliseconds(300))
            try h.drop("talk.pdf", SampleMedia.pdf(text: "talk"))
            try h.drop(Self.hostileName, SampleMedia.bytes(.png, seed: 9))
            _ = try await h.waitForResults(["talk.pdf", Self.hostileName])
            // A download that hangs midway: its job stays in flight, downloading, with the bytes it has.
            h.simulator.updateFaults {
                $0.output.videoSizeBytes = 8 << 20
                $0.output.downloadStalls = 1
                $0.output.downloadCutAfterBytes = 2 << 20
                $0.output.downloadStallSeconds = 60
            }
            try h.drop("fetching.pdf.prompt", Data("Present this too.\n".utf8))
            try await Task.sleep(for: .milliseconds(300))
            try h.drop("fetching.pdf", SampleMedia.pdf(text: "fetching"))
            _ = try await eventually("the fetching job is downloading") { () -> Bool? in
                let inFlight = try await endpoint.jobs()["in_flight"] as? [[String: Any]] ?? []
                guard let job = inFlight.first(where: { $0["name"] as? String == "fetching.pdf" }),
                    let downloads = job["downloads"] as? [String: Any], let bar = job["progress"] as? [String: Any]
                else { return nil }
                let received = bar["done"] as? Double ?? 0
                return downloads["files_total"] as? Int == 1 && bar["step"] as? String == "download"
                    && bar["total"] as? Double == Double(8 << 20) && received >= Double(1 << 20) ? true : nil
            }
            // A video that takes its time: its job stays in flight with a progress bar.
            h.simulator.updateFaults { $0.pollsUntilCompleted = 1_000_000 }
            try h.drop("slow.pdf.prompt", Data("Take your time.\n".utf8))
            try await Task.sleep(for: .milliseconds(300))
            try h.drop("slow.pdf", SampleMedia.pdf(text: "slow"))
            _ = try await eventually("the slow job waits for its video") { () -> Bool? in
                let jobs = try await endpoint.jobs()
                let inFlight = jobs["in_flight"] as? [[String: Any]] ?? []
                return inFlight.contains { $0["name"] as? String == "slow.pdf" && $0["state"] as? String == "waiting_video" }
                    ? true : nil
            }

            // The finished video was downloaded: /api/jobs names its path in the outbox.
            let video = "\(h.outbox)/talk.pdf.mp4"
            #expect(FileManager.default.fileExists(atPath: video))
            let listed = try #require(try await endpoint.jobs()["results"] as? [[String: Any]])
            #expect(listed.first { $0["name"] as? String == "talk.pdf" }?["downloaded_path"] as? String == video)

            let counts = try #require(try await endpoint.jobs()["counts"] as? [[String: Any]])
            let succeeded = try #require(counts.first { $0["state"] as? String == "succeeded" }?["count"] as? Int)
            #expect(succeeded >= 2)
            let dom = try await Self.run(chromium, [
                "--headless", "--no-sandbox", "--disable-gpu", "--virtual-time-budget=5000", "--dump-dom",
                endpoint.baseURL + "/",
            ])
            // Counts by state, rendered by the page's script.
            #expect(dom.contains(#"data-state="succeeded">\#(succeeded)</td>"#), "\(dom.prefix(3000))")
            #expect(dom.contains(#"data-state="waiting_video">1</td>"#))
            // A progress bar for the job in flight.
            #expect(dom.contains(#"<progress class="bar""#))
            // The download in flight: its bar, and its files in the outbox so far.
            #expect(dom.contains(#"data-step="download""#))
            #expect(dom.contains(#"data-files-done="0">0 of 1 file in the outbox (0 B), fetching the video<"#))
            // The finished video's thumbnail.
            let thumb = try #require(dom.range(of: #"<img class="thumb" alt="" src="http://127.0.0.1:[0-9]+/"#, options: .regularExpression))
            #expect(!thumb.isEmpty)
            // The downloaded video's path in the outbox, shown for its result as a link.
            #expect(dom.contains(#"href="file://\#(video)">\#(video)</a>"#), "\(dom.prefix(3000))")
            // The hostile name is text: escaped in the DOM, never an element.
            #expect(dom.contains("&lt;script&gt;alert(1)&lt;script&gt; &amp; &lt;b&gt;x.png"))
            #expect(!dom.contains("<script>alert(1)"))
            #expect(!dom.contains("<b>x.png"))
            #expect(!dom.contains(h.apiKey))

            let artifacts = FileManager.default.temporaryDirectory.appendingPathComponent("heygen-dropd-artifacts").path
            try FileManager.default.createDirectory(atPath: artifacts, withIntermediateDirectories: true)
            let screenshot = artifacts + "/dashboard.png"
            try? FileManager.default.removeItem(atPath: screenshot)
            _ = try await Self.run(chromium, [
                "--headless", "--no-sandbox", "--disable-gpu", "--virtual-time-budget=5000", "--hide-scrollbars",
                "--window-size=1280,1000", "--screenshot=\(screenshot)", endpoint.baseURL + "/",
            ])
            let size = (try? FileManager.default.attributesOfItem(atPath: screenshot)[.size] as? Int) ?? 0
            #expect(size > 10_000, "screenshot at \(screenshot)")
            print("dashboard screenshot: \(screenshot)")
            #expect(try await daemon.stop() == 0)
        }
    }

    /// Runs Chromium with a scratch profile; its stdout.
    static func run(_ chromium: String, _ arguments: [String]) async throws -> String {
        let profile = try TemporaryDirectory(prefix: "chromium-profile")
        defer { profile.remove() }
        var environment = ProcessInfo.processInfo.environment
        environment["HOME"] = profile.path
        let result = try await runProcess(
            chromium, ["--user-data-dir=\(profile.path)", "--no-first-run", "--disable-dev-shm-usage"] + arguments,
            environment: environment)
        guard result.status == 0 else {
            throw HarnessError("chromium exited \(result.status): \(result.stderr.suffix(2000))")
        }
        return result.stdout
    }
}
