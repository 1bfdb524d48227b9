import DropQueue
import Foundation
import Testing

@Suite("Queue conformance: operator queries", .timeLimit(.minutes(3)))
struct ConformanceOperatorTests {
    /// Claims the job `id` at `now` and finishes it as `state`.
    private static func finish(_ store: any QueueStore, _ id: JobID, as state: JobState, at now: Date, error: String? = nil) async throws {
        let claimed = try await store.claimAt(now, limit: 10)
        let job = try #require(claimed.first { $0.id == id })
        try await store.finish(
            id, token: job.leaseToken ?? "", as: state, stage: "done", progress: Data([1]), attempts: 1,
            lastError: error, now: now)
        for other in claimed where other.id != id {
            try await store.release(
                other.id, token: other.leaseToken ?? "", to: .queued, nextAttemptAt: other.nextAttemptAt, stage: nil,
                progress: nil, attempts: 0, lastError: nil, now: now)
        }
    }

    @Test("status and listing queries", arguments: QueueBackend.allCases)
    func listing(backend: QueueBackend) async throws {
        try await backend.withStore { store in
            let jobs = try await store.enqueueNew(["a", "b", "c", "d"])
            try await Self.finish(store, jobs[0].id, as: .failed, at: at(1), error: "first")
            try await Self.finish(store, jobs[1].id, as: .failed, at: at(2), error: "second")
            try await Self.finish(store, jobs[2].id, as: .succeeded, at: at(3))
            let counts = try await store.counts(now: at(4))
            #expect(counts[.queued] == 1 && counts[.failed] == 2 && counts[.succeeded] == 1 && counts[.waitingVideo] == 0)
            #expect(counts.total == 4)
            #expect(counts.leased == 0)
            #expect(try await store.jobs(state: nil, limit: 10).map(\.id) == Array(jobs.map(\.id).reversed()))
            #expect(try await store.jobs(state: .failed, limit: 1).map(\.id) == [jobs[1].id])
            #expect(try await store.jobs(state: .queued, limit: 0).isEmpty)
            #expect(try await store.recentFailures(limit: 5).map(\.lastError) == ["second", "first"])
            #expect(try await store.oldestWaiting()?.id == jobs[3].id)
            #expect(try await store.activeJob(sourceName: "d")?.id == jobs[3].id)
            #expect(try await store.activeJob(sourceName: "a") == nil)
            #expect(try await store.job(JobID(999_999)) == nil)
        }
    }

    @Test("retry, reschedule, delete and pruning", arguments: QueueBackend.allCases)
    func changes(backend: QueueBackend) async throws {
        try await backend.withStore { store in
            let jobs = try await store.enqueueNew(["a", "b"])
            try await Self.finish(store, jobs[0].id, as: .failed, at: at(1), error: "boom")
            // A retry under a name another active job holds is refused.
            #expect(try await !store.requeue(jobs[0].id, sourceName: "b", progress: nil, stage: nil, notBefore: at(2), now: at(2)))
            #expect(try await store.requeue(jobs[0].id, sourceName: "a2", progress: Data([9]), stage: "retry", notBefore: at(5), now: at(2)))
            #expect(try await !store.requeue(jobs[0].id, sourceName: "a3", progress: nil, stage: nil, notBefore: at(5), now: at(2)))
            let retried = try #require(try await store.job(jobs[0].id))
            #expect(retried.state == .queued && retried.sourceName == "a2" && retried.lastError == nil)
            #expect(retried.finishedAt == nil && retried.claims == 0 && retried.progress == Data([9]))
            #expect(retried.nextAttemptAt == at(5))
            #expect(try await store.reschedule(jobs[1].id, notBefore: at(50), now: at(3)))
            #expect(try await store.claimAt(at(10), limit: 5).map(\.id) == [jobs[0].id])
            #expect(try await !store.reschedule(jobs[0].id, notBefore: at(50), now: at(11)))
            try await store.delete(jobs[1].id)
            try await store.delete(jobs[1].id)
            #expect(try await store.job(jobs[1].id) == nil)
            // Pruning clears the progress of jobs finished before the cut-off, oldest first, and keeps the rows.
            let more = try await store.enqueueNew(["p1", "p2", "p3"], now: at(20))
            for (index, job) in more.enumerated() {
                try await Self.finish(store, job.id, as: .succeeded, at: at(30 + Double(index)))
            }
            #expect(try await store.pruneProgress(finishedBefore: at(32), limit: 1, now: at(40)) == 1)
            #expect(try await store.job(more[0].id)?.progress == nil)
            #expect(try await store.job(more[1].id)?.progress == Data([1]))
            #expect(try await store.pruneProgress(finishedBefore: at(32), limit: 10, now: at(40)) == 1)
            #expect(try await store.job(more[2].id)?.progress == Data([1]))
            #expect(try await store.job(more[2].id)?.state == .succeeded)
        }
    }
}
