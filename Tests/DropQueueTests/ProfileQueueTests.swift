import DropQueue
import Foundation
import Testing

/// Profiles in the queue: a job per source and profile, claims fair between profiles, the spend ledger.
@Suite(.timeLimit(.minutes(2))) struct ProfileQueueTests {
    @Test("the same name in two profiles is two jobs; each profile's enqueue stays idempotent")
    func sameNameTwoProfiles() async throws {
        try await withQueue { queue, _ in
            let a = try queue.enqueue(NewJob(sourceName: "x.pdf", kind: "file", fingerprint: "f", profile: "a"), now: t0)
            let b = try queue.enqueue(NewJob(sourceName: "x.pdf", kind: "file", fingerprint: "f", profile: "b"), now: t0)
            let again = try queue.enqueue(NewJob(sourceName: "x.pdf", kind: "file", fingerprint: "f", profile: "a"), now: t0)
            #expect(a.job.id != b.job.id)
            #expect(again.job.id == a.job.id)
            #expect(a.job.profile == "a" && b.job.profile == "b")
            #expect(try queue.activeJob(sourceName: "x.pdf", profile: "b")?.id == b.job.id)
            #expect(try queue.jobs(state: nil, limit: 10, profile: "a").map(\.id) == [a.job.id])
            #expect(try queue.enqueue(newJob("y.pdf"), now: t0).job.profile == JobQueue.defaultProfile)
        }
    }

    @Test("a profile with many due jobs does not starve one with a few")
    func fairClaims() async throws {
        try await withQueue { queue, _ in
            let big = (0..<200).map { NewJob(sourceName: "big\($0).png", kind: "file", fingerprint: "b\($0)", profile: "big") }
            _ = try queue.enqueue(big, now: t0)
            let small = (0..<3).map { NewJob(sourceName: "small\($0).png", kind: "file", fingerprint: "s\($0)", profile: "small") }
            _ = try queue.enqueue(small, now: at(1))
            var claimed: [String] = []
            for _ in 0..<6 {
                let jobs = try queue.claim(owner: "w", lease: .seconds(60), now: at(10), profiles: ["big", "small"])
                claimed += jobs.map(\.profile)
            }
            // Oldest first would give six of "big"; in turn, all three of "small" are among the first six.
            #expect(claimed.filter { $0 == "small" }.count == 3)
            #expect(claimed.count == 6)
            // Without profiles, the oldest due job comes first, as before.
            let plain = try queue.claim(owner: "w", lease: .seconds(60), now: at(10))
            #expect(plain.first?.profile == "big")
        }
    }

    @Test("the spend ledger: a cap over a rolling window, held until it frees, counted once per step")
    func spendLedger() async throws {
        try await withQueue { queue, _ in
            func reserve(_ job: Int64, at time: Double, run: Int = 0) throws -> SpendDecision {
                try queue.reserveSpend(
                    job: JobID(job), run: run, step: "video_agent", profile: "p", units: 1, cap: 2, window: .seconds(100),
                    now: at(time))
            }
            #expect(try reserve(1, at: 0) == .allowed)
            #expect(try reserve(2, at: 10) == .allowed)
            #expect(try reserve(1, at: 20) == .allowed, "a step already recorded is not counted twice")
            #expect(try reserve(3, at: 20) == .held(until: at(100)))
            #expect(try queue.spent(profile: "p", window: .seconds(100), now: at(20)) == 2)
            #expect(try queue.spent(profile: "other", window: .seconds(100), now: at(20)) == 0)
            #expect(try reserve(3, at: 100.5) == .allowed)
            #expect(try reserve(4, at: 101) == .held(until: at(110)))
            try queue.releaseSpend(job: JobID(3), run: 0, step: "video_agent")
            #expect(try reserve(4, at: 101) == .allowed)
            // A retried job (a new run) counts again.
            #expect(try reserve(2, at: 102, run: 1) == .held(until: at(110)))
        }
    }
}
