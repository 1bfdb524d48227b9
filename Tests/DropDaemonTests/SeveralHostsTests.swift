import DropQueue
import Foundation
import TestSupport
import Testing

import HeyGenAPI

/// Two daemons (as two hosts would run them) on one PostgreSQL queue and one shared inbox, with the real
/// binary against the simulator: each drop is worked once, a killed daemon's jobs are finished by the other
/// once their leases expire, and both carry on after the database server restarts.
@Suite("Several hosts, one queue", .serialized, .timeLimit(.minutes(10)))
struct SeveralHostsTests {
    /// Drops `count` small distinct PNGs named `prefix-N.png`; returns their names.
    private static func dropFiles(_ h: DaemonHarness, prefix: String, count: Int, seed: Int) throws -> [String] {
        try (0..<count).map { index in
            let name = "\(prefix)-\(index).png"
            try h.drop(name, SampleMedia.bytes(.png, seed: seed + index))
            return name
        }
    }

    @Test("two daemons drain one queue; a killed one's jobs are taken over; a database restart loses nothing")
    func twoDaemons() async throws {
        try await PostgresTestCluster.with { cluster in
            let url = try await cluster.createDatabase("hosts")
            try await DaemonHarness.with { h in
                try cluster.password.write(toFile: h.root.file("queue-password"), atomically: true, encoding: .utf8)
                h.environment["HEYGEN_DROPD_QUEUE_URL"] = url
                h.environment["HEYGEN_DROPD_QUEUE_PASSWORD_FILE"] = h.root.file("queue-password")
                h.environment["HEYGEN_DROPD_LEASE_SECONDS"] = "3"
                h.environment["HEYGEN_DROPD_VIDEO_CONCURRENCY"] = "2"
                let other = DaemonHarness(
                    root: h.root, inbox: h.inbox, outbox: h.outbox, archive: h.archive, failed: h.failed,
                    state: try h.root.subdirectory("state-b"), simulator: h.simulator, port: h.port,
                    environment: h.environment, apiKey: h.apiKey)
                let first = try await h.startDaemon()
                let second = try await other.startDaemon()

                // One shared inbox seen by both: every drop makes one job, one result, one move.
                var names = try Self.dropFiles(h, prefix: "both", count: 40, seed: 1000)
                for index in 0..<2 {
                    try h.drop("video-\(index).pdf.prompt", Data("Explain page \(index).\n".utf8))
                    try h.drop("video-\(index).pdf", SampleMedia.bytes(.pdf, seed: 5000 + index))
                    names.append("video-\(index).pdf")
                }
                let results = try await h.waitForResults(names, timeout: .seconds(120))
                #expect(results.values.allSatisfy { $0.status == "succeeded" })
                #expect(h.simulator.stats.uploads == names.count)
                #expect(Set(h.list(h.archive)) == Set(names + ["video-0.pdf.prompt", "video-1.pdf.prompt"]))
                #expect(h.list(h.inbox).isEmpty)

                // One daemon killed midway: the other finishes its jobs once their leases expire.
                let later = try Self.dropFiles(h, prefix: "kill", count: 20, seed: 2000)
                _ = try await eventually("a few of the new drops are done", timeout: .seconds(60)) {
                    later.filter { h.resultNames().contains("\($0).json") }.count >= 3 ? true : nil
                }
                first.signal(SIGKILL)
                _ = try await first.waitForExit()
                let afterKill = try await h.waitForResults(later, timeout: .seconds(120))
                #expect(afterKill.values.allSatisfy { $0.status == "succeeded" })

                // The database server stopped and started again: the daemon carries on, nothing is lost.
                try await cluster.stop()
                let during = try Self.dropFiles(h, prefix: "outage", count: 5, seed: 3000)
                try await Task.sleep(for: .seconds(2))
                try await cluster.start()
                let afterOutage = try await h.waitForResults(during, timeout: .seconds(120))
                #expect(afterOutage.values.allSatisfy { $0.status == "succeeded" })
                #expect(h.list(h.inbox).isEmpty)
                let all = names + later + during
                #expect(Set(h.resultNames()) == Set(all.map { "\($0).json" }))

                // The operator commands read the shared queue.
                let status = try await other.command("status")
                #expect(status.status == 0, "\(status.stderr)")
                #expect(status.stdout.contains("succeeded \(all.count),"), "\(status.stdout)")
                #expect(status.stdout.contains("postgres://postgres@127.0.0.1:\(cluster.port)/hosts"), "\(status.stdout)")
                #expect(!status.stdout.contains(cluster.password) && !status.stderr.contains(cluster.password))
                #expect(try await second.stop() == 0)
                #expect(!second.logText.contains(cluster.password))
            }
        }
    }
}
