import Foundation
import HeyGenAPI
import HeyGenSimulator
import TestSupport
import Testing

@testable import DropDemo
@testable import DropLogging
@testable import DropOperator
@testable import DropPipeline
@testable import DropService
@testable import DropSettings
#if canImport(Glibc)
import Glibc
#endif

/// Attacks by whoever can write the inbox, with the real binary against the simulator: replacements are never
/// archived as another job's source, and every input is bounded.
@Suite("Hostile inbox: what is moved and how much is read", .serialized)
struct HostileInboxMoveTests {
    @Test("a file replaced while its video is made: the job ends with what it uploaded; the new version gets a job of its own",
          .timeLimit(.minutes(3)))
    func replacedWhileVideoIsMade() async throws {
        var faults = SimulatorFaults()
        faults.pollsUntilCompleted = 12
        try await DaemonHarness.with(faults: faults) { h in
            let daemon = try await h.startDaemon()
            let original = SampleMedia.bytes(.png, size: 4000, seed: 60)
            let replacement = SampleMedia.bytes(.png, size: 6000, seed: 61)
            try h.drop("v.png.prompt", Data("Show the chart".utf8))
            try h.drop("v.png", original)
            try await h.wait(for: "the video session") { h.simulator.stats.agentsCreated >= 1 }
            try h.drop("v.png", replacement)
            try await h.wait(for: "both jobs", timeout: .seconds(60)) { try h.finishedResults(for: "v.png").count >= 2 }
            let results = try h.finishedResults(for: "v.png")
            let first = results[0], second = results[1]
            #expect(first.status == "succeeded")
            #expect(first.videoAgent?["status"]?.string == "completed")
            #expect(first.assets.first?["sha256"]?.string == sha256Hex(original))
            #expect(first.movedTo == nil)
            #expect(second.status == "succeeded")
            #expect(second.assets.first?["sha256"]?.string == sha256Hex(replacement))
            #expect(second.movedTo == "\(h.archive)/v.png")
            #expect(h.simulator.stats.uploads == 2)
            #expect(try Data(contentsOf: URL(fileURLWithPath: "\(h.archive)/v.png")) == replacement)
            #expect(try ResultFile(path: "\(h.outbox)/v.png.json").assets.first?["sha256"]?.string == sha256Hex(replacement))
            #expect(h.list(h.inbox).isEmpty)
            #expect(try await daemon.stop() == 0)
        }
    }

    @Test("kill -9 between link and unlink, then a re-drop under the same name: the newcomer is uploaded by a job of its own",
          .timeLimit(.minutes(3)))
    func crashBetweenLinkAndUnlinkThenRedrop() async throws {
        try await DaemonHarness.with { h in
            let first = try await h.startDaemon()
            // Moves fail while archive/ is a plain file: the job stays in its finishing stage.
            let realArchive = h.root.file("archive-real")
            #expect(rename(h.archive, realArchive) == 0)
            try Data().write(to: URL(fileURLWithPath: h.archive))
            let old = SampleMedia.bytes(.png, size: 3000, seed: 70)
            try h.drop("a.png", old)
            try await h.wait(for: "a failed move") { first.logText.contains("cannot move") }
            first.signal(SIGKILL)
            #expect(try await first.waitForExit() == 128 + SIGKILL)
            #expect(unlink(h.archive) == 0)
            #expect(rename(realArchive, h.archive) == 0)
            // What a kill right after link() leaves behind, then a new file under the same name.
            #expect(link("\(h.inbox)/a.png", "\(h.archive)/a.png") == 0)
            let newcomer = SampleMedia.bytes(.png, size: 5000, seed: 71)
            try h.drop("a.png", newcomer)
            let second = try await h.startDaemon()
            try await h.wait(for: "both jobs", timeout: .seconds(90)) { try h.finishedResults(for: "a.png").count >= 2 }
            let results = try h.finishedResults(for: "a.png")
            #expect(results[0].movedTo == "\(h.archive)/a.png")
            #expect(results[0].assets.first?["sha256"]?.string == sha256Hex(old))
            #expect(results[1].status == "succeeded")
            #expect(results[1].assets.first?["sha256"]?.string == sha256Hex(newcomer))
            #expect(results[1].movedTo == "\(h.archive)/a-1.png")
            #expect(try Data(contentsOf: URL(fileURLWithPath: "\(h.archive)/a.png")) == old)
            #expect(try Data(contentsOf: URL(fileURLWithPath: "\(h.archive)/a-1.png")) == newcomer)
            #expect(h.simulator.stats.uploads == 2)
            #expect(h.list(h.inbox).isEmpty)
            #expect(try await second.stop() == 0)
        }
    }

