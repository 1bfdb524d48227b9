import DropQueue
import Foundation
import Testing

@Suite("Claim, lease and expiry", .timeLimit(.minutes(5)))
struct ClaimTests {
    @Test("an empty queue hands out nothing")
    func emptyQueue() async throws {
        try await withQueue { queue, _ in
            let claimed = try queue.claim(owner: "w1", lease: .seconds(30), limit: 10, now: t0)
            #expect(claimed.isEmpty)
        }
    }

    @Test("the oldest due job comes first, under a lease, with claims counted")
    func oldestDueFirst() async throws {
        try await withQueue { queue, _ in
            let late = try queue.enqueue(newJob("late.pdf", notBefore: at(10)), now: t0).job
            let first = try queue.enqueue(newJob("first.pdf"), now: t0).job
            let middle = try queue.enqueue(newJob("middle.pdf", notBefore: at(5)), now: t0).job
            let notYet = try queue.enqueue(newJob("future.pdf", notBefore: at(100)), now: t0).job

            let claimed = try queue.claim(owner: "w1", lease: .seconds(30), limit: 10, now: at(20))
            #expect(claimed.map(\.id) == [first.id, middle.id, late.id])
            #expect(!claimed.map(\.id).contains(notYet.id))
            for job in claimed {
                #expect(job.leaseOwner == "w1")
                #expect(job.leaseExpiresAt == at(50))
                #expect(job.claims == 1)
                #expect(job.state == .queued)
                #expect(job.isLeased(at: at(49)))
                #expect(!job.isLeased(at: at(50)))
            }
            #expect(try queue.claim(owner: "w2", lease: .seconds(30), limit: 10, now: at(21)).isEmpty)
            // By then the first leases have run out too: everything is due, still oldest first.
            let later = try queue.claim(owner: "w2", lease: .seconds(30), limit: 10, now: at(100))
            #expect(later.map(\.id) == [first.id, middle.id, late.id, notYet.id])
            #expect(later.map(\.claims) == [2, 2, 2, 1])
        }
    }

    @Test("equal due times go by id; limit is respected")
    func limitAndTies() async throws {
        try await withQueue { queue, _ in
            let jobs = try queue.enqueueNew((0..<5).map { "f\($0)" })
            let firstTwo = try queue.claim(owner: "w1", lease: .seconds(30), limit: 2, now: t0)
            #expect(firstTwo.map(\.id) == Array(jobs.prefix(2)).map(\.id))
            let next = try queue.claim(owner: "w1", lease: .seconds(30), now: t0)
            #expect(next.map(\.id) == [jobs[2].id])
        }
    }

