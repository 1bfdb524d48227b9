import DropQueue
import Foundation
import TestSupport
import Testing

@Suite("Many workers claiming at once", .timeLimit(.minutes(5)))
struct ConcurrentClaimTests {
    /// Claims until the queue is empty, finishing each batch; returns the ids it was handed.
    /// Claims and finishes until nothing is left, yielding between claims as a worker task does.
    private static func drain(_ queue: JobQueue, owner: String, limit: Int) async throws -> [JobID] {
        var seen: [JobID] = []
        while true {
            await Task.yield()
            let jobs = try queue.claim(owner: owner, lease: .seconds(300), limit: limit)
            if jobs.isEmpty { return seen }
            seen += jobs.map(\.id)
            try queue.finish(jobs.map { (id: $0.id, token: $0.leaseToken ?? "", state: JobState.succeeded) })
        }
    }

    @Test("8 tasks × 200 jobs on one queue: every job handed out exactly once")
    func oneQueueManyTasks() async throws {
        try await withQueue { queue, _ in
            let created = try queue.enqueue((0..<1600).map { newJob("job-\($0)") }).map(\.job.id)
            let handedOut = try await withThrowingTaskGroup(of: [JobID].self) { group in
                for worker in 0..<8 {
                    group.addTask { try await Self.drain(queue, owner: "worker-\(worker)", limit: 1 + worker % 3) }
                }
                return try await group.reduce(into: [JobID]()) { $0 += $1 }
            }
            #expect(handedOut.count == created.count)
            #expect(Set(handedOut) == Set(created))
            #expect(try queue.counts()[.succeeded] == 1600)
        }
    }

    @Test("two connections to one file (as two processes would) never hand out a job twice")
    func twoConnections() async throws {
        try await withQueue { queue, directory in
            let other = try JobQueue(path: directory.file("queue.sqlite3"), logger: quietLogger())
            let created = try queue.enqueue((0..<800).map { newJob("job-\($0)") }).map(\.job.id)
            let handedOut = try await withThrowingTaskGroup(of: [JobID].self) { group in
                for worker in 0..<4 {
                    group.addTask { try await Self.drain(queue, owner: "a-\(worker)", limit: 5) }
                    group.addTask { try await Self.drain(other, owner: "b-\(worker)", limit: 5) }
                }
                return try await group.reduce(into: [JobID]()) { $0 += $1 }
            }
            #expect(handedOut.count == created.count)
            #expect(Set(handedOut) == Set(created))
        }
    }
}
