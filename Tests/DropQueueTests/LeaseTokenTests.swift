import DropQueue
import Foundation
import Synchronization
import Testing

@Suite("Lease tokens and the lease clock", .timeLimit(.minutes(5)))
struct LeaseTokenTests {
    @Test("a job claimed again by the same owner gets a new token; the old claim can write nothing")
    func sameOwnerReclaim() async throws {
        try await withQueue { queue, _ in
            let job = try queue.enqueue(newJob("a.pdf"), now: t0).job
            let first = try #require(try queue.claim(owner: "daemon", lease: .seconds(30), now: t0).first)
            let firstToken = try #require(first.leaseToken)
            // The lease ran out (a long database lock, say); the same process claims the job again.
            let second = try #require(try queue.claim(owner: "daemon", lease: .seconds(30), now: at(31)).first)
            let secondToken = try #require(second.leaseToken)
            #expect(second.leaseOwner == first.leaseOwner)
            #expect(secondToken != firstToken)

            #expect(!(try queue.renewLease(job.id, token: firstToken, lease: .seconds(30), now: at(32))))
            #expect(throws: QueueError.leaseLost) {
                try queue.save(job.id, token: firstToken, stage: "x", progress: nil, attempts: 1, now: at(32))
            }
            #expect(throws: QueueError.leaseLost) {
                try queue.release(
                    job.id, token: firstToken, to: .queued, nextAttemptAt: at(40), stage: nil, progress: nil,
                    attempts: 1, lastError: nil, now: at(32))
            }
            #expect(throws: QueueError.leaseLost) {
                try queue.finish(
                    job.id, token: firstToken, as: .succeeded, stage: nil, progress: nil, attempts: 1, lastError: nil,
                    now: at(32))
            }
            #expect(throws: QueueError.leaseLost) {
                try queue.finish([(id: job.id, token: firstToken, state: .failed)], now: at(32))
            }
            // The current claim still holds it, and its writes go through.
            #expect(try queue.renewLease(job.id, token: secondToken, lease: .seconds(30), now: at(33)))
            try queue.save(job.id, token: secondToken, stage: "uploading", progress: nil, attempts: 1, now: at(33))
            try queue.finish(
                job.id, token: secondToken, as: .succeeded, stage: nil, progress: nil, attempts: 1, lastError: nil,
                now: at(34))
            let stored = try #require(try queue.job(job.id))
            #expect(stored.state == .succeeded && stored.leaseToken == nil && stored.leaseOwner == nil)
        }
    }

    @Test("every claim has its own token; release and recovery clear it")
    func tokensPerClaim() async throws {
        try await withQueue { queue, _ in
            let jobs = try queue.enqueueNew(["a", "b", "c"])
            let claimed = try queue.claim(owner: "w", lease: .seconds(60), limit: 3, now: t0)
            let tokens = claimed.compactMap(\.leaseToken)
            #expect(tokens.count == 3 && Set(tokens).count == 3)
            #expect(try queue.job(jobs[0].id)?.leaseToken == tokens[0])

            try queue.release(
                jobs[0].id, token: tokens[0], to: .queued, nextAttemptAt: t0, stage: nil, progress: nil, attempts: 0,
                lastError: nil, now: at(1))
            #expect(try queue.job(jobs[0].id)?.leaseToken == nil)
            let again = try #require(try queue.claim(owner: "w", lease: .seconds(60), now: at(2)).first)
            #expect(again.id == jobs[0].id)
            #expect(again.leaseToken != nil && again.leaseToken != tokens[0])

            #expect(try queue.recoverAbandonedLeases(now: at(3)) == 3)
            for job in jobs { #expect(try queue.job(job.id)?.leaseToken == nil) }
            #expect(throws: QueueError.leaseLost) {
                try queue.save(jobs[1].id, token: tokens[1], stage: nil, progress: nil, attempts: 0, now: at(4))
            }
        }
    }

    @Test("the lease clock ignores a wall-clock step; leases measured on it do not all expire at once")
    func clockStepGuard() async throws {
        let wall = Mutex(t0)
        let monotonic = Atomic<Int64>(5_000_000_000)
        let clock = LeaseClock(wall: { wall.withLock { $0 } }, monotonicNanoseconds: { monotonic.load(ordering: .relaxed) })
        #expect(clock.now() == t0)
        monotonic.add(2_000_000_000, ordering: .relaxed)
        wall.withLock { $0 = at(2) }
        #expect(clock.now() == at(2))
        // The wall clock jumps an hour forward while two seconds pass.
        wall.withLock { $0 = at(3600 + 4) }
        monotonic.add(2_000_000_000, ordering: .relaxed)
        #expect(clock.now() == at(4))
        // ...and back; the lease clock never goes back.
        wall.withLock { $0 = at(-3600) }
        monotonic.add(1_000_000_000, ordering: .relaxed)
        #expect(clock.now() == at(5))

        try await withQueue { queue, _ in
            let job = try queue.enqueue(newJob("a.pdf"), now: t0).job
            let leased = try queue.claim(owner: "w1", lease: .seconds(120), now: at(5), leaseNow: clock.now())
            #expect(leased.map(\.id) == [job.id])
            // The wall clock says an hour later; the lease clock says one second: the lease still holds.
            wall.withLock { $0 = at(3600 + 6) }
            monotonic.add(1_000_000_000, ordering: .relaxed)
            #expect(try queue.claim(owner: "w2", lease: .seconds(120), now: at(3606), leaseNow: clock.now()).isEmpty)
            // Once the lease has really run out on the lease clock, the job can be claimed again.
            monotonic.add(120_000_000_000, ordering: .relaxed)
            let again = try queue.claim(owner: "w2", lease: .seconds(120), now: at(3726), leaseNow: clock.now())
            #expect(again.map(\.id) == [job.id])
        }
    }

    @Test("counts are kept per state through every transition")
    func keptCounts() async throws {
        try await withQueue { queue, _ in
            let jobs = try queue.enqueueNew(["a", "b", "c", "d", "e"])
            var counts = try queue.counts(now: t0)
            #expect(counts[.queued] == 5 && counts.total == 5 && counts.leased == 0)
            let claimed = try queue.claim(owner: "w", lease: .seconds(60), limit: 4, now: t0)
            #expect(try queue.counts(now: at(1)).leased == 4)
            try queue.release(
                jobs[0].id, token: claimed[0].leaseToken ?? "", to: .waitingVideo, nextAttemptAt: at(5), stage: nil,
                progress: nil, attempts: 1, lastError: nil, now: at(1))
            try queue.finish(
                jobs[1].id, token: claimed[1].leaseToken ?? "", as: .succeeded, stage: nil, progress: nil, attempts: 1,
                lastError: nil, now: at(1))
            try queue.finish([(id: jobs[2].id, token: claimed[2].leaseToken ?? "", state: .failed)], now: at(1))
            try queue.delete(jobs[3].id)
            counts = try queue.counts(now: at(2))
            #expect(counts[.queued] == 1 && counts[.waitingVideo] == 1 && counts[.succeeded] == 1 && counts[.failed] == 1)
            #expect(counts.leased == 0)
            #expect(try queue.requeue(jobs[2].id, sourceName: "c", progress: nil, notBefore: at(3), now: at(3)))
            counts = try queue.counts(now: at(3))
            #expect(counts[.queued] == 2 && counts[.failed] == 0 && counts.total == 4)
            #expect(jobs[4].state == .queued)
        }
    }

    @Test("progress of jobs finished before the cutoff is cleared; the jobs stay")
    func pruneProgress() async throws {
        try await withQueue { queue, _ in
            let jobs = try queue.enqueueNew(["old", "recent", "active"])
            let claimed = try queue.claim(owner: "w", lease: .seconds(600), limit: 3, now: t0)
            let progress = Data(#"{"checked":true}"#.utf8)
            try queue.finish(
                jobs[0].id, token: claimed[0].leaseToken ?? "", as: .succeeded, stage: nil, progress: progress,
                attempts: 1, lastError: nil, now: at(10))
            try queue.finish(
                jobs[1].id, token: claimed[1].leaseToken ?? "", as: .failed, stage: nil, progress: progress,
                attempts: 1, lastError: "x", now: at(100))
            try queue.save(jobs[2].id, token: claimed[2].leaseToken ?? "", stage: "uploading", progress: progress, attempts: 1, now: at(10))

            #expect(try queue.pruneProgress(finishedBefore: at(50), now: at(200)) == 1)
            #expect(try queue.job(jobs[0].id)?.progress == nil)
            #expect(try queue.job(jobs[0].id)?.state == .succeeded)
            #expect(try queue.job(jobs[1].id)?.progress == progress)
            #expect(try queue.job(jobs[2].id)?.progress == progress)
            #expect(try queue.pruneProgress(finishedBefore: at(50), now: at(201)) == 0)
            #expect(try queue.pruneProgress(finishedBefore: at(1000), now: at(202)) == 1)
            #expect(try queue.job(jobs[1].id)?.progress == nil)
            #expect(try queue.job(jobs[2].id)?.progress == progress)
            #expect(try queue.counts(now: at(203)).total == 3)
        }
    }
}
