import DropQueue
import Foundation
import Logging
import TestSupport
import Testing

@testable import DropDemo
@testable import DropLogging
@testable import DropOperator
@testable import DropPipeline
@testable import DropService
@testable import DropSettings

@Suite("progress pruning", .timeLimit(.minutes(5)))
struct ProgressPrunerTests {
    @Test("records of jobs finished longer ago than the retention are cleared, in batches; the jobs stay")
    func prunesOldRecords() async throws {
        try await withTemporaryDirectory(prefix: "dropd-prune") { directory in
            let logger = quietLogger("test")
            let queue = try JobQueue(path: directory.file("queue.sqlite3"), logger: logger)
            let start = Date(timeIntervalSince1970: 1_800_000_000)
            let names = (0..<1203).map { "f\($0).pdf" }
            _ = try queue.enqueue(names.map { NewJob(sourceName: $0, kind: "file", fingerprint: $0, notBefore: nil) }, now: start)
            let claimed = try queue.claim(owner: "w", lease: .seconds(600), limit: 2000, now: start)
            let progress = Data(#"{"checked":true}"#.utf8)
            for (index, job) in claimed.enumerated() {
                // All but the last three finished 40 days before `now`; those three, a day before.
                let finished = index < 1200 ? start : start.addingTimeInterval(39 * 86_400)
                try queue.finish(
                    job.id, token: job.leaseToken ?? "", as: .succeeded, stage: nil, progress: progress, attempts: 1,
                    lastError: nil, now: finished)
            }
            let pruner = ProgressPruner(queue: queue, retention: .seconds(30 * 86_400), logger: logger)
            let now = start.addingTimeInterval(40 * 86_400)
            #expect(pruner.pruneOnce(now: now) == 1200)
            #expect(pruner.pruneOnce(now: now) == 0)
            #expect(try queue.job(claimed[0].id)?.progress == nil)
            #expect(try queue.job(claimed[1202].id)?.progress == progress)
            #expect(try queue.counts(now: now)[.succeeded] == 1203)
        }
    }
}
