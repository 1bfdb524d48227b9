import DropQueue
import Foundation
import Testing

@Suite("Queue conformance: claims and leases", .timeLimit(.minutes(3)))
struct ConformanceLeaseTests {
    @Test("claims hand out the oldest due jobs once, each under its own token", arguments: QueueBackend.allCases)
    func claimOrder(backend: QueueBackend) async throws {
        try await backend.withStores { store, other in
            let jobs = try await store.enqueueNew(["a", "b", "c"])
            let first = try await store.claimAt(at(1), limit: 2)
            #expect(first.map(\.id) == [jobs[0].id, jobs[1].id])
            #expect(first.allSatisfy { $0.leaseOwner == "host-a:1:x" && $0.claims == 1 })
            #expect(first.allSatisfy { $0.leaseExpiresAt == at(61) })
            #expect(Set(first.compactMap(\.leaseToken)).count == 2)
            let second = try await other.claimAt(at(2), owner: "host-b:1:y", limit: 5)
            #expect(second.map(\.id) == [jobs[2].id])
            #expect(try await store.claimAt(at(3), limit: 5).isEmpty)
            let counts = try await store.counts(now: at(3))
            #expect(counts[.queued] == 3)
            #expect(counts.leased == 3)
        }
    }

    @Test("an expired lease is taken over; the earlier claim can then write nothing", arguments: QueueBackend.allCases)
    func expiry(backend: QueueBackend) async throws {
        try await backend.withStores { store, other in
            let job = try await store.enqueueNew(["a"])[0]
            let mine = try #require(try await store.claimAt(at(1)).first)
            let token = try #require(mine.leaseToken)
            // The heartbeat keeps it: renewed at 50, the lease runs to 110.
            #expect(try await store.renewLease(job.id, token: token, lease: .seconds(60), now: at(50)))
            #expect(try await other.claimAt(at(100), owner: "host-b:1:y").isEmpty)
            // No heartbeat after that: another host takes it over once it expires.
            let theirs = try #require(try await other.claimAt(at(110), owner: "host-b:1:y").first)
            #expect(theirs.id == job.id)
            #expect(theirs.claims == 2)
            #expect(theirs.leaseToken != token)
            #expect(try await !store.renewLease(job.id, token: token, lease: .seconds(60), now: at(111)))
            await #expect(throws: QueueError.leaseLost) {
                try await store.save(job.id, token: token, stage: "x", progress: nil, attempts: 1, now: at(111))
            }
            await #expect(throws: QueueError.leaseLost) {
                try await store.finish(
                    job.id, token: token, as: .succeeded, stage: nil, progress: nil, attempts: 1, lastError: nil,
                    now: at(111))
            }
            await #expect(throws: QueueError.leaseLost) {
                try await store.release(
                    job.id, token: token, to: .queued, nextAttemptAt: at(111), stage: nil, progress: nil, attempts: 1,
                    lastError: nil, now: at(111))
            }
            let stored = try #require(try await store.job(job.id))
            #expect(stored.leaseOwner == "host-b:1:y")
            #expect(stored.state == .queued)
        }
    }

    @Test("save keeps the lease; release hands back; finish ends", arguments: QueueBackend.allCases)
    func holderWrites(backend: QueueBackend) async throws {
        try await backend.withStore { store in
            let job = try await store.enqueueNew(["a"])[0]
            let claimed = try #require(try await store.claimAt(at(1)).first)
            let token = try #require(claimed.leaseToken)
            let progress = Data([0, 1, 2, 255])
            try await store.save(job.id, token: token, stage: "uploading", progress: progress, attempts: 3, now: at(2))
            var stored = try #require(try await store.job(job.id))
            #expect(stored.stage == "uploading")
            #expect(stored.progress == progress)
            #expect(stored.attempts == 3)
            #expect(stored.leaseToken == token)
            try await store.release(
                job.id, token: token, to: .waitingVideo, nextAttemptAt: at(30), stage: "waiting", progress: progress,
                attempts: 4, lastError: "later", now: at(3))
            stored = try #require(try await store.job(job.id))
            #expect(stored.state == .waitingVideo)
            #expect(stored.leaseOwner == nil && stored.leaseToken == nil && stored.leaseExpiresAt == nil)
            #expect(stored.claims == 0)
            #expect(stored.lastError == "later")
            #expect(try await store.claimAt(at(40)).isEmpty)
            let video = try #require(try await store.claimAt(at(30), states: [.waitingVideo]).first)
            await #expect(throws: QueueError.invalidArgument) {
                try await store.finish(
                    job.id, token: video.leaseToken ?? "", as: .queued, stage: nil, progress: nil, attempts: 4,
                    lastError: nil, now: at(31))
            }
            await #expect(throws: QueueError.invalidArgument) {
                try await store.release(
                    job.id, token: video.leaseToken ?? "", to: .failed, nextAttemptAt: at(31), stage: nil,
                    progress: nil, attempts: 4, lastError: nil, now: at(31))
            }
            try await store.finish(
                job.id, token: video.leaseToken ?? "", as: .succeeded, stage: "done", progress: nil, attempts: 5,
                lastError: nil, now: at(32))
            stored = try #require(try await store.job(job.id))
            #expect(stored.state == .succeeded)
            #expect(stored.finishedAt == at(32))
            #expect(stored.progress == nil)
            #expect(stored.leaseOwner == nil)
        }
    }

    @Test("a batch finish is all or nothing", arguments: QueueBackend.allCases)
    func batchFinish(backend: QueueBackend) async throws {
        try await backend.withStore { store in
            try await store.enqueueNew(["a", "b"])
            let claimed = try await store.claimAt(at(1), limit: 2)
            #expect(claimed.count == 2)
            let items = claimed.map { (id: $0.id, token: $0.leaseToken ?? "", state: JobState.succeeded) }
            await #expect(throws: QueueError.leaseLost) {
                try await store.finish([items[0], (id: items[1].id, token: "stale", state: .succeeded)], now: at(2))
            }
            #expect(try await store.counts(now: at(2))[.succeeded] == 0)
            try await store.finish(items, now: at(3))
            #expect(try await store.counts(now: at(3))[.succeeded] == 2)
        }
    }

    @Test("the next claimable time counts due times and the ends of leases", arguments: QueueBackend.allCases)
    func nextClaimable(backend: QueueBackend) async throws {
        try await backend.withStore { store in
            #expect(try await store.nextClaimableAt(states: [.queued]) == nil)
            _ = try await store.enqueue(newJob("a"), now: t0)
            _ = try await store.enqueue(newJob("b", notBefore: at(100)), now: t0)
            #expect(try await store.nextClaimableAt(states: [.queued]) == t0)
            #expect(try await store.claimAt(at(1)).count == 1)
            // a is leased until 61, b due at 100.
            #expect(try await store.nextClaimableAt(states: [.queued]) == at(61))
            #expect(try await store.nextClaimableAt(states: [.waitingVideo]) == nil)
            #expect(try await store.nextClaimableAt(states: [.succeeded]) == nil)
        }
    }
}
