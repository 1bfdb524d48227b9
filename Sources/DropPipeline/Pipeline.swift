import DropMetrics
import DropQueue
import DropSettings
import Foundation
import HeyGenAPI
import InboxWatcher
import Logging
import Synchronization
import SystemSupport

/// Carries jobs through their lifecycle: local checks, uploads (or reuse), the Video Agent, the wait for the
/// video, then the result and the move of the sources.
///
/// Where a job is lives in one place, its `JobPhase`; what happens next is decided by the pure
/// `JobLifecycle.transition(from:on:)`. The pipeline carries out each action and feeds back the event it
/// ended in. Each step saves what it learned (with the phase) to the queue before the next begins, so a job
/// interrupted at any point (crash, `kill -9`, shutdown) resumes where it stopped. The order of the last
/// effects makes a crash safe there too: the outcome is saved, then the result written, then the sources
/// moved, then the job closed.
package final class Pipeline: Sendable {
    package let options: PipelineOptions
    package let queue: any QueueStore
    package let client: HeyGenClient
    package let logger: Logger
    /// This process's name on the leases it takes.
    package let owner: String
    package let writer: ResultWriter
    /// The time leases are measured on (steps of the wall clock do not expire them).
    package let leaseClock: LeaseClock
    /// The workers' sign of life, for the systemd watchdog.
    package let heartbeat = Heartbeat()
    /// The transfers in flight, for the operator's views and the progress log lines.
    package let transfers: LiveTransfers
    /// Where the pipeline's events are counted.
    let metrics: DropMetrics
    /// Rung when there may be new work: a drop queued, a job put back or finished.
    package let bell: WorkBell
    /// Set once the API answered the bulk status request with 404 or 405 (an older API): videos are then
    /// asked after one by one.
    let bulkStatusUnsupported = Atomic<Bool>(false)
    /// The workers' API request slots (`options.workers` of them): the workers hold more jobs than that, so
    /// local work overlaps requests, but only this many of their requests are in flight at once.
    package let requestSlots: RequestSlots
    /// The most files one Video Agent request may carry.
    package static let maxVideoFiles = 20

    package init(
        options: PipelineOptions, queue: any QueueStore, client: HeyGenClient, owner: String,
        leaseClock: LeaseClock = LeaseClock(), bell: WorkBell = WorkBell(), transfers: LiveTransfers = LiveTransfers(),
        metrics: DropMetrics = .system, logger: Logger
    ) {
        self.bell = bell
        self.options = options
        self.transfers = transfers
        self.metrics = metrics
        self.leaseClock = leaseClock
        self.queue = queue
        self.client = client
        self.owner = owner
        self.logger = logger
        self.writer = ResultWriter(outbox: options.outbox)
        self.requestSlots = RequestSlots(count: options.workers)
    }

    /// The profile the job of `run` came from: its folders and defaults.
    func profile(of run: JobRun) -> Settings.Profile {
        options.profile(named: run.job.profile)
    }

    /// The writer of results into the outbox of the profile of `run`.
    func resultWriter(for run: JobRun) -> ResultWriter {
        let outbox = profile(of: run).outbox
        return outbox == writer.outbox ? writer : ResultWriter(outbox: outbox)
    }

    // MARK: - Entry points

    /// Works on one job claimed from the `queued` state until it is finished, waiting for its video, or put back.
    package func process(_ job: Job) async {
        var run = JobRun(job: job)
        await handleFailures(of: &run) { run in
            try await self.drive(
                &run, .claimed(kind: job.jobKind, overClaimLimit: job.claims > self.options.maxClaims))
        }
    }

    /// Polls the video of one job claimed from the `waiting_video` state once, then finishes it or puts it back.
    package func poll(_ job: Job, bulkStatus: String? = nil) async {
        var run = JobRun(job: job)
        run.bulkVideoStatus = bulkStatus
        await handleFailures(of: &run) { run in
            try await self.drive(&run, .pollDue)
        }
    }

    // MARK: - The lifecycle

    /// Feeds `event` to the lifecycle, then carries out actions (each ending in the next event) until the job
    /// is handed back to the queue or closed. A job whose saved progress cannot be read fails with a message
    /// saying so: it is never started over.
    private func drive(_ run: inout JobRun, _ event: JobLifecycle.Event) async throws {
        var action: JobLifecycle.Action
        // (An entry with a name that is not UTF-8 fails anyway, by its raw bytes: its progress does not matter.)
        if let unreadable = run.progressUnreadable, run.job.jobKind != .unreadableName {
            run.logger(logger).error("\(unreadable); failing the job instead of starting it over")
            action = try enter(&run, .verdict(.failed, .init(code: .unreadable, message: Self.message(for: unreadable, job: run.job))))
        } else {
            action = try enter(&run, event)
        }
        while action != .stop {
            action = try await step(action, &run)
        }
    }

    /// The result's message for a job whose saved progress cannot be read.
    package static func message(for unreadable: ProgressUnreadable, job: Job) -> String {
        "\(unreadable); the job was not started again, so nothing was uploaded or created twice: check the HeyGen "
            + "account for a video this job may have made, then run `heygen-dropd retry \(job.id.rawValue)` to start it over"
    }

    /// Feeds `event` to the lifecycle: the job takes the new phase; returns the action to carry out.
    /// Throws `LifecycleViolation` for an event the job's phase does not allow.
    func enter(_ run: inout JobRun, _ event: JobLifecycle.Event) throws(LifecycleViolation) -> JobLifecycle.Action {
        let before = run.progress.phase
        let transition = JobLifecycle.transition(from: before, on: event)
        if case .invalid(let message) = transition.action { throw LifecycleViolation(message: message) }
        if transition.phase == .finishing, before != .finishing { run.phaseBeforeVerdict = before }
        run.progress.phase = transition.phase
        return transition.action
    }

    /// Carries out `action`; returns the next one. The steps before the outcome turn what they find (a changed
    /// source, a local problem, an API failure) into events here, in one place.
    private func step(_ action: JobLifecycle.Action, _ run: inout JobRun) async throws -> JobLifecycle.Action {
        switch action {
        case .check, .upload, .createVideo, .putDirect, .completeDirect, .awaitAsset, .createTranslation:
            do {
                switch action {
                case .check: return try await check(&run)
                case .upload: return try await uploadAll(&run)
                case .createVideo: return try await createVideo(&run)
                case .createTranslation: return try await createTranslation(&run)
                default: return try await directStep(action, &run)
                }
            } catch is SourceChanged {
                return try enter(&run, .sourceChanged)
            } catch let problem as LocalProblem {
                if problem.code == .vanished, run.progress.phase == .checking, let twin = try await queue.finishedTwin(of: run.job) {
                    // The same drop, seen twice (by two hosts polling one share), was already taken to its end:
                    // its result and moved file stand; this job leaves no result over them.
                    run.logger(logger).notice("already finished as job \(twin.id); this duplicate leaves no result")
                    try await queue.delete(run.job.id)
                    return try enter(&run, .removed)
                }
                return try enter(&run, .verdict(.failed, .init(code: problem.code, message: problem.message)))
            } catch let error as HeyGenError {
                return try enter(&run, .verdict(.failed, try resultError(error)))
            }
        case .failUnreadableName:
            try await failUnreadableName(&run)
            return .stop
        case .giveUp:
            let message = "gave up on \(run.job.sourceName): it was started \(run.job.claims) times without finishing"
            return try enter(&run, .verdict(.failed, .init(code: .unreadable, message: message)))
        case .checkOrphan:
            return try await checkOrphan(&run)
        case .waitForVideo:
            try await handToPoller(&run)
            return .stop
        case .hold:
            try await holdForSpend(&run)
            return .stop
        case .poll:
            return try await pollVideo(&run)
        case .waitForTranslation:
            try await handTranslationToPoller(&run)
            return .stop
        case .pollTranslation:
            return try await pollTranslation(&run)
        case .queueDownload:
            try await queueDownloads(&run)
            return .stop
        case .download:
            return try await downloadOutputs(&run)
        case .returnToWorkers:
            // Nothing to wait for: go back and create the session.
            try await release(&run, to: .queued, after: .zero, stage: .uploading)
            return .stop
        case .recheck:
            try await recheck(&run)
            return .stop
        case .decide(let status, let error):
            try await decide(&run, status, error: error)
            return try enter(&run, .decided)
        case .complete:
            try await complete(&run)
            return .stop
        case .stop:
            return .stop
        case .invalid(let message):
            throw LifecycleViolation(message: message)
        }
    }

    /// Runs `body`, turning what escapes it into the right queue transition.
    private func handleFailures(of run: inout JobRun, _ body: (inout JobRun) async throws -> Void) async {
        let logger = run.logger(self.logger)
        do {
            try await body(&run)
        } catch is CancellationError {
            // Shutdown, or a claim that may have lost its lease: leave the job queued, due at once, with
            // everything it learned (a release under a lost claim changes nothing).
            logger.notice("stopped; left queued with what it learned", metadata: ["stage": "\(run.stage ?? "-")"])
            try? await putBack(&run, after: .zero)
        } catch let asked as ServerAskedToWait {
            // Longer than a worker may wait: back to the queue, due when the server said.
            logger.notice("the API asked to wait \(asked.wait.components.seconds) s; the job is due again then",
                          metadata: ["error": "\(asked.error)"])
            try? await putBack(&run, after: asked.wait, lastError: asked.error.description)
        } catch let error as QueueError where error == .leaseLost {
            logger.error("lost the claim on this job: \(error)")
        } catch let error as QueueError {
            // A busy or failing database: hand the job back rather than hold it until its lease runs out.
            logger.error("queue error: \(error); will try again in 30 s")
            try? await putBack(&run, after: .seconds(30), lastError: "\(error)")
        } catch {
            // Unexpected trouble (a full disk, a folder made read-only): try again later, keep the source.
            logger.error("\(error); will try again in 30 s")
            try? await putBack(&run, after: .seconds(30), lastError: "\(error)")
        }
    }

    // MARK: - Queue transitions

    /// Saves the job's progress (with its phase) under `stage`.
    func save(_ run: inout JobRun, stage: JobStage) async throws {
        run.stage = stage.rawValue
        heartbeat.beat()
        try await queue.save(run.job.id, token: run.token, stage: stage.rawValue, progress: run.progressRecord(), attempts: run.attempts)
    }

    /// Hands the job back to the queue in `state`, due after `delay`, with its progress, under `stage`.
    func release(
        _ run: inout JobRun, to state: JobState, after delay: Duration, stage: JobStage?, lastError: String? = nil
    ) async throws {
        try await release(&run, to: state, after: delay, label: stage?.rawValue, lastError: lastError)
    }

    /// Hands the job back in the state it was claimed from, under the stage it had, due after `delay`.
    private func putBack(_ run: inout JobRun, after delay: Duration, lastError: String? = nil) async throws {
        try await release(&run, to: run.job.state, after: delay, label: run.stage, lastError: lastError)
    }

    private func release(
        _ run: inout JobRun, to state: JobState, after delay: Duration, label: String?, lastError: String?
    ) async throws {
        run.stage = label
        let state: JobState = state == .waitingVideo ? .waitingVideo : .queued
        heartbeat.beat()
        try await queue.release(
            run.job.id, token: run.token, to: state, nextAttemptAt: Date().addingTimeInterval(delay.seconds), stage: label,
            progress: run.progressRecord(), attempts: run.attempts, lastError: lastError)
    }

    /// The result's error for an API failure. One whose `Retry-After` is longer than a worker may wait is no
    /// verdict: it throws `ServerAskedToWait`, which hands the job back to the queue, due then.
    func resultError(_ error: HeyGenError) throws(ServerAskedToWait) -> JobResult.ResultError {
        if let wait = options.retryPolicy.longWait(for: error) {
            throw ServerAskedToWait(wait: wait, error: error)
        }
        return .init(code: FailureCode(error), message: error.message, httpStatus: error.httpStatus, requestID: error.requestID)
    }

    /// Makes one API call, counted as a call in flight for the watchdog. A call cut short by cancellation
    /// throws `CancellationError` (never a `network_error`), any other failure its `HeyGenError`.
    ///
    /// A worker's call (`RequestSlots.current` set) holds one of the workers' request slots while it runs,
    /// waiting for one first (see `withRequestSlot`).
    package func remote<T>(_ call: () async throws(HeyGenError) -> T) async throws -> T {
        try await withRequestSlot {
            try await surfacingCancellation { () async throws(HeyGenError) -> T in
                try await heartbeat.remoteCall(call)
            }
        }
    }

    /// Makes one API call by `remote`, retried by the retry policy; every attempt made counts in
    /// `run.attempts`, whatever the outcome.
    func retried<T: Sendable>(_ run: inout JobRun, _ call: (HeyGenClient) async throws(HeyGenError) -> T) async throws -> T {
        let (client, policy, logger, counter) = (self.client, options.retryPolicy, run.logger(self.logger), AttemptCounter())
        defer { run.attempts += counter.value }
        return try await remote { () async throws(HeyGenError) -> T in
            try await withRetries(policy, logger: logger, onAttempt: { counter.increment() }) { () async throws(HeyGenError) -> T in
                try await call(client)
            }
        }
    }

    /// Runs `body` — a request, with the last look at the source right before it — holding one of the
    /// workers' request slots when the current task is a worker's (otherwise simply runs it). The wait for a
    /// slot counts as waiting on the API for the watchdog: it ends when another worker's request does. The
    /// API calls `body` makes take no second slot.
    func withRequestSlot<T>(_ body: () async throws -> T) async throws -> T {
        guard let slots = RequestSlots.current else { return try await body() }
        try await heartbeat.remoteCall { () async throws in try await slots.take() }
        defer { slots.giveBack() }
        return try await RequestSlots.$current.withValue(nil) { try await body() }
    }
}

/// An event the job's phase does not allow: a defect. The job is handed back and tried again later.
package struct LifecycleViolation: Error, CustomStringConvertible {
    /// Which event in which phase.
    package var message: String

    package var description: String { "job lifecycle: \(message)" }
}
