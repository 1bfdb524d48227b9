import DropQueue
import Foundation
import Testing

@Suite("Queue conformance: profiles and the spend ledger", .timeLimit(.minutes(3)))
struct ConformanceProfileTests {
    private static func job(_ name: String, _ profile: String) -> NewJob {
        NewJob(sourceName: name, kind: "file", fingerprint: "fp-\(profile)-\(name)", profile: profile)
    }

    @Test("a source name is active once per profile; listings and counts by profile", arguments: QueueBackend.allCases)
    func perProfile(backend: QueueBackend) async throws {
        try await backend.withStore { store in
            let first = try await store.enqueue([Self.job("a.png", "x"), Self.job("a.png", "y"), Self.job("a.png", "x")], now: t0)
            #expect(first.map(\.job.profile) == ["x", "y", "x"])
            #expect(first[0].job.id != first[1].job.id)
            #expect(first[2].job.id == first[0].job.id)
            #expect(try await store.activeJob(sourceName: "a.png", profile: "y")?.id == first[1].job.id)
            #expect(try await store.activeJob(sourceName: "a.png") == nil)
            #expect(try await store.jobs(state: nil, limit: 10, profile: "x").map(\.id) == [first[0].job.id])
            #expect(try await store.jobs(state: .queued, limit: 10, profile: nil).count == 2)
            #expect(try await store.countsByProfile() == ["x": ["queued": 1], "y": ["queued": 1]])
        }
    }

    @Test("a claim across profiles takes each profile in turn, however many one has", arguments: QueueBackend.allCases)
    func fairClaim(backend: QueueBackend) async throws {
        try await backend.withStore { store in
            try await store.enqueue((0..<10).map { Self.job("big-\($0)", "big") } + [Self.job("small", "small")], now: t0)
            var taken: [String] = []
            for _ in 0..<2 {
                let claimed = try await store.claim(
                    owner: "host-a:1:x", states: [.queued], lease: .seconds(60), limit: 1, now: at(1), leaseNow: at(1),
                    profiles: ["big", "small"])
                taken += claimed.map(\.profile)
            }
            #expect(taken.sorted() == ["big", "small"])
            let rest = try await store.claim(
                owner: "host-a:1:x", states: [.queued], lease: .seconds(60), limit: 20, now: at(1), leaseNow: at(1),
                profiles: ["big", "small"])
            #expect(rest.count == 9 && rest.allSatisfy { $0.profile == "big" })
        }
    }

    @Test("the spend ledger: a cap per profile over a rolling window, once per step", arguments: QueueBackend.allCases)
    func spend(backend: QueueBackend) async throws {
        try await backend.withStore { store in
            let window = Duration.seconds(100)
            func reserve(_ job: Int64, _ profile: String, at seconds: Double) async throws -> SpendDecision {
                try await store.reserveSpend(
                    job: JobID(job), run: 1, step: "video_agent", profile: profile, units: 1, cap: 2, window: window,
                    now: at(seconds))
            }
            #expect(try await reserve(1, "x", at: 0) == .allowed)
            #expect(try await reserve(2, "x", at: 10) == .allowed)
            #expect(try await reserve(2, "x", at: 11) == .allowed)  // the same step again counts once
            #expect(try await reserve(3, "x", at: 20) == .held(until: at(100)))
            #expect(try await reserve(3, "y", at: 20) == .allowed)  // another profile has its own cap
            #expect(try await store.spent(profile: "x", window: window, now: at(20)) == 2)
            try await store.releaseSpend(job: JobID(2), run: 1, step: "video_agent")
            #expect(try await store.spent(profile: "x", window: window, now: at(20)) == 1)
            #expect(try await reserve(3, "x", at: 21) == .allowed)
            #expect(try await reserve(4, "x", at: 101) == .allowed)  // the first left the window
        }
    }
}