    @Test("an expired lease makes the job claimable again and the old owner loses it")
    func leaseExpiry() async throws {
        try await withQueue { queue, _ in
            let job = try queue.enqueue(newJob("a.pdf"), now: t0).job
            let first = try #require(try queue.claim(owner: "w1", lease: .seconds(30), now: t0).first)
            let stale = try #require(first.leaseToken)
            #expect(try queue.claim(owner: "w2", lease: .seconds(30), now: at(29)).isEmpty)

            let reclaimed = try queue.claim(owner: "w2", lease: .seconds(30), now: at(30))
            #expect(reclaimed.map(\.id) == [job.id])
            #expect(reclaimed.first?.claims == 2)
            #expect(reclaimed.first?.leaseOwner == "w2")

            #expect(throws: QueueError.leaseLost) {
                try queue.save(job.id, token: stale, stage: "x", progress: nil, attempts: 1, now: at(31))
            }
            #expect(!(try queue.renewLease(job.id, token: stale, lease: .seconds(30), now: at(31))))
            let error = try #require(throws: QueueError.self) {
                try queue.finish(job.id, token: stale, as: .succeeded, stage: nil, progress: nil, attempts: 1,
                                 lastError: nil, now: at(31))
            }
            #expect(error == .leaseLost)
            #expect(error.jobID == job.id)
            #expect(error.description.contains(queue.path))
            try queue.save(job.id, token: queue.heldToken(job.id), stage: "uploading", progress: nil, attempts: 1, now: at(31))
        }
    }

    @Test("a renewed lease keeps other workers away")
    func renewLease() async throws {
        try await withQueue { queue, _ in
            let job = try queue.enqueue(newJob("a.pdf"), now: t0).job
            _ = try queue.claim(owner: "w1", lease: .seconds(30), now: t0)
            #expect(try queue.renewLease(job.id, token: queue.heldToken(job.id), lease: .seconds(30), now: at(20)))
            #expect(try queue.job(job.id)?.leaseExpiresAt == at(50))
            #expect(try queue.claim(owner: "w2", lease: .seconds(30), now: at(40)).isEmpty)
            #expect(try queue.claim(owner: "w2", lease: .seconds(30), now: at(50)).map(\.id) == [job.id])
        }
    }

    @Test("save keeps the lease; release puts the job back due later with what it learned")
    func saveAndRelease() async throws {
        try await withQueue { queue, _ in
            let job = try queue.enqueue(newJob("a.pdf"), now: t0).job
            let stale = try #require(try queue.claim(owner: "w1", lease: .seconds(60), now: t0).first?.leaseToken)
            let learned = Data(#"{"upload":"asset_1"}"#.utf8)
            try queue.save(job.id, token: queue.heldToken(job.id), stage: "uploading", progress: learned, attempts: 1, now: at(1))
            var stored = try #require(try queue.job(job.id))
            #expect(stored.isLeased(at: at(2)) && stored.progress == learned && stored.stage == "uploading")
            #expect(stored.updatedAt == at(1))

            try queue.release(
                job.id, token: queue.heldToken(job.id), to: .queued, nextAttemptAt: at(40), stage: "backoff", progress: learned,
                attempts: 3, lastError: "server_error: 500", now: at(2))
            stored = try #require(try queue.job(job.id))
            #expect(stored.leaseOwner == nil && stored.leaseExpiresAt == nil)
            #expect(stored.nextAttemptAt == at(40) && stored.attempts == 3 && stored.lastError == "server_error: 500")
            #expect(try queue.claim(owner: "w2", lease: .seconds(60), now: at(39)).isEmpty)

            let resumed = try #require(try queue.claim(owner: "w2", lease: .seconds(60), now: at(40)).first)
            #expect(resumed.progress == learned)
            #expect(resumed.stage == "backoff")
            // A release is a deliberate hand-back: crash-loop counting starts again.
            #expect(resumed.claims == 1)
            #expect(throws: QueueError.leaseLost) {
                try queue.release(job.id, token: stale, to: .queued, nextAttemptAt: at(50), stage: nil,
                                  progress: nil, attempts: 0, lastError: nil, now: at(41))
            }
        }
    }

    @Test("claims look only at the states asked for; several states merge in due order")
    func statesFilter() async throws {
        try await withQueue { queue, _ in
            let jobs = try queue.enqueueNew(["v.pdf", "q.pdf"])
            _ = try queue.claim(owner: "w1", lease: .seconds(60), limit: 2, now: t0)
            try queue.release(
                jobs[0].id, token: queue.heldToken(jobs[0].id), to: .waitingVideo, nextAttemptAt: at(5), stage: "video", progress: nil,
                attempts: 2, lastError: nil, now: t0)
            try queue.release(
                jobs[1].id, token: queue.heldToken(jobs[1].id), to: .queued, nextAttemptAt: at(1), stage: nil, progress: nil,
                attempts: 0, lastError: nil, now: t0)

            #expect(try queue.claim(owner: "poller", states: [.waitingVideo], lease: .seconds(9), now: at(4)).isEmpty)
            #expect(try queue.claim(owner: "w2", states: [.succeeded, .failed], lease: .seconds(9), now: at(9)).isEmpty)
            let both = try queue.claim(
                owner: "w2", states: [.queued, .waitingVideo], lease: .seconds(9), limit: 5, now: at(10))
            #expect(both.map(\.id) == [jobs[1].id, jobs[0].id])
            #expect(both.map(\.state) == [.queued, .waitingVideo])
        }
    }

    @Test("finish ends the job; no state goes the wrong way")
    func finish() async throws {
        try await withQueue { queue, _ in
            let job = try queue.enqueue(newJob("a.pdf"), now: t0).job
            _ = try queue.claim(owner: "w1", lease: .seconds(60), now: t0)
            #expect(throws: QueueError.invalidArgument) {
                try queue.finish(job.id, token: queue.heldToken(job.id), as: .queued, stage: nil, progress: nil, attempts: 0,
                                 lastError: nil, now: at(1))
            }
            #expect(throws: QueueError.invalidArgument) {
                try queue.release(job.id, token: queue.heldToken(job.id), to: .failed, nextAttemptAt: t0, stage: nil, progress: nil,
                                  attempts: 0, lastError: nil, now: at(1))
            }
            try queue.finish(job.id, token: queue.heldToken(job.id), as: .failed, stage: "upload", progress: Data("{}".utf8),
                             attempts: 10, lastError: "rate_limited", now: at(2))
            let stored = try #require(try queue.job(job.id))
            #expect(stored.state == .failed && stored.finishedAt == at(2) && stored.leaseOwner == nil)
            #expect(stored.attempts == 10 && stored.lastError == "rate_limited" && stored.stage == "upload")
            #expect(throws: QueueError.leaseLost) {
                try queue.finish(job.id, token: queue.heldToken(job.id), as: .succeeded, stage: nil, progress: nil, attempts: 0,
                                 lastError: nil, now: at(3))
            }
            #expect(try queue.claim(owner: "w1", lease: .seconds(60), now: at(100)).isEmpty)
        }
    }

    @Test("batch finish is all or nothing")
    func batchFinish() async throws {
        try await withQueue { queue, _ in
            let jobs = try queue.enqueueNew(["a", "b", "c"])
            let claimed = try queue.claim(owner: "w1", lease: .seconds(60), limit: 3, now: t0)
            let tokens = claimed.map { $0.leaseToken ?? "" }
            let error = try #require(throws: QueueError.self) {
                try queue.finish(
                    [(jobs[0].id, tokens[0], .succeeded), (jobs[1].id, tokens[1], .failed), (jobs[2].id, "other", .succeeded)],
                    now: at(1))
            }
            #expect(error == .leaseLost && error.jobID == jobs[2].id)
            for job in jobs { #expect(try queue.job(job.id)?.state == .queued) }

            try queue.finish([(jobs[0].id, tokens[0], .succeeded), (jobs[1].id, tokens[1], .failed)], now: at(2))
            #expect(try queue.job(jobs[0].id)?.state == .succeeded)
            #expect(try queue.job(jobs[1].id)?.state == .failed)
            #expect(try queue.job(jobs[1].id)?.finishedAt == at(2))
            #expect(try queue.job(jobs[2].id)?.leaseOwner == "w1")
        }
    }
}
