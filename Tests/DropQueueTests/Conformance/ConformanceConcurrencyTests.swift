import DropQueue
import Foundation
import Testing

@Suite("Queue conformance: concurrent claimers and crash recovery", .timeLimit(.minutes(5)))
struct ConformanceConcurrencyTests {
    /// Claims and finishes until nothing is left; returns the ids it was handed.
    private static func drain(_ store: any QueueStore, owner: String, limit: Int) async throws -> [JobID] {
        var seen: [JobID] = []
        while true {
            let jobs = try await store.claim(owner: owner, lease: .seconds(300), limit: limit)
            if jobs.isEmpty { return seen }
            seen += jobs.map(\.id)
            try await store.finish(jobs.map { (id: $0.id, token: $0.leaseToken ?? "", state: JobState.succeeded) })
        }
    }

    @Test("8 claimers on two stores (processes or hosts): every job handed out exactly once", arguments: QueueBackend.allCases)
    func concurrentClaimers(backend: QueueBackend) async throws {
        try await backend.withStores { first, second in
            let created = try await first.enqueue((0..<400).map { newJob("job-\($0)") }, now: Date()).map(\.job.id)
            let handedOut = try await withThrowingTaskGroup(of: [JobID].self) { group in
                for worker in 0..<4 {
                    group.addTask { try await Self.drain(first, owner: "host-a:\(worker)", limit: 1 + worker % 3) }
                    group.addTask { try await Self.drain(second, owner: "host-b:\(worker)", limit: 1 + worker % 3) }
                }
                return try await group.reduce(into: [JobID]()) { $0 += $1 }
            }
            #expect(handedOut.count == created.count)
            #expect(Set(handedOut) == Set(created))
            #expect(try await second.counts()[.succeeded] == 400)
        }
    }

    @Test("two stores enqueueing the same drops at once make one job each", arguments: QueueBackend.allCases)
    func concurrentEnqueue(backend: QueueBackend) async throws {
        try await backend.withStores { first, second in
            let names = (0..<100).map { "drop-\($0).mp4" }
            let outcomes = try await withThrowingTaskGroup(of: [EnqueueOutcome].self) { group in
                for store in [first, second, first, second] {
                    group.addTask {
                        var all: [EnqueueOutcome] = []
                        for name in names.shuffled() { all.append(try await store.enqueue(newJob(name), now: Date())) }
                        return all
                    }
                }
                return try await group.reduce(into: [EnqueueOutcome]()) { $0 += $1 }
            }
            #expect(outcomes.filter(\.isCreated).count == names.count)
            #expect(Set(outcomes.map(\.job.id)).count == names.count)
            #expect(try await first.counts()[.queued] == names.count)
        }
    }

    @Test("recovery frees this host's abandoned leases; their holders lose them", arguments: QueueBackend.allCases)
    func crashRecovery(backend: QueueBackend) async throws {
        try await backend.withStores { store, other in
            let jobs = try await store.enqueueNew(["a", "b", "c"])
            let crashed = try await store.claimAt(at(1), owner: "host-a:100:old", limit: 2)
            let elsewhere = try #require(try await other.claimAt(at(1), owner: "host-b:7:live").first)
            #expect(crashed.map(\.id) == [jobs[0].id, jobs[1].id])
            let freed = try await store.recoverAbandonedLeases(ownerPrefix: "host-a:", now: at(5))
            #expect(freed == (backend.isShared ? 2 : 3))
            for job in crashed {
                let stored = try #require(try await store.job(job.id))
                #expect(stored.leaseOwner == nil)
                #expect(stored.nextAttemptAt <= at(5))
                await #expect(throws: QueueError.leaseLost) {
                    try await store.save(job.id, token: job.leaseToken ?? "", stage: nil, progress: nil, attempts: 0, now: at(6))
                }
            }
            let again = try await store.claimAt(at(6), owner: "host-a:200:new", limit: 5)
            if backend.isShared {
                // Another host's live lease is left alone.
                #expect(Set(again.map(\.id)) == Set(crashed.map(\.id)))
                #expect(try await store.job(elsewhere.id)?.leaseOwner == "host-b:7:live")
                #expect(try await other.renewLease(elsewhere.id, token: elsewhere.leaseToken ?? "", lease: .seconds(60), now: at(7)))
            } else {
                #expect(again.count == 3)
            }
            #expect(again.allSatisfy { $0.claims == 2 || $0.id == elsewhere.id })
        }
    }
}
