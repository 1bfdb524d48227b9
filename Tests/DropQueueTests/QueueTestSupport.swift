import DropQueue
import Foundation
import Logging
import TestSupport

/// A fixed, whole-second moment tests count from, so no test depends on the clock.
let t0 = Date(timeIntervalSince1970: 1_800_000_000)

/// `t0` plus `seconds`.
func at(_ seconds: Double) -> Date { t0.addingTimeInterval(seconds) }

/// Runs `body` with a fresh queue in its own temporary folder.
func withQueue<T>(_ body: (JobQueue, TemporaryDirectory) async throws -> T) async throws -> T {
    try await withTemporaryDirectory(prefix: "dropqueue-test") { directory in
        let queue = try JobQueue(path: directory.file("queue.sqlite3"), logger: quietLogger())
        return try await body(queue, directory)
    }
}

/// A new file job for `name`.
func newJob(_ name: String, fingerprint: String? = nil, notBefore: Date? = nil) -> NewJob {
    NewJob(sourceName: name, kind: "file", fingerprint: fingerprint ?? "fp-\(name)", notBefore: notBefore)
}

extension JobQueue {
    /// Enqueues `names` at `now` and returns the created jobs, in order.
    @discardableResult
    func enqueueNew(_ names: [String], now: Date = t0) throws -> [Job] {
        try enqueue(names.map { newJob($0) }, now: now).map(\.job)
    }
}

extension JobQueue {
    /// The lease token the job is held under now ("" when it is not leased): for tests acting as the holder.
    func heldToken(_ id: JobID) -> String {
        ((try? job(id)) ?? nil)?.leaseToken ?? ""
    }
}
