import DropQueue
import Foundation
import InboxWatcher
import Logging
import TestSupport
import Testing

@testable import DropPipeline

@Suite("intake of many drops at once", .timeLimit(.minutes(5)))
struct IntakeBatchTests {
    @Test("a batch of drops larger than one transaction is queued whole, each job once, of the right kind")
    func queuesABigBatch() async throws {
        try await withTemporaryDirectory(prefix: "dropd-intake") { directory in
            let logger = quietLogger("test")
            let queue = try JobQueue(path: directory.file("queue.sqlite3"), logger: logger)
            let store = SQLiteQueueStore(queue: queue)
            let intake = Intake(queue: store, inbox: directory.path, orphanSidecarTimeout: .seconds(600), logger: logger)
            let count = Intake.batchSize * 2 + 7
            var drops = (0..<count).map { index in
                InboxDrop(name: "f\(index).png", kind: .file, fingerprint: Self.fingerprint(index))
            }
            drops.append(InboxDrop(name: "f1.png.prompt", kind: .file, fingerprint: Self.fingerprint(count)))
            drops.append(InboxDrop(name: "bundle", kind: .directory, fingerprint: Self.fingerprint(count + 1)))
            // One of them was queued before (a scan reporting it again): it stays one job.
            await intake.accept(drops[5])
            await intake.accept(drops)
            #expect(intake.waitingCount == 0)
            let now = Date()
            #expect(try queue.counts(now: now)[.queued] == count + 2)
            let jobs = try queue.jobs(state: .queued, limit: count + 10)
            #expect(jobs.count == count + 2)
            #expect(Set(jobs.map(\.sourceName)).count == count + 2)
            let byName = Dictionary(jobs.map { ($0.sourceName, $0) }, uniquingKeysWith: { a, _ in a })
            #expect(byName["f1.png.prompt"]?.kind == JobKind.sidecar.rawValue)
            #expect((byName["f1.png.prompt"]?.nextAttemptAt ?? now) > now.addingTimeInterval(500))
            #expect(byName["bundle"]?.kind == JobKind.bundle.rawValue)
            #expect(byName["f\(count - 1).png"]?.kind == JobKind.file.rawValue)
        }
    }

    private static func fingerprint(_ index: Int) -> DropFingerprint {
        DropFingerprint(device: 1, inode: UInt64(index + 1), size: 4096, mtimeNanoseconds: 1, ctimeNanoseconds: 1)
    }
}
