import DropQueue
import Foundation
import Testing

@Suite("Counts, listing and retry", .timeLimit(.minutes(5)))
struct OperatorTests {
    /// Claims `id` (must be due) and finishes it as `state` at `when`.
    private func finish(
        _ queue: JobQueue, _ id: JobID, as state: JobState, at when: Date, error: String? = nil
    ) throws {
        let claimed = try queue.claim(owner: "w", lease: .seconds(60), limit: 100, now: when)
        try #require(claimed.contains { $0.id == id })
        for job in claimed where job.id != id {
            try queue.release(job.id, token: queue.heldToken(job.id), to: job.state, nextAttemptAt: job.nextAttemptAt, stage: job.stage,
                              progress: job.progress, attempts: job.attempts, lastError: job.lastError, now: when)
        }
        try queue.finish(id, token: queue.heldToken(id), as: state, stage: nil, progress: nil, attempts: 1, lastError: error, now: when)
    }

    @Test("counts by state, live leases, the oldest waiting job")
    func counts() async throws {
        try await withQueue { queue, _ in
            let jobs = try queue.enqueueNew(["a", "b", "c", "d", "e"])
            try finish(queue, jobs[0].id, as: .succeeded, at: at(1))
            try finish(queue, jobs[1].id, as: .failed, at: at(2), error: "too_large")
            _ = try queue.claim(owner: "w", lease: .seconds(60), now: at(3))  // "c"
            try queue.release(jobs[2].id, token: queue.heldToken(jobs[2].id), to: .waitingVideo, nextAttemptAt: at(30), stage: nil,
                              progress: nil, attempts: 2, lastError: nil, now: at(3))
            _ = try queue.claim(owner: "w", lease: .seconds(60), now: at(4))  // "d"

            let counts = try queue.counts(now: at(5))
            #expect(counts.byState == [.queued: 2, .waitingVideo: 1, .succeeded: 1, .failed: 1])
            #expect(counts.leased == 1)
            #expect(counts.total == 5)
            #expect(try queue.counts(now: at(64)).leased == 0)  // the lease has run out
            #expect(try queue.oldestWaiting()?.id == jobs[3].id)
        }
    }

    @Test("an empty queue counts zero everywhere")
    func emptyCounts() async throws {
        try await withQueue { queue, _ in
            let counts = try queue.counts()
            #expect(counts.byState.count == JobState.allCases.count)
            #expect(counts.total == 0 && counts.leased == 0)
            #expect(try queue.oldestWaiting() == nil)
            #expect(try queue.recentFailures(limit: 5).isEmpty)
        }
    }

    @Test("listing is newest first, by state, limited")
    func listing() async throws {
        try await withQueue { queue, _ in
            let jobs = try queue.enqueueNew(["a", "b", "c", "d"])
            try finish(queue, jobs[1].id, as: .succeeded, at: at(1))
            #expect(try queue.jobs(state: nil, limit: 10).map(\.id) == jobs.reversed().map(\.id))
            #expect(try queue.jobs(state: nil, limit: 2).map(\.id) == [jobs[3].id, jobs[2].id])
            #expect(try queue.jobs(state: .queued, limit: 10).map(\.id) == [jobs[3].id, jobs[2].id, jobs[0].id])
            #expect(try queue.jobs(state: .succeeded, limit: 10).map(\.id) == [jobs[1].id])
            #expect(try queue.jobs(state: .failed, limit: 10).isEmpty)
            #expect(try queue.jobs(state: nil, limit: 0).isEmpty)
            #expect(try queue.activeJob(sourceName: "a")?.id == jobs[0].id)
            #expect(try queue.activeJob(sourceName: "b") == nil)
        }
    }

    @Test("recent failures: the last finished first")
    func recentFailures() async throws {
        try await withQueue { queue, _ in
            let jobs = try queue.enqueueNew(["a", "b", "c"])
            try finish(queue, jobs[2].id, as: .failed, at: at(1), error: "first")
            try finish(queue, jobs[0].id, as: .failed, at: at(2), error: "second")
            try finish(queue, jobs[1].id, as: .succeeded, at: at(3))
            let failures = try queue.recentFailures(limit: 10)
            #expect(failures.map(\.id) == [jobs[0].id, jobs[2].id])
            #expect(failures.map(\.lastError) == ["second", "first"])
            #expect(try queue.recentFailures(limit: 1).map(\.id) == [jobs[0].id])
        }
    }

    @Test("retry puts a failed job back with a fresh start; refuses what it must")
    func requeue() async throws {
        try await withQueue { queue, _ in
            let jobs = try queue.enqueueNew(["a.pdf", "b.pdf"])
            try finish(queue, jobs[0].id, as: .failed, at: at(1), error: "server_error")
            #expect(try !queue.requeue(jobs[1].id, sourceName: "b.pdf", progress: nil, notBefore: at(2), now: at(2)))
            #expect(try !queue.requeue(JobID(9999), sourceName: "x", progress: nil, notBefore: at(2), now: at(2)))
            // Another active job holds the name the source would come back under.
            #expect(try !queue.requeue(jobs[0].id, sourceName: "b.pdf", progress: nil, notBefore: at(2), now: at(2)))

            let progress = Data(#"{"assets":[]}"#.utf8)
            #expect(try queue.requeue(jobs[0].id, sourceName: "a (1).pdf", progress: progress, notBefore: at(5),
                                      now: at(2)))
            let job = try #require(try queue.job(jobs[0].id))
            #expect(job.state == .queued && job.sourceName == "a (1).pdf" && job.progress == progress)
            #expect(job.lastError == nil && job.finishedAt == nil && job.claims == 0 && job.nextAttemptAt == at(5))
            #expect(try queue.activeJob(sourceName: "a (1).pdf")?.id == job.id)
            #expect(try !queue.requeue(jobs[0].id, sourceName: "a (1).pdf", progress: nil, notBefore: at(5)))
            #expect(try queue.claim(owner: "w", lease: .seconds(9), limit: 5, now: at(5)).map(\.id).contains(job.id))
        }
    }

    @Test("delete removes the record")
    func delete() async throws {
        try await withQueue { queue, _ in
            let jobs = try queue.enqueueNew(["a", "b"])
            try queue.delete(jobs[0].id)
            try queue.delete(jobs[0].id)
            #expect(try queue.job(jobs[0].id) == nil)
            #expect(try queue.jobs(state: nil, limit: 10).map(\.id) == [jobs[1].id])
            #expect(try queue.enqueue(newJob("a"), now: t0).isCreated)
        }
    }
}
