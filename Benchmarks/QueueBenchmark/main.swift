// queue-benchmark [JOBS] [BATCH]
// Measures full enqueue → claim → finish cycles per second on a fresh database in a temporary folder,
// batched the way a busy daemon would: enqueue BATCH jobs per transaction, claim 100 at a time, finish
// each claimed batch in one transaction.
import DropQueue
import Foundation
import Logging

let arguments = CommandLine.arguments
let jobCount = arguments.count > 1 ? Int(arguments[1]) ?? 200_000 : 200_000
let batchSize = arguments.count > 2 ? Int(arguments[2]) ?? 500 : 500
let claimLimit = 100

let folder = FileManager.default.temporaryDirectory.appendingPathComponent("queue-benchmark-\(UUID().uuidString)")
try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(at: folder) }

let logger = Logger(label: "queue-benchmark", factory: { _ in SwiftLogNoOpLogHandler() })
let queue = try JobQueue(path: folder.appendingPathComponent("queue.sqlite3").path, logger: logger)

let clock = ContinuousClock()
var finished = 0
var enqueued = 0
let elapsed = try clock.measure {
    while enqueued < jobCount {
        let size = min(batchSize, jobCount - enqueued)
        let batch = (enqueued..<(enqueued + size)).map {
            NewJob(sourceName: "file-\($0).pdf", kind: "file", fingerprint: "1:\($0):1000:0")
        }
        let outcomes = try queue.enqueue(batch)
        precondition(outcomes.allSatisfy(\.isCreated), "every benchmark job is new")
        enqueued += size
        while true {
            let jobs = try queue.claim(owner: "bench", lease: .seconds(60), limit: claimLimit)
            if jobs.isEmpty { break }
            try queue.finish(jobs.map { (id: $0.id, token: $0.leaseToken ?? "", state: JobState.succeeded) })
            finished += jobs.count
        }
    }
}
precondition(finished == jobCount, "finished \(finished) of \(jobCount)")
let counts = try queue.counts()
precondition(counts[.succeeded] == jobCount && counts[.queued] == 0, "unexpected counts \(counts)")

let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
let rate = Int((Double(jobCount) / seconds).rounded())
print("queue: \(rate) cycles/s (\(jobCount) jobs, batch \(batchSize))")
