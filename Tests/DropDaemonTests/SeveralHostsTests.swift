import DropQueue
import Foundation
import HeyGenAPI
import HeyGenSimulator
import TestSupport
import Testing

/// Two daemons (as two hosts would run them) on one PostgreSQL queue and one shared inbox watched by polling,
/// with the real binary against the simulator, at the scale of a busy inbox: 300 files and 20 Video Agent jobs.
/// Each drop is worked once (one result, one move, no second upload or video), the account's video cap holds
/// across both, a daemon killed with `kill -9` has its jobs finished by the other once their leases expire,
/// and both carry on after the database server is stopped and started again.
@Suite("Several hosts, one queue", .serialized, .timeLimit(.minutes(5)))
struct SeveralHostsTests {
    /// The daemons' `video_concurrency`: the most videos in the making at once, on both together.
    private static let videoCap = 2
    /// The test's database on the throw-away server.
    private static let database = "hosts"

    @Test("300 files and 20 videos on two daemons: each worked once, the video cap kept, kill -9 and a database restart lose nothing")
    func twoDaemons() async throws {
        let began = ContinuousClock.now
        var faults = SimulatorFaults()
        // The account would take many more: only the daemons' own cap keeps the count at `videoCap`.
        faults.maxConcurrentVideos = 100
        faults.pollsUntilCompleted = 3
        try await PostgresTestCluster.with { cluster in
            let url = try await cluster.createDatabase(Self.database)
            try await DaemonHarness.with(faults: faults) { h in
                try cluster.password.write(toFile: h.root.file("queue-password"), atomically: true, encoding: .utf8)
                h.environment["HEYGEN_DROPD_QUEUE_URL"] = url
                h.environment["HEYGEN_DROPD_QUEUE_PASSWORD_FILE"] = h.root.file("queue-password")
                h.environment["HEYGEN_DROPD_LEASE_SECONDS"] = "3"
                h.environment["HEYGEN_DROPD_VIDEO_CONCURRENCY"] = "\(Self.videoCap)"
                h.environment["HEYGEN_DROPD_WATCH"] = "poll"
                h.environment["HEYGEN_DROPD_POLL_INTERVAL_MS"] = "200"
                let other = DaemonHarness(
                    root: h.root, inbox: h.inbox, outbox: h.outbox, archive: h.archive, failed: h.failed,
                    state: try h.root.subdirectory("state-b"), simulator: h.simulator, port: h.port,
                    environment: h.environment, apiKey: h.apiKey)
                var first = try await h.startDaemon()
                let second = try await other.startDaemon()
                var drops = HostDrops()

                // Both daemons see one shared inbox; one of them is killed midway, holding jobs.
                let batchOne = try drops.drop(into: h, prefix: "one", files: 180, videos: 12)
                let held = try await Self.killHoldingWork(first, cluster: cluster) {
                    let done = batchOne.filter { h.resultNames().contains("\($0).json") }.count
                    return done >= 40 && done < batchOne.count
                }
                #expect(!held.isEmpty, "the killed daemon held no job")
                #expect(Set(held).isSubset(of: batchOne), "\(held)")
                #expect(batchOne.contains { !h.resultNames().contains("\($0).json") }, "nothing was left to take over")

                // The other finishes the killed one's jobs once their leases expire.
                let takenOver = try await h.waitForResults(held, timeout: .seconds(120))
                #expect(takenOver.values.allSatisfy { $0.status == "succeeded" })

                // The killed host comes back; the database server is stopped and started while work remains.
                first = try await h.startDaemon()
                let batchTwo = try drops.drop(into: h, prefix: "two", files: 100, videos: 8)
                _ = try await eventually("a part of the second batch is done", timeout: .seconds(120)) {
                    batchTwo.filter { h.resultNames().contains("\($0).json") }.count >= 20 ? true : nil
                }
                let leasedAtOutage = try await Self.leasedSources(cluster: cluster, owner: nil)
                let unfinished = (batchOne + batchTwo).filter { !h.resultNames().contains("\($0).json") }
                try await cluster.stop()
                #expect(!unfinished.isEmpty, "the database restarted with no work left")
                let outage = try drops.drop(into: h, prefix: "outage", files: 20, videos: 0)
                try await Task.sleep(for: .seconds(2))
                try await cluster.start()
                let firstLogMark = first.logText.utf8.count
                let secondLogMark = second.logText.utf8.count

                // Every drop: one result, one move; both daemons carried on.
                let all = batchOne + batchTwo + outage
                #expect(all.count == 320)
                let results = try await h.waitForResults(all, timeout: .seconds(120))
                #expect(results.values.allSatisfy { $0.status == "succeeded" })
                #expect(h.resultNames() == Set(all.map { "\($0).json" }))
                #expect(h.list(h.archive) == (all + drops.sidecars).sorted())
                #expect(h.list(h.inbox).isEmpty)
                #expect(h.list(h.failed).isEmpty)
                #expect(results.allSatisfy { name, result in result.movedTo?.hasSuffix("/archive/\(name)") == true })
                #expect(Self.logText(first, after: firstLogMark).contains("job finished"), "the restarted daemon did nothing")
                #expect(Self.logText(second, after: secondLogMark).contains("job finished"), "the other daemon did nothing")

                // No upload twice, beyond those of jobs in flight at the kill or the outage; no video twice.
                Self.expectAssetsOnce(results: results, drops: drops, simulator: h.simulator, inFlight: Set(held + leasedAtOutage))
                let stats = h.simulator.stats
                #expect(stats.agentsCreated == drops.videos.count)
                #expect(results.filter { $0.value.videoAgent != nil }.count == drops.videos.count)
                // The cap was reached, never passed, by the two daemons together.
                #expect(stats.peakVideosInProgress == Self.videoCap)

                // One job per drop in the shared queue, each succeeded (a sidecar's job, when the sidecar was
                // seen before its file took it, waits out the orphan timeout); the operator commands read it.
                let jobs = try await cluster.psql(
                    """
                    SELECT count(*), count(DISTINCT source_name), count(*) FILTER (WHERE state = 'succeeded')
                    FROM jobs WHERE kind <> 'sidecar'
                    """, database: Self.database)
                #expect(jobs == "320|320|320")
                let status = try await other.command("status")
                #expect(status.status == 0, "\(status.stderr)")
                #expect(status.stdout.contains("succeeded \(all.count),"), "\(status.stdout)")
                #expect(status.stdout.contains("postgres://postgres@127.0.0.1:\(cluster.port)/hosts"), "\(status.stdout)")
                #expect(!status.stdout.contains(cluster.password) && !status.stderr.contains(cluster.password))
                #expect(try await first.stop() == 0)
                #expect(try await second.stop() == 0)
                #expect(!first.logText.contains(cluster.password) && !second.logText.contains(cluster.password))
                print(
                    "several hosts: \(held.count) job(s) taken over after kill -9, \(unfinished.count) unfinished at the "
                        + "database restart, at most \(stats.peakVideosInProgress) video(s) at once, "
                        + "\(Self.logText(first, after: firstLogMark).components(separatedBy: "job finished").count - 1)/"
                        + "\(Self.logText(second, after: secondLogMark).components(separatedBy: "job finished").count - 1) "
                        + "finished by each daemon after it; took \(ContinuousClock.now - began)")
            }
        }
    }

