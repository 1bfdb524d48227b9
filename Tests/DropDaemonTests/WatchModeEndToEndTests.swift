import DropDemo
import Foundation
import HeyGenAPI
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The real `heygen-dropd run` with `--watch poll` (and `auto`) against the simulator on loopback.
@Suite("watch modes end to end", .serialized, .timeLimit(.minutes(10)))
struct WatchModeEndToEndTests {
    /// Runs a shell script in a second process (arguments `$1`…), which must exit 0.
    private func runScript(_ script: String, _ arguments: String...) async throws {
        let result = try await runProcess("/bin/sh", ["-c", script, "sh"] + arguments)
        #expect(result.status == 0, "the script exited with \(result.status): \(result.stderr)")
    }

    @Test("--watch poll: a file present at start, one written slowly by a second process and a bundle filled in place are each uploaded once, whole")
    func pollMode() async throws {
        try await DaemonHarness.with { h in
            try h.drop("early.png", SampleMedia.bytes(.png, seed: 7))
            let daemon = try await h.startDaemon(extra: ["--watch", "poll", "--poll-interval-ms", "100", "--settle-ms", "1000"])
            #expect(daemon.logText.contains("polling the inbox every 100 ms: watch mode poll"))

            // A second process writes a PDF into the inbox 10 kB at a time, pausing 0.3 s (less than the
            // settle window) between writes.
            let staging = h.root.file("slow.pdf")
            let whole = SampleMedia.bytes(.pdf, size: 50_000, seed: 8)
            try whole.write(to: URL(fileURLWithPath: staging))
            try await runScript(
                """
                for i in 0 1 2 3 4; do
                  dd if="$1" of="$2" bs=10000 skip=$i seek=$i count=1 conv=notrunc status=none || exit 1
                  sleep 0.3
                done
                """, staging, "\(h.inbox)/slow.pdf")
            // And a bundle filled in place, a member of it appended to slowly.
            let part = h.root.file("part.png")
            try SampleMedia.bytes(.png, size: 3000, seed: 9).write(to: URL(fileURLWithPath: part))
            let clip = h.root.file("clip.mp3")
            try SampleMedia.bytes(.mp3, size: 30_000, seed: 10).write(to: URL(fileURLWithPath: clip))
            try await runScript(
                """
                mkdir "$1" && cp "$2" "$1/slide.png" || exit 1
                for i in 0 1 2; do
                  dd if="$3" of="$1/voice.mp3" bs=10000 skip=$i seek=$i count=1 conv=notrunc status=none || exit 1
                  sleep 0.3
                done
                """, "\(h.inbox)/deck", part, clip)

            let results = try await h.waitForResults(["early.png", "slow.pdf", "deck"])
            #expect(results.values.allSatisfy { $0.status == "succeeded" })
            #expect(results["slow.pdf"]?.assets.first?["size_bytes"]?.number == Double(whole.count))
            #expect(results["deck"]?.assets.count == 2)
            #expect(
                results["deck"]?.assets.compactMap { $0["size_bytes"]?.number }.sorted() == [3000, 30_000])
            // One upload per file: nothing taken twice, nothing taken before it stopped changing.
            try await Task.sleep(for: .seconds(1))
            #expect(h.simulator.stats.uploads == 4)
            #expect(h.simulator.stats.uploadsByIdempotencyKey.values.allSatisfy { $0 == 1 })
            #expect(h.list(h.inbox).isEmpty)
            #expect(try await daemon.stop() == 0)
        }
    }

    @Test("watch mode auto (the default) on a local folder watches with inotify, and says why")
    func autoOnLocalFolder() async throws {
        try await DaemonHarness.with { h in
            let daemon = try await h.startDaemon()
            #expect(daemon.logText.contains("watching the inbox with inotify: watch mode auto and the inbox is on a local file system"))
            try h.drop("a.png", SampleMedia.bytes(.png, seed: 11))
            let results = try await h.waitForResults(["a.png"])
            #expect(results["a.png"]?.status == "succeeded")
            #expect(try await daemon.stop() == 0)
        }
    }

    @Test("an unknown watch mode is refused at start with one line")
    func badMode() async throws {
        try await DaemonHarness.with { h in
            let result = try await h.command("run", ["--watch", "fanotify"])
            #expect(result.status != 0)
            #expect(result.stderr.contains("invalid setting watch=fanotify (from --watch): must be auto, inotify or poll"))
        }
    }
}
