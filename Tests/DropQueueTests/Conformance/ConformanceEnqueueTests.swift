import DropQueue
import Foundation
import Testing

@Suite("Queue conformance: enqueue", .timeLimit(.minutes(3)))
struct ConformanceEnqueueTests {
    @Test("one active job per source; a batch's repeats answer with the first", arguments: QueueBackend.allCases)
    func idempotentPerSource(backend: QueueBackend) async throws {
        try await backend.withStores { store, other in
            let first = try await store.enqueue(newJob("a.mp4"), now: t0)
            #expect(first.isCreated)
            #expect(first.job.state == .queued)
            #expect(first.job.nextAttemptAt == t0)
            // Another process or host seeing the same drop makes no second job.
            let again = try await other.enqueue(newJob("a.mp4", fingerprint: "other"), now: at(1))
            #expect(!again.isCreated)
            #expect(again.job.id == first.job.id)
            let batch = try await store.enqueue([newJob("b.mp4"), newJob("b.mp4"), newJob("a.mp4")], now: at(2))
            #expect(batch.map(\.isCreated) == [true, false, false])
            #expect(batch[1].job.id == batch[0].job.id)
            #expect(batch[2].job.id == first.job.id)
            #expect(try await store.counts(now: at(2))[.queued] == 2)
        }
    }

    @Test("a finished job answers for its exact source only within the window", arguments: QueueBackend.allCases)
    func recentlyFinished(backend: QueueBackend) async throws {
        try await backend.withStore { store in
            let job = try await store.enqueue(newJob("a.mp4", fingerprint: "fp1"), now: t0).job
            let claimed = try #require(try await store.claimAt(at(1)).first)
            try await store.finish(
                job.id, token: claimed.leaseToken ?? "", as: .succeeded, stage: "done", progress: nil, attempts: 1,
                lastError: nil, now: at(2))
            let same = try await store.enqueue(newJob("a.mp4", fingerprint: "fp1"), now: at(10))
            #expect(!same.isCreated)
            #expect(same.job.id == job.id)
            #expect(same.job.state == .succeeded)
            let changed = try await store.enqueue(newJob("a.mp4", fingerprint: "fp2"), now: at(11))
            #expect(changed.isCreated)
            // The active job for the name now answers, whatever the fingerprint.
            let active = try await store.enqueue(newJob("a.mp4", fingerprint: "fp1"), now: at(12))
            #expect(active.job.id == changed.job.id)
            // Past the window, the same bytes dropped again are a new job.
            let second = try #require(try await store.claimAt(at(13)).first)
            try await store.finish(
                second.id, token: second.leaseToken ?? "", as: .failed, stage: nil, progress: nil, attempts: 1,
                lastError: "x", now: at(14))
            let window = JobQueue.recentlyFinishedWindow
            #expect(!(try await store.enqueue(newJob("a.mp4", fingerprint: "fp2"), now: at(14 + window - 1)).isCreated))
            #expect(try await store.enqueue(newJob("a.mp4", fingerprint: "fp2"), now: at(15 + window)).isCreated)
        }
    }

    @Test("a finished twin: the same profile, name and fingerprint, finished, another job", arguments: QueueBackend.allCases)
    func finishedTwin(backend: QueueBackend) async throws {
        try await backend.withStore { store in
            let first = try await store.enqueue(newJob("a.mp4", fingerprint: "fp1"), now: t0).job
            #expect(try await store.finishedTwin(of: first) == nil, "an active job is no twin")
            let claimed = try #require(try await store.claimAt(at(1)).first)
            try await store.finish(
                first.id, token: claimed.leaseToken ?? "", as: .succeeded, stage: "done", progress: nil, attempts: 1,
                lastError: nil, now: at(2))
            // Seen again long after (past the enqueue window): a new job, whose twin is the finished one.
            let window = JobQueue.recentlyFinishedWindow
            let again = try await store.enqueue(newJob("a.mp4", fingerprint: "fp1"), now: at(10 + window))
            #expect(again.isCreated)
            #expect(try await store.finishedTwin(of: again.job)?.id == first.id)
            #expect(try await store.finishedTwin(of: first) == nil, "a job is not its own twin")
            // Other bytes, or no fingerprint: no twin.
            let other = try await store.enqueue(newJob("b.mp4", fingerprint: "fp1"), now: at(11 + window)).job
            #expect(try await store.finishedTwin(of: other) == nil)
        }
    }

    @Test("a job due later is not handed out before its time", arguments: QueueBackend.allCases)
    func notBefore(backend: QueueBackend) async throws {
        try await backend.withStore { store in
            let later = try await store.enqueue(newJob("later.mp4", notBefore: at(100)), now: t0).job
            #expect(later.nextAttemptAt == at(100))
            #expect(try await store.claimAt(at(99)).isEmpty)
            #expect(try await store.claimAt(at(100)).map(\.id) == [later.id])
        }
    }
}
