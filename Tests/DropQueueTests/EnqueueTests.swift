@testable import DropQueue
import Foundation
import Testing

@Suite("Enqueue is idempotent per source", .timeLimit(.minutes(5)))
struct EnqueueTests {
    @Test("the same source twice makes one job")
    func sameSourceTwice() async throws {
        try await withQueue { queue, _ in
            let first = try queue.enqueue(newJob("a.pdf", fingerprint: "1:2:3:4"), now: t0)
            let second = try queue.enqueue(newJob("a.pdf", fingerprint: "1:2:3:4"), now: at(5))
            #expect(first.isCreated)
            #expect(second == .existing(first.job))
            #expect(try queue.counts(now: at(5))[.queued] == 1)
            let job = first.job
            #expect(job.state == .queued && job.kind == "file" && job.fingerprint == "1:2:3:4")
            #expect(job.attempts == 0 && job.claims == 0 && job.nextAttemptAt == t0 && job.createdAt == t0)
            #expect(job.progress == nil && job.finishedAt == nil && job.leaseOwner == nil)
        }
    }

    @Test("a new fingerprint while the job is active is still the same job")
    func newFingerprintWhileActive() async throws {
        try await withQueue { queue, _ in
            let first = try queue.enqueue(newJob("a.pdf", fingerprint: "v1"), now: t0).job
            _ = try queue.claim(owner: "w1", lease: .seconds(60), now: t0)
            let again = try queue.enqueue(newJob("a.pdf", fingerprint: "v2"), now: at(1))
            #expect(!again.isCreated)
            #expect(again.job.id == first.id)
            #expect(try queue.jobs(state: nil, limit: 10).count == 1)
        }
    }

    @Test("after the job finished: same fingerprint is the old job, a new fingerprint a new job")
    func afterFinish() async throws {
        try await withQueue { queue, _ in
            let first = try queue.enqueue(newJob("a.pdf", fingerprint: "v1"), now: t0).job
            _ = try queue.claim(owner: "w1", lease: .seconds(60), now: t0)
            try queue.finish(first.id, token: queue.heldToken(first.id), as: .succeeded, stage: nil, progress: nil, attempts: 1,
                             lastError: nil, now: at(1))

            let same = try queue.enqueue(newJob("a.pdf", fingerprint: "v1"), now: at(2))
            #expect(!same.isCreated)
            #expect(same.job.id == first.id && same.job.state == .succeeded)

            let changed = try queue.enqueue(newJob("a.pdf", fingerprint: "v2"), now: at(3))
            #expect(changed.isCreated)
            #expect(changed.job.id != first.id)
            #expect(try queue.activeJob(sourceName: "a.pdf")?.id == changed.job.id)

            // While the new job is active, it is the one that stands for the source.
            let whileActive = try queue.enqueue(newJob("a.pdf", fingerprint: "v1"), now: at(4))
            #expect(whileActive == .existing(changed.job))
        }
    }

    @Test("reschedule moves a queued, unclaimed job's due time, and nothing else")
    func reschedule() async throws {
        try await withQueue { queue, _ in
            let job = try queue.enqueue(newJob("c.pdf", notBefore: at(600)), now: t0).job
            #expect(try queue.claim(owner: "w", lease: .seconds(60), now: at(1)).isEmpty)
            #expect(try queue.reschedule(job.id, notBefore: at(2), now: at(1)))
            let claimed = try #require(try queue.claim(owner: "w", lease: .seconds(60), now: at(2)).first)
            #expect(claimed.id == job.id)
            // Claimed jobs, finished jobs and unknown ids are left alone.
            #expect(!(try queue.reschedule(job.id, notBefore: at(900), now: at(3))))
            #expect(!(try queue.reschedule(JobID(rawValue: 999), notBefore: at(900), now: at(3))))
        }
    }

    @Test("a finished job answers for its exact source only for a minute: a file moved back later is new")
    func movedBackLater() async throws {
        try await withQueue { queue, _ in
            let first = try queue.enqueue(newJob("b.pdf", fingerprint: "v1"), now: t0).job
            _ = try queue.claim(owner: "w1", lease: .seconds(60), now: t0)
            try queue.finish(first.id, token: queue.heldToken(first.id), as: .failed, stage: nil, progress: nil, attempts: 1,
                             lastError: "x", now: at(1))
            #expect(!(try queue.enqueue(newJob("b.pdf", fingerprint: "v1"), now: at(30))).isCreated)
            let later = try queue.enqueue(newJob("b.pdf", fingerprint: "v1"), now: at(1 + JobQueue.recentlyFinishedWindow + 1))
            #expect(later.isCreated)
            #expect(later.job.id != first.id)
        }
    }

    @Test("with no fingerprint, only an active job matches")
    func nilFingerprint() async throws {
        try await withQueue { queue, _ in
            let orphan = NewJob(sourceName: "x.prompt", kind: "sidecar", fingerprint: nil)
            let first = try queue.enqueue(orphan, now: t0).job
            #expect(try !queue.enqueue(orphan, now: t0).isCreated)
            _ = try queue.claim(owner: "w1", lease: .seconds(60), now: t0)
            try queue.finish([(first.id, queue.heldToken(first.id), .failed)], now: at(1))
            #expect(try queue.enqueue(orphan, now: at(2)).isCreated)
        }
    }

    @Test("one batch: duplicates inside it are found, outcomes keep the order")
    func batch() async throws {
        try await withQueue { queue, _ in
            let outcomes = try queue.enqueue(
                [newJob("a"), newJob("b"), newJob("a"), newJob("c", notBefore: at(60))], now: t0)
            #expect(outcomes.map(\.isCreated) == [true, true, false, true])
            #expect(outcomes[2].job == outcomes[0].job)
            #expect(outcomes[3].job.nextAttemptAt == at(60))
            #expect(try queue.enqueue([], now: t0).isEmpty)
        }
    }

    @Test("the database itself refuses a second active job for one source")
    func uniqueIndex() async throws {
        try await withQueue { queue, _ in
            try queue.enqueueNew(["a.pdf"])
            let db = try SQLiteConnection.open(path: queue.path)
            let insert = """
                INSERT INTO jobs (source_name, kind, state, next_attempt_at, created_at, updated_at)
                VALUES ('a.pdf', 'file', ?1, 0, 0, 0)
                """
            let error = try #require(throws: QueueError.self) { try db.execute(insert, ["waiting_video"]) }
            #expect(error.sqliteCode == 2067)  // SQLITE_CONSTRAINT_UNIQUE
            try db.execute(insert, ["succeeded"])  // terminal jobs may share the name
        }
    }
}
