import DropMetrics
import DropQueue
import Foundation
import InboxWatcher
import Logging
import Synchronization
import SystemSupport

/// Turns the watcher's drops into queued jobs.
///
/// A file becomes a `file` job, a directory a `bundle` job, a sidecar a `sidecar` job due after the orphan
/// timeout (which fails with `orphan_sidecar` only if the sidecar is still alone by then), and an entry whose
/// name is not valid UTF-8 an `unreadable_name` job (it fails and moves to failed/). The queue de-duplicates,
/// so a drop reported twice (scan and event, rescan after an overflow) makes one job.
///
/// Each job is queued under the fingerprint the watcher saw when the entry settled (`InboxDrop.fingerprint`):
/// the intake does not look at the entry again, so it never records a newer version that has not settled.
///
/// A drop that cannot be queued (the database locked by another process past its busy timeout, its disk
/// full) is kept and tried again every `retryInterval` by `runRetries` until it is queued or its entry has
/// left the inbox or been replaced (a replacement is reported by the watcher when it settles): the watcher
/// reports each drop once, so nothing else would bring it back before a restart.
package final class Intake: Sendable {
    package let queue: any QueueStore
    package let inbox: String
    /// The profile whose inbox this is; its jobs are queued under it.
    package let profile: String
    package let orphanSidecarTimeout: Duration
    package let retryInterval: Duration
    package let logger: Logger
    /// Rung after each drop accepted, so idle workers look at the queue at once.
    package let bell: WorkBell
    /// Drops whose enqueue failed, by name (the latest report of each name wins).
    private let waiting = Mutex<[String: InboxDrop]>([:])

    /// An intake into `queue` for drops of `inbox`, the inbox of `profile`.
    package init(
        queue: any QueueStore, inbox: String, profile: String = JobQueue.defaultProfile, orphanSidecarTimeout: Duration,
        retryInterval: Duration = .seconds(1), bell: WorkBell = WorkBell(), logger: Logger
    ) {
        self.bell = bell
        self.queue = queue
        self.inbox = inbox
        self.profile = profile
        self.orphanSidecarTimeout = orphanSidecarTimeout
        self.retryInterval = retryInterval
        self.logger = logger
    }

    /// Queues the job for one drop, under the fingerprint the watcher saw it settle with (never a second
    /// look, which could catch a newer version still being written); one that cannot be queued now is kept
    /// for `runRetries`. A later report of a name supersedes a kept earlier one.
    package func accept(_ drop: InboxDrop) async {
        if await enqueue(drop) {
            waiting.withLock { $0[drop.name] = nil }
        } else {
            waiting.withLock { $0[drop.name] = drop }
        }
        // Also when the job already existed: `retry` puts a job back and then its files, and the files'
        // arrival is how this process learns of it.
        bell.ring()
    }

    /// Queues the jobs for many drops at once (a start-up scan of a full inbox): in transactions of up to
    /// `batchSize` jobs each, in name order when there are many, so that a big inbox is queued at tens of
    /// thousands of files a second. Drops of a transaction that fails are kept for `runRetries`, like a
    /// single one. Rings the bell after each transaction, so the workers start on the first jobs while the
    /// rest are queued.
    package func accept(_ drops: [InboxDrop]) async {
        guard drops.count > 1 else {
            if let drop = drops.first { await accept(drop) }
            return
        }
        // Many at once (a scan): in name order, so each transaction adds to one stretch of the queue's name
        // indexes rather than all over them (a fraction of the pages written). A name reported twice keeps
        // its reports' order.
        let drops =
            drops.count > Self.detailedLogLimit
            ? drops.enumerated().sorted { ($0.element.name, $0.offset) < ($1.element.name, $1.offset) }.map(\.element)
            : drops
        var start = drops.startIndex
        while start < drops.endIndex {
            let end = min(start + Self.batchSize, drops.endIndex)
            let batch = Array(drops[start..<end])
            if await enqueue(batch) {
                waiting.withLock { waiting in
                    for drop in batch { waiting[drop.name] = nil }
                }
            } else {
                waiting.withLock { waiting in
                    for drop in batch { waiting[drop.name] = drop }
                }
            }
            bell.ring()
            start = end
        }
    }

    /// The most jobs queued in one transaction.
    package static let batchSize = 2000

    /// Batches larger than this log one line per transaction at info, and each job at debug.
    static let detailedLogLimit = 100

    /// How many drops wait to be queued again.
    package var waitingCount: Int { waiting.withLock { $0.count } }

    /// Tries the drops that could not be queued again, every `retryInterval`, until cancelled.
    /// Sleeps while no drop waits (woken by `accept`), so an idle daemon does no work here.
    package func runRetries() async {
        while !Task.isCancelled {
            let ticket = bell.ticket
            if waiting.withLock({ $0.isEmpty }) {
                await bell.wait(after: ticket, upTo: nil)
                continue
            }
            do {
                try await Task.sleep(for: retryInterval)
            } catch {
                return
            }
            let drops = waiting.withLock { Array($0.values) }
            for drop in drops.sorted(by: { $0.name < $1.name }) where !Task.isCancelled {
                guard isStillThere(drop) else {
                    // Gone, or replaced: a replacement is reported again by the watcher once it settles.
                    waiting.withLock { current in
                        if current[drop.name] == drop { current[drop.name] = nil }
                    }
                    continue
                }
                if await enqueue(drop) {
                    waiting.withLock { current in
                        if current[drop.name] == drop { current[drop.name] = nil }
                    }
                    logger.info("queued after an earlier failure", metadata: ["file": "\(drop.name)"])
                    bell.ring()
                } else {
                    break  // still failing: wait for the next round rather than hammer the database
                }
            }
        }
    }

    /// True when the inbox entry under the drop's name is still the version the watcher reported (a kept
    /// drop is only worth queueing while it is).
    private func isStillThere(_ drop: InboxDrop) -> Bool {
        let now =
            drop.rawName.map { sourceFingerprint(directory: inbox, rawName: $0) }
            ?? sourceFingerprint(path: "\(inbox)/\(drop.name)")
        return now == drop.fingerprint.queueKey
    }

    /// Enqueues `drop` under the fingerprint the watcher saw; true when it is queued (or already was), false
    /// on failure.
    private func enqueue(_ drop: InboxDrop) async -> Bool {
        await enqueue([drop])
    }

    /// Enqueues `drops` in one transaction, each under the fingerprint the watcher saw; true when all are
    /// queued (or already were), false when the transaction failed (none is queued then).
    private func enqueue(_ drops: [InboxDrop]) async -> Bool {
        let jobs = drops.map(newJob)
        do {
            let outcomes = try await queue.enqueue(jobs)
            let detailed = drops.count <= Self.detailedLogLimit
            var created = 0
            for (outcome, job) in zip(outcomes, jobs) {
                guard case .created(let queued) = outcome else { continue }
                created += 1
                DropMetrics.system.fileSeen(profile: profile)
                logger.log(
                    level: detailed ? .info : .debug, "queued",
                    metadata: ["job": "\(queued.id.rawValue)", "file": "\(job.sourceName)", "kind": "\(job.kind)"])
            }
            if !detailed {
                logger.info("queued \(created) jobs in one transaction (\(drops.count - created) already known)")
            }
            return true
        } catch {
            if let drop = drops.first, drops.count == 1 {
                logger.error("cannot queue \(drop.name) yet, will try again: \(error)", metadata: ["file": "\(drop.name)"])
            } else {
                logger.error("cannot queue \(drops.count) drops yet, will try again: \(error)")
            }
            return false
        }
    }

    /// The job for `drop`: its kind from the entry and its name, queued under the fingerprint the watcher saw.
    private func newJob(_ drop: InboxDrop) -> NewJob {
        let fingerprint = drop.fingerprint.queueKey
        let kind: JobKind
        var notBefore: Date? = nil
        switch drop.kind {
        case _ where drop.rawName != nil:
            kind = JobKind.unreadableName
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
        return NewJob(sourceName: drop.name, kind: kind, fingerprint: fingerprint, notBefore: notBefore, profile: profile)
    }
}
