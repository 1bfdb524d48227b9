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

/// Defect: an unbounded `Retry-After` crashed the daemon (`Task.sleep` overflow) or held a worker for days.
@Suite("Retry-After bounds, end to end", .serialized)
struct RetryAfterEndToEndTests {
    @Test(
        "Retry-After 9223372036854775807 or 999999 on an upload: the daemon stays up, the job is due then, other drops flow",
        .timeLimit(.minutes(4)))
    func hugeRetryAfterOnUpload() async throws {
        try await DaemonHarness.with { h in
            let daemon = try await h.startDaemon()
            let cases: [(value: Int, expectedWait: TimeInterval)] = [(Int.max, 30 * 24 * 3600), (999_999, 999_999)]
            for (index, test) in cases.enumerated() {
                h.simulator.updateFaults {
                    $0.rateLimitRate = 1
                    $0.retryAfterSeconds = test.value
                }
                let held = "held\(index).png"
                let before = Date()
                try h.drop(held, SampleMedia.bytes(.png, seed: 300 + index))
                let due = try await h.dueDate(of: held, after: before.addingTimeInterval(3600))
                let after = Date()
                #expect(due >= before.addingTimeInterval(test.expectedWait - 5))
                #expect(due <= after.addingTimeInterval(test.expectedWait + 5))

                h.simulator.updateFaults { $0.rateLimitRate = 0 }
                let other = "flows\(index).png"
                try h.drop(other, SampleMedia.bytes(.png, seed: 310 + index))
                let result = try #require(try await h.waitForResults([other])[other])
                #expect(result.status == "succeeded")
                #expect(kill(daemon.pid, 0) == 0, "the daemon is still running")
            }
            #expect(h.list(h.inbox) == ["held0.png", "held1.png"])
            #expect(!daemon.logText.contains("Fatal error"))
            #expect(try await daemon.stop() == 0)
            // A restart (which used to crash again at once) leaves both jobs waiting, and new drops still flow.
            let restarted = try await h.startDaemon()
            try h.drop("after-restart.png", SampleMedia.bytes(.png, seed: 330))
            #expect(try await h.waitForResults(["after-restart.png"])["after-restart.png"]?.status == "succeeded")
            _ = try await h.dueDate(of: "held0.png", after: Date().addingTimeInterval(29 * 24 * 3600))
            _ = try await h.dueDate(of: "held1.png", after: Date().addingTimeInterval(11 * 24 * 3600))
            #expect(try await restarted.stop() == 0)
        }
    }

    @Test("a huge Retry-After on the Video Agent create puts the job back, due then, and never crashes", .timeLimit(.minutes(3)))
    func hugeRetryAfterOnCreate() async throws {
        var faults = SimulatorFaults()
        faults.maxConcurrentVideos = 0
        faults.retryAfterSeconds = Int.max
        try await DaemonHarness.with(faults: faults) { h in
            let daemon = try await h.startDaemon()
            let before = Date()
            try h.drop("slot.png.prompt", Data("a video".utf8))
            try h.drop("slot.png", SampleMedia.bytes(.png, seed: 320))
            let due = try await h.dueDate(of: "slot.png", after: before.addingTimeInterval(3600))
            #expect(due >= before.addingTimeInterval(30 * 24 * 3600 - 5))
            try h.drop("plain.png", SampleMedia.bytes(.png, seed: 321))
            #expect(try await h.waitForResults(["plain.png"])["plain.png"]?.status == "succeeded")
            #expect(kill(daemon.pid, 0) == 0)
            #expect(h.simulator.stats.agentsCreated == 0)
            #expect(try await daemon.stop() == 0)
        }
    }
}

extension DaemonHarness {
    /// Waits until `jobs --json` shows the job of `name` queued and due after `after`; returns when it is due.
    func dueDate(of name: String, after: Date, timeout: Duration = .seconds(60)) async throws -> Date {
        try await eventually("\(name) is queued and due after \(after)", timeout: timeout) { () async throws -> Date? in
            let jobs = try await json("jobs", ["--json"])["jobs"]?.array ?? []
            guard let job = jobs.first(where: { $0["name"]?.string == name }), job["state"]?.string == "queued",
                let text = job["next_attempt_at"]?.string, let due = ISO8601DateFormatter().date(from: text), due > after
            else { return nil }
            return due
        }
    }
}
