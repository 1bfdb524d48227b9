import DropQueue
import Foundation
import InboxWatcher
import Logging

/// Turns the watcher's drops into queued jobs.
///
/// A file becomes a `file` job, a directory a `bundle` job, and a sidecar a `sidecar` job due after the orphan
/// timeout, which fails with `orphan_sidecar` only if the sidecar is still alone by then. The queue
/// de-duplicates, so a drop reported twice (scan and event, rescan after an overflow) makes one job.
struct Intake: Sendable {
    let queue: JobQueue
    let inbox: String
    let orphanSidecarTimeout: Duration
    let logger: Logger

    /// Queues the job for one drop; a drop already gone is ignored.
    func accept(_ drop: InboxDrop) {
        let path = "\(inbox)/\(drop.name)"
        guard let fingerprint = sourceFingerprint(path: path) else { return }
        let kind: String
        var notBefore: Date? = nil
        switch drop.kind {
        case .directory:
            kind = JobKind.bundle
        case .file:
            if DropRules.sidecarTarget(of: drop.name) != nil {
                kind = JobKind.sidecar
                notBefore = Date().addingTimeInterval(orphanSidecarTimeout.seconds)
            } else {
                kind = JobKind.file
            }
        }
        do {
            let outcome = try queue.enqueue(
                NewJob(sourceName: drop.name, kind: kind, fingerprint: fingerprint, notBefore: notBefore))
            if case .created(let job) = outcome {
                logger.info("queued", metadata: ["job": "\(job.id.rawValue)", "file": "\(drop.name)", "kind": "\(kind)"])
            }
        } catch {
            logger.error("cannot queue \(drop.name): \(error)", metadata: ["file": "\(drop.name)"])
        }
    }
}
