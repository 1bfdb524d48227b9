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

/// The real daemon when its database is locked by someone else for a long time: claims and drops survive it.
@Suite("Queue faults end to end", .serialized)
struct QueueFaultEndToEndTests {
    @Test("a lease lost during a long database lock stops its claim: each job uploaded once, one video, one result",
          .timeLimit(.minutes(3)))
    func leaseLostDuringLock() async throws {
        try await DaemonHarness.with(faults: SimulatorFaults(latencyMs: 2500)) { h in
            h.environment["HEYGEN_DROPD_LEASE_SECONDS"] = "4"
            h.environment["HEYGEN_DROPD_WORKERS"] = "4"
            let daemon = try await h.startDaemon()
            let names = ["a.png", "b.png", "c.png"]
            for (index, name) in names.enumerated() {
                try h.drop("\(name).prompt", Data("Say hello \(index).\n".utf8))
                try h.drop(name, SampleMedia.bytes(.png, size: 4000, seed: 70 + index))
            }
            // Wait until the uploads are in flight (the simulator holds each answer 2.5 s), then lock the
            // database for longer than the lease and the busy timeout together.
            let deadline = ContinuousClock.now + .seconds(90)
            while (h.simulator.stats.requests["POST /v3/assets"] ?? 0) < names.count {
                try #require(ContinuousClock.now < deadline, "the uploads never started")
                try await Task.sleep(for: .milliseconds(20))
            }
            let lock = try DatabaseWriteLock(path: "\(h.state)/queue.sqlite3")
            try await Task.sleep(for: .seconds(14))
            lock.release()

            let results = try await h.waitForResults(names, timeout: .seconds(120))
            #expect(results.values.allSatisfy { $0.status == "succeeded" })
            let stats = h.simulator.stats
            if stats.agentsCreated != names.count { h.dumpLogs() }
            // A second claim used to create a second video (a second charge) for the same job.
            #expect(stats.agentsCreated == names.count, "one video per job")
            // One asset stored per job, under one idempotency key per job. (An upload answered while the
            // database was locked may be sent again under the same key by the next claim: the server answers
            // it from its idempotency store, which is what the key is for.)
            #expect(stats.uploads == names.count)
            #expect(stats.uploadsByIdempotencyKey.count == names.count, "\(stats.uploadsByIdempotencyKey)")
            #expect(h.resultNames() == Set(names.map { "\($0).json" }))
            #expect(h.list(h.archive) == (names + names.map { "\($0).prompt" }).sorted())
            #expect(h.list(h.inbox).isEmpty)
            #expect(try await daemon.stop() == 0)
        }
    }

    @Test("a drop that cannot be queued while the database is locked is queued once it is free",
          .timeLimit(.minutes(2)))
    func enqueueRetriedAfterLock() async throws {
        try await DaemonHarness.with { h in
            let daemon = try await h.startDaemon()
            let lock = try DatabaseWriteLock(path: "\(h.state)/queue.sqlite3")
            try h.drop("late.pdf", SampleMedia.pdf(text: "late"))
            // Hold the lock past the daemon's 5 s busy timeout, so its enqueue fails at least once.
            let deadline = ContinuousClock.now + .seconds(30)
            while !daemon.logText.contains("cannot queue late.pdf") {
                try #require(ContinuousClock.now < deadline, "the enqueue never failed")
                try await Task.sleep(for: .milliseconds(50))
            }
            lock.release()
            let results = try await h.waitForResults(["late.pdf"], timeout: .seconds(60))
            #expect(results["late.pdf"]?.status == "succeeded")
            #expect(h.list(h.inbox).isEmpty)
            #expect(h.simulator.stats.uploads == 1)
            #expect(try await daemon.stop() == 0)
        }
    }
}