    /// Waits until `midway()` holds, then freezes `daemon` (SIGSTOP, so what it holds cannot change), reads
    /// the sources of the jobs it has claimed and kills it with SIGKILL; tries again a little later when it
    /// held none at that moment. Returns those sources (empty when it never held any).
    private static func killHoldingWork(
        _ daemon: DaemonProcess, cluster: PostgresTestCluster, midway: () -> Bool
    ) async throws -> [String] {
        _ = try await eventually("the first batch is partly done", timeout: .seconds(120)) { midway() ? true : nil }
        var held: [String] = []
        for _ in 0..<50 {
            daemon.signal(SIGSTOP)
            // A statement already sent when it stopped lands meanwhile.
            try await Task.sleep(for: .milliseconds(300))
            held = try await leasedSources(cluster: cluster, owner: daemon.pid)
            if !held.isEmpty { break }
            daemon.signal(SIGCONT)
            try await Task.sleep(for: .milliseconds(100))
        }
        daemon.signal(SIGKILL)
        _ = try await daemon.waitForExit()
        return held
    }

    /// What `daemon` logged after the first `offset` bytes of its log.
    private static func logText(_ daemon: DaemonProcess, after offset: Int) -> String {
        String(decoding: daemon.logText.utf8.dropFirst(offset), as: UTF8.self)
    }

    /// The sources of the active jobs under a lease: of the daemon with process id `owner`, or of any.
    private static func leasedSources(cluster: PostgresTestCluster, owner: Int32?) async throws -> [String] {
        // Lease owners read "host:state-dir-hash:pid:random".
        let whose = owner.map { "lease_owner LIKE '%:\($0):%'" } ?? "lease_owner IS NOT NULL"
        let output = try await cluster.psql(
            "SELECT source_name FROM jobs WHERE \(whose) AND state IN ('queued','waiting_video') ORDER BY 1",
            database: database)
        return output.split(separator: "\n").map(String.init)
    }

    /// Each dropped file's bytes became an asset on the simulator, and only once unless its job was in
    /// `inFlight` at a crash; the results name exactly those bytes; nothing else was uploaded.
    private static func expectAssetsOnce(
        results: [String: ResultFile], drops: HostDrops, simulator: HeyGenSimulator, inFlight: Set<String>
    ) {
        let stored = simulator.storedAssetsByChecksum
        #expect(Set(stored.keys) == Set(drops.checksums.values), "assets of bytes never dropped, or drops never uploaded")
        for (name, checksum) in drops.checksums {
            let copies = stored[checksum] ?? 0
            #expect(copies == 1 || (copies > 1 && inFlight.contains(name)), "\(name) uploaded \(copies) times")
            let named = results[name]?.assets.compactMap { $0["sha256"]?.string } ?? []
            #expect(named == [checksum], "\(name)'s result names \(named)")
        }
        let duplicates = stored.values.reduce(0) { $0 + $1 - 1 }
        #expect(duplicates <= inFlight.count)
    }
}