    @Test("a file made to grow to 20 GB the moment it is opened is refused as too_large without reading it",
          .timeLimit(.minutes(2)))
    func growsWhenOpened() async throws {
        try await DaemonHarness.with { h in
            let daemon = try await h.startDaemon()
            let staging = h.root.file("grow.png")
            try SampleMedia.bytes(.png, size: 5000, seed: 80).write(to: URL(fileURLWithPath: staging))
            let target = "\(h.inbox)/grow.png"
            let trigger = try OnFirstOpen(staging) { _ = truncate(target, twentyGB) }
            #expect(rename(staging, target) == 0)
            // Reading 20 GB would take far longer than this.
            let result = try #require(try await h.waitForResults(["grow.png"], timeout: .seconds(40))["grow.png"])
            try await h.wait(for: "the open to be seen") { trigger.fired }
            #expect(result.errorCode == "too_large")
            #expect(result.movedTo == "\(h.failed)/grow.png")
            #expect(try await daemon.stop() == 0)
        }
    }

    @Test("a 200 MB agent.json, an oversized .prompt and an oversized bundle agent.json are invalid_sidecar before any request",
          .timeLimit(.minutes(2)))
    func oversizedSidecars() async throws {
        try await DaemonHarness.with { h in
            let daemon = try await h.startDaemon()
            let agent = h.root.file("big.agent.json")
            try Data(#"{"prompt": "hi", "pad": ""#.utf8).write(to: URL(fileURLWithPath: agent))
            #expect(truncate(agent, 200 * 1024 * 1024) == 0)
            #expect(rename(agent, "\(h.inbox)/big.png.agent.json") == 0)
            try h.drop("big.png", SampleMedia.bytes(.png, seed: 81))
            try h.drop("long.png.prompt", Data(String(repeating: "word ", count: 9000).utf8))
            try h.drop("long.png", SampleMedia.bytes(.png, seed: 82))
            let staging = try h.root.subdirectory("staging")
            try FileManager.default.createDirectory(atPath: "\(staging)/deck", withIntermediateDirectories: false)
            try SampleMedia.bytes(.pdf, seed: 83).write(to: URL(fileURLWithPath: "\(staging)/deck/a.pdf"))
            let inner = "\(staging)/deck/agent.json"
            try Data(#"{"prompt": "x", "pad": ""#.utf8).write(to: URL(fileURLWithPath: inner))
            #expect(truncate(inner, 65 * 1024) == 0)
            #expect(rename("\(staging)/deck", "\(h.inbox)/deck") == 0)
            let results = try await h.waitForResults(["big.png", "long.png", "deck"])
            for (name, result) in results {
                #expect(result.errorCode == "invalid_sidecar", "\(name)")
                #expect(result.attempts == 0, "\(name)")
            }
            #expect(results["big.png"]?.movedTo == "\(h.failed)/big.png")
            #expect(h.list(h.failed).contains("big.png.agent.json"))
            #expect(h.assetPosts == 0)
            #expect(h.simulator.stats.agentsCreated == 0)
            // Nothing of the sidecars was stored: the database stays small.
            let stored = h.list(h.state).reduce(Int64(0)) { total, file in
                var info = stat()
                return total + (lstat("\(h.state)/\(file)", &info) == 0 ? Int64(info.st_blocks) * 512 : 0)
            }
            #expect(stored < 8 * 1024 * 1024)
            // Nor read: the daemon's peak memory stayed far below the 200 MB it would take to hold the file.
            let peakKiB = try #require(peakResidentKiB(of: daemon.pid))
            #expect(peakKiB < 150 * 1024, "peak RSS \(peakKiB) KiB")
            #expect(try await daemon.stop() == 0)
        }
    }
}

/// The peak resident memory of process `pid` (`VmHWM` in /proc), in KiB.
func peakResidentKiB(of pid: Int32) -> Int? {
    guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
        let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") })
    else { return nil }
    return Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "")
}
