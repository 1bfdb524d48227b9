import DropQueue
import Foundation
import HeyGenAPI
import InboxWatcher
import Logging
import Synchronization

/// Carries jobs through their stages: local checks, uploads (or reuse), the Video Agent, the wait for the
/// video, then the result and the move of the sources.
///
/// Each step saves what it learned to the queue before the next begins, so a job interrupted at any point
/// (crash, `kill -9`, shutdown) resumes where it stopped. The order of the last effects makes a crash safe
/// there too: the outcome is saved, then the result written, then the sources moved, then the job closed.
final class Pipeline: Sendable {
    let options: PipelineOptions
    let queue: JobQueue
    let client: HeyGenClient
    let logger: Logger
    /// This process's name on the leases it takes.
    let owner: String
    let slots = VideoSlots()
    let writer: ResultWriter
    /// The time leases are measured on (steps of the wall clock do not expire them).
    let leaseClock: LeaseClock
    /// The workers' sign of life, for the systemd watchdog.
    let heartbeat = Heartbeat()
    /// The most files one Video Agent request may carry.
    static let maxVideoFiles = 20

    init(
        options: PipelineOptions, queue: JobQueue, client: HeyGenClient, owner: String,
        leaseClock: LeaseClock = LeaseClock(), logger: Logger
    ) {
        self.options = options
        self.leaseClock = leaseClock
        self.queue = queue
        self.client = client
        self.owner = owner
        self.logger = logger
        self.writer = ResultWriter(outbox: options.outbox)
    }

    // MARK: - Entry points

    /// Works on one job claimed from the `queued` state until it is finished, waiting for its video, or put back.
    func process(_ job: Job) async {
        var run = JobRun(job: job)
        await handleFailures(of: &run) { run in
            if job.kind == JobKind.unreadableName {
                try await self.failUnreadableName(&run)
            } else if run.progress.finish != nil {
                try await self.complete(&run)
            } else if job.claims > self.options.maxClaims {
                try await self.decide(
                    &run, .failed,
                    error: .init(code: .unreadable, message: "gave up on \(job.sourceName): it was started \(job.claims) times without finishing"))
            } else if job.kind == JobKind.sidecar {
                try await self.checkOrphan(&run)
            } else {
                try await self.work(&run)
            }
        }
    }

    /// Polls the video of one job claimed from the `waiting_video` state once, then finishes it or puts it back.
    func poll(_ job: Job) async {
        var run = JobRun(job: job)
        await handleFailures(of: &run) { run in
            if run.progress.finish != nil {
                try await self.complete(&run)
            } else {
                try await self.pollVideo(&run)
            }
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
            try? release(&run, to: run.job.state, after: .zero, stage: run.stage)
        } catch let asked as ServerAskedToWait {
            // Longer than a worker may wait: back to the queue, due when the server said.
            logger.notice("the API asked to wait \(asked.wait.components.seconds) s; the job is due again then",
                          metadata: ["error": "\(asked.error)"])
            try? release(&run, to: run.job.state, after: asked.wait, stage: run.stage, lastError: asked.error.description)
        } catch let error as QueueError where error == .leaseLost {
            logger.error("lost the claim on this job: \(error)")
        } catch let error as QueueError {
            // A busy or failing database: hand the job back rather than hold it until its lease runs out.
            logger.error("queue error: \(error); will try again in 30 s")
            try? release(&run, to: run.job.state, after: .seconds(30), stage: run.stage, lastError: "\(error)")
        } catch {
            // Unexpected trouble (a full disk, a folder made read-only): try again later, keep the source.
            logger.error("\(error); will try again in 30 s")
            try? release(&run, to: run.job.state, after: .seconds(30), stage: run.stage, lastError: "\(error)")
        }
    }

    // MARK: - Files and bundles

    private func work(_ run: inout JobRun) async throws {
        if !run.progress.checked {
            do {
                try await check(&run)
            } catch is SourceChanged {
                try recheck(&run)
                return
            } catch let problem as LocalProblem {
                try await decide(&run, .failed, error: .init(code: problem.code, message: problem.message))
                return
            }
        }
        do {
            for index in run.progress.files.indices where run.progress.files[index].assetID == nil {
                try await upload(&run, index)
            }
        } catch is SourceChanged {
            try recheck(&run)
            return
        } catch let problem as LocalProblem {
            try await decide(&run, .failed, error: .init(code: problem.code, message: problem.message))
            return
        } catch let error as HeyGenError {
            try await decide(&run, .failed, error: resultError(error))
            return
        }
        do {
            // Replaced, written or swapped since its checks while it was uploaded: this job takes what is there now.
            // Once a Video Agent session exists the job keeps what it uploaded; a newer version is left for a job of its own.
            if run.progress.sessionID == nil {
                let unchanged = try await sourceUnchanged(&run)
                if !unchanged { throw SourceChanged() }
            }
            guard let request = run.progress.video else {
                try await decide(&run, .succeeded, error: nil)
                return
            }
            if run.progress.sessionID == nil {
                guard try await createAgent(&run, request) else { return }
            }
            run.progress.waitStartedAt = run.progress.waitStartedAt ?? leaseClock.now()
            let delay = run.progress.pollDelaySeconds ?? options.videoPollInitial.seconds
            run.progress.pollDelaySeconds = delay
            try release(&run, to: .waitingVideo, after: .seconds(delay), stage: Stage.waitingVideo)
        } catch is SourceChanged {
            try recheck(&run)
        } catch let problem as LocalProblem {
            try await decide(&run, .failed, error: .init(code: problem.code, message: problem.message))
        } catch let error as HeyGenError {
            try await decide(&run, .failed, error: resultError(error))
        }
    }

    /// Starts the job's checks over (what was uploaded stays known by its SHA-256 for reuse).
    private func recheck(_ run: inout JobRun) throws {
        run.logger(logger).notice("changed since it was checked; checking it again")
        run.progress.checked = false
        run.progress.files = []
        run.openFile = nil
        run.bundle = nil
        try release(&run, to: .queued, after: .seconds(1), stage: Stage.uploading)
    }

    /// The local checks of every file of the job and its sidecars; nothing is uploaded before they all pass.
    /// Every entry is opened once relative to the inbox descriptor and read through that descriptor only.
    private func check(_ run: inout JobRun) async throws {
        let inbox = try await inboxFolder(&run)
        let (name, isBundle, logger) = (run.job.sourceName, run.job.kind == JobKind.bundle, run.logger(self.logger))
        let (maxBundleFiles, onStep) = (options.maxBundleFiles, heartbeat.stepper())
        let outcome = try await BlockingIO.run {
            SourceCheck.run(
                name: name, isBundle: isBundle, inbox: inbox, maxVideoFiles: Self.maxVideoFiles,
                maxBundleFiles: maxBundleFiles, logger: logger, onStep: onStep)
        }
        // The entries examined now are the ones that move with the job; any arriving later gets its own job.
        run.progress.checkedIdentity = outcome.main?.identity
        run.progress.sidecars = outcome.sidecars.map(\.name)
        run.progress.sidecarIdentities = Dictionary(outcome.sidecars.map { ($0.name, $0.identity) }, uniquingKeysWith: { a, _ in a })
        run.openFile = isBundle ? nil : outcome.main
        run.bundle = isBundle ? outcome.main : nil
        if let problem = outcome.problem { throw problem }
        run.progress.video = outcome.video
        run.progress.files = outcome.files.map {
            JobProgress.FileProgress(name: $0.name, inspected: $0, mimeType: $0.mediaType.mimeType)
        }
        run.progress.checked = true
        try save(&run, stage: Stage.uploading)
    }

    private func upload(_ run: inout JobRun, _ index: Int) async throws {
        let file = run.progress.files[index]
        guard let inspected = file.inspected else { return }
        let notOlderThan = Date().addingTimeInterval(-options.reuseWindow.seconds)
        if let known = try queue.asset(sha256: inspected.sha256, notOlderThan: notOlderThan) {
            run.progress.files[index].assetID = known.assetID
            run.progress.files[index].url = known.url
            run.progress.files[index].mimeType = known.mimeType
            run.progress.files[index].reused = true
            run.logger(logger).info("reused earlier upload", metadata: ["file": "\(file.name)", "asset": "\(known.assetID)"])
            try saveUploadProgress(&run)
            return
        }
        guard let identity = inspected.identity else { throw SourceChanged() }
        // The name must still lead to the checked entry, unchanged; the bytes come from its descriptor.
        let entry = try await openForUpload(&run, index)
        // A claim that lost its lease (or a shutdown) sends nothing more.
        try LeaseGuard.checkHeld()
        let key = IdempotencyKey.upload(job: run.job.id, run: run.progress.run, sha256: inspected.sha256, identity: identity)
        let counter = AttemptCounter()
        let client = self.client
        let source = UploadFile(descriptor: entry.descriptor, size: inspected.sizeBytes)
        let asset: UploadedAsset
        do {
            asset = try await heartbeat.remoteCall { () async throws(HeyGenError) -> UploadedAsset in
                try await withRetries(options.retryPolicy, logger: run.logger(logger), onAttempt: { counter.increment() }) {
                    () async throws(HeyGenError) -> UploadedAsset in
                    try await client.uploadAsset(file: source, fileName: file.name, idempotencyKey: key)
                }
            }
        } catch let error where error.category == .unreadable {
            // It ended early or could not be read while it was sent: see what it is now.
            run.attempts += counter.value
            run.logger(logger).notice("\(file.name) could not be read whole while it was uploaded: \(error.message)")
            throw SourceChanged()
        } catch {
            run.attempts += counter.value
            throw error
        }
        withExtendedLifetime(entry) {}
        run.attempts += counter.value
        guard asset.sentSHA256 == inspected.sha256 else {
            // The bytes sent are not the bytes checked (written in place meanwhile): that asset is never reused.
            run.logger(logger).warning(
                "\(file.name) changed while it was uploaded; the asset is not used", metadata: ["asset": "\(asset.assetID)"])
            throw SourceChanged()
        }
        try queue.recordAsset(
            AssetRecord(
                sha256: inspected.sha256, assetID: asset.assetID, url: asset.url, mimeType: asset.mimeType,
                sizeBytes: asset.sizeBytes, uploadedAt: Date()))
        run.progress.files[index].assetID = asset.assetID
        run.progress.files[index].url = asset.url
        run.progress.files[index].mimeType = asset.mimeType
        run.logger(logger).info("uploaded", metadata: ["file": "\(file.name)", "asset": "\(asset.assetID)"])
        try saveUploadProgress(&run)
    }

    /// Saves what the uploads learned at most once a second, so a bundle's saves do not grow with the square
    /// of its size; the steps after the uploads save it all. What is uploaded but not saved yet is found
    /// again after a crash: the asset table knows it by its SHA-256, and a repeated upload carries the same
    /// idempotency key.
    private func saveUploadProgress(_ run: inout JobRun) throws {
        let now = ContinuousClock.now
        if let last = run.lastUploadSave, last.duration(to: now) < .seconds(1) {
            heartbeat.beat()
            return
        }
        run.lastUploadSave = now
        try save(&run, stage: Stage.uploading)
    }

    /// Creates the Video Agent session, or adopts the one an earlier attempt made; false when the job was put
    /// back (no free slot, the rate limit, the session list unreadable).
    ///
    /// The create has no Idempotency-Key: "create sent" (with the job's `callback_id`) is saved before every
    /// request, a failed request is repeated only when its failure proves nothing was created, and any other
    /// failure, like a crash after sending, is settled by finding the session by its `callback_id`.
    private func createAgent(_ run: inout JobRun, _ spec: VideoRequestSpec) async throws -> Bool {
        if let sent = run.progress.createSent {
            return try await adoptCreatedSession(&run, sent)
        }
        let waiting = try queue.counts().byState[.waitingVideo] ?? 0
        guard slots.tryAcquire(waiting: waiting, limit: options.videoConcurrency) else {
            try release(&run, to: .queued, after: .seconds(2), stage: Stage.waitingSlot)
            return false
        }
        defer { slots.release() }
        let callbackID = AgentCreation.callbackID(spec: spec, job: run.job.id.rawValue, run: run.progress.run)
        var fields = spec.extraFields
        fields["callback_id"] = .string(callbackID)
        let request = VideoAgentRequest(prompt: spec.prompt, assetIDs: run.progress.files.compactMap(\.assetID), extraFields: fields)
        let logger = run.logger(self.logger)
        let policy = options.retryPolicy
        var attempt = 0
        while true {
            attempt += 1
            // A claim that lost its lease (or a shutdown) sends nothing more.
            try LeaseGuard.checkHeld()
            let sent = JobProgress.CreateSent(callbackID: callbackID, at: Date())
            run.progress.createSent = sent
            try save(&run, stage: Stage.creatingVideo)
            run.attempts += 1
            let error: HeyGenError
            switch await createOnce(request) {
            case .success(let session):
                try adopt(&run, session, how: "video agent started")
                return true
            case .failure(let failure):
                error = failure
            }
            // Cut short by shutdown: "create sent" stays saved, and the next start looks for the session.
            try Task.checkCancellation()
            guard AgentCreation.provesNothingCreated(error) else {
                logger.warning("the Video Agent create may have been received (\(error)); looking for its session")
                return try await adoptCreatedSession(&run, sent)
            }
            run.progress.createSent = nil
            if error.category == .rateLimited {
                // The API's video limit: wait as long as it asks, rather than failing the job.
                let wait = error.retryAfter ?? .seconds(30)
                logger.notice("video limit reached; trying again in \(wait.components.seconds) s")
                try release(&run, to: .queued, after: wait, stage: Stage.waitingSlot, lastError: error.description)
                return false
            }
            try save(&run, stage: Stage.uploading)
            guard error.isRetryable, attempt < policy.maxAttempts else { throw error }
            let delay = policy.delay(afterAttempt: attempt, error: error)
            logger.notice("Video Agent create not sent (\(error)); trying again in \(Int(delay.seconds * 1000)) ms")
            try await Task.sleep(for: delay)
        }
    }

    /// One `POST /v3/video-agents`, its outcome as a value.
    private func createOnce(_ request: VideoAgentRequest) async -> Result<VideoAgentSession, HeyGenError> {
        do {
            return .success(try await heartbeat.remoteCall { () async throws(HeyGenError) -> VideoAgentSession in
                try await client.createVideoAgent(request)
            })
        } catch {
            return .failure(error)
        }
    }

    /// Finds the session of the create recorded in `sent` and adopts it; fails the job when there is none.
    private func adoptCreatedSession(_ run: inout JobRun, _ sent: JobProgress.CreateSent) async throws -> Bool {
        run.stage = Stage.reconcilingVideo
        let logger = run.logger(self.logger)
        switch await AgentCreation.reconcile(
            sent, jobID: run.job.id.rawValue, client: client, policy: options.retryPolicy, logger: logger)
        {
        case .adopt(let session):
            try adopt(&run, session, how: "adopted the session of a create whose answer was lost")
            return true
        case .fail(let message):
            run.progress.createSent = nil
            try await decide(&run, .failed, error: .init(code: .serverError, message: message))
            return false
        case .listFailed(let error) where error.isRetryable:
            try Task.checkCancellation()
            let wait = max(error.retryAfter ?? .zero, .seconds(30))
            logger.warning("cannot list the Video Agent sessions (\(error)); trying again in \(wait.components.seconds) s")
            try release(&run, to: .queued, after: wait, stage: Stage.reconcilingVideo, lastError: error.description)
            return false
        case .listFailed(let error):
            throw error
        }
    }

    /// Records `session` as the job's and saves it.
    private func adopt(_ run: inout JobRun, _ session: VideoAgentSession, how: String) throws {
        run.progress.createSent = nil
        run.progress.sessionID = session.sessionID
        run.progress.videoID = session.videoID
        run.progress.videoState = .init(status: session.status)
        run.logger(logger).info("\(how)", metadata: ["session": "\(session.sessionID)"])
        try save(&run, stage: Stage.waitingVideo)
    }

    // MARK: - Waiting for the video

    private func pollVideo(_ run: inout JobRun) async throws {
        guard let sessionID = run.progress.sessionID else {
            // Nothing to wait for: go back and create the session.
            try release(&run, to: .queued, after: .zero, stage: Stage.uploading)
            return
        }
        // Measured on the lease clock, so a step of the wall clock does not time every video out at once.
        let started = run.progress.waitStartedAt ?? leaseClock.now()
        run.progress.waitStartedAt = started
        if leaseClock.now().timeIntervalSince(started) > options.videoTimeout.seconds {
            let minutes = Int(options.videoTimeout.seconds / 60)
            try await decide(
                &run, .failed,
                error: .init(code: .videoTimeout, message: "no finished video after \(minutes) minutes of waiting"))
            return
        }
        var serverWait: Duration?
        do {
            if run.progress.videoID == nil {
                let session = try await heartbeat.remoteCall { () async throws(HeyGenError) -> VideoAgentSession in
                    try await client.videoAgentSession(id: sessionID)
                }
                run.progress.pollAuthFailures = nil
                run.progress.pollAuthFailingSince = nil
                if session.status == "failed" {
                    run.progress.videoState = .init(status: "failed")
                    try await decide(
                        &run, .failed, error: .init(code: .videoFailed, message: "the Video Agent session \(sessionID) failed"))
                    return
                }
                run.progress.videoID = session.videoID
                if run.progress.videoState?.status != "completed" {
                    run.progress.videoState = .init(status: session.status)
                }
            }
            if let videoID = run.progress.videoID {
                let video = try await heartbeat.remoteCall { () async throws(HeyGenError) -> VideoStatus in
                    try await client.video(id: videoID)
                }
                run.progress.pollAuthFailures = nil
                run.progress.pollAuthFailingSince = nil
                run.progress.videoState = .init(
                    status: video.status, videoURL: video.videoURL, thumbnailURL: video.thumbnailURL,
                    duration: video.duration, failureCode: video.failureCode, failureMessage: video.failureMessage)
                switch video.status {
                case "completed":
                    try await decide(&run, .succeeded, error: nil)
                    return
                case "failed":
                    let reason = video.failureMessage ?? video.failureCode ?? "no reason given"
                    try await decide(&run, .failed, error: .init(code: .videoFailed, message: "video \(videoID) failed: \(reason)"))
                    return
                default:
                    break
                }
            }
        } catch let error as HeyGenError where error.category == .unauthorized {
            // A refused key while the video is made may pass (a key rotation, a glitch): the video may still
            // complete, so ask again a few times over minutes before failing.
            let since = run.progress.pollAuthFailingSince ?? Date()
            let count = (run.progress.pollAuthFailures ?? 0) + 1
            if count >= Self.pollAuthFailureLimit || Date().timeIntervalSince(since) >= Self.pollAuthFailureWindow {
                var failure = try resultError(error)
                failure.message = "\(failure.message) (\(count) video polls in a row refused)"
                try await decide(&run, .failed, error: failure)
                return
            }
            run.progress.pollAuthFailures = count
            run.progress.pollAuthFailingSince = since
            run.logger(logger).warning("video poll refused (\(count) in a row); asking again: \(error)")
        } catch let error as HeyGenError where error.isRetryable || error.category == .notFound || error.httpStatus == 200 {
            // Sessions are known to 404 now and then, and a 200 can carry an error: wait and ask again.
            run.logger(logger).debug("video poll did not answer: \(error)")
            serverWait = error.retryAfter
        } catch let error as HeyGenError {
            try await decide(&run, .failed, error: resultError(error))
            return
        }
        let delay = run.progress.pollDelaySeconds ?? options.videoPollInitial.seconds
        run.progress.pollDelaySeconds = min(delay * 1.5, options.videoPollMax.seconds)
        // A Retry-After (at most 30 days, as the client reads it) is honoured by polling no sooner.
        let wait = max(Duration.seconds(delay), serverWait ?? .zero)
        try release(&run, to: .waitingVideo, after: wait, stage: Stage.waitingVideo)
    }

    /// Video polls in a row refused (401/403) before the job fails with `unauthorized`.
    static let pollAuthFailureLimit = 5
    /// How long, in seconds, video polls may keep being refused before the job fails with `unauthorized`.
    static let pollAuthFailureWindow: TimeInterval = 600

    // MARK: - Sidecars without a file

    private func checkOrphan(_ run: inout JobRun) async throws {
        let name = run.job.sourceName
        guard FileIO.kind("\(options.inbox)/\(name)") != nil else {
            // It moved with its file, or was taken away: nothing to report.
            try queue.delete(run.job.id)
            return
        }
        let target = DropRules.sidecarTarget(of: name)?.target ?? name
        let targetActive = try queue.activeJob(sourceName: target) != nil
        if targetActive || FileIO.exists("\(options.inbox)/\(target)") {
            try release(&run, to: .queued, after: options.orphanSidecarTimeout, stage: Stage.waitingFile)
            return
        }
        let minutes = max(1, Int((options.orphanSidecarTimeout.seconds / 60).rounded()))
        try await decide(
            &run, .failed,
            error: .init(code: .orphanSidecar, message: "\(name): its file \(target) did not arrive within \(minutes) minutes"))
    }

    // MARK: - Finishing

    /// Settles the job's outcome: builds the result, plans the moves, saves both, then completes.
    private func decide(_ run: inout JobRun, _ status: JobResult.Status, error: JobResult.ResultError?) async throws {
        // A request cut short by shutdown is no verdict on the job: leave it for the next start.
        try Task.checkCancellation()
        let name = run.job.sourceName
        let folder = status == .succeeded ? options.archive : options.failed
        let identities = try await identitiesToMove(&run)
        let moves = SourceMover.plan(
            main: name, identity: identities.main, companions: identities.companions, inbox: options.inbox, to: folder)
        let result = JobResult(
            jobID: "\(run.job.id.rawValue)",
            status: status,
            source: .init(
                name: name, kind: run.job.kind == JobKind.bundle ? .bundle : .file,
                movedTo: identities.mainInPlace ? moves[0].to : nil),
            assets: run.progress.files.map {
                JobResult.Asset(
                    name: $0.name, sha256: $0.inspected?.sha256, sizeBytes: $0.inspected?.sizeBytes,
                    mimeType: $0.mimeType ?? $0.inspected?.mediaType.mimeType, assetID: $0.assetID, url: $0.url,
                    reused: $0.reused)
            },
            videoAgent: run.progress.video.map { spec in
                let state = run.progress.videoState
                return JobResult.VideoAgent(
                    prompt: spec.prompt, sessionID: run.progress.sessionID, videoID: run.progress.videoID,
                    status: state?.status ?? "not_started", videoURL: state?.videoURL, thumbnailURL: state?.thumbnailURL,
                    duration: state?.duration, failureCode: state?.failureCode, failureMessage: state?.failureMessage)
            },
            error: error,
            attempts: run.attempts,
            createdAt: run.job.createdAt,
            finishedAt: Date())
        run.progress.finish = .init(result: result, moves: moves)
        try save(&run, stage: Stage.finishing)
        try await complete(&run)
    }

    /// Writes the decided result, moves the sources, and closes the job. Safe to repeat after a crash.
    private func complete(_ run: inout JobRun) async throws {
        guard var plan = run.progress.finish else { return }
        var leftInPlace: Set<String>?
        for _ in 0..<10 {
            try writer.write(plan.result)
            let moves = plan.moves
            if case .done(let left) = try await BlockingIO.run({ try SourceMover.execute(moves) }) {
                leftInPlace = left
                break
            }
            // Something took a destination name meanwhile: choose new names and rewrite the result.
            let folder = plan.result.status == .succeeded ? options.archive : options.failed
            let main = plan.moves[0]
            let companions = plan.moves.dropFirst().map { (name: ($0.from as NSString).lastPathComponent, identity: $0.identity) }
            plan.moves = SourceMover.plan(
                main: run.job.sourceName, identity: main.identity, companions: companions, inbox: options.inbox, to: folder)
            if plan.result.source.movedTo != nil { plan.result.source.movedTo = plan.moves[0].to }
            run.progress.finish = plan
            try save(&run, stage: Stage.finishing)
        }
        guard let leftInPlace else {
            throw FileIOError("cannot move the sources of \(run.job.sourceName): their destination names keep being taken")
        }
        let mainLeft = leftInPlace.contains(plan.moves[0].from)
        if mainLeft, plan.result.source.movedTo != nil {
            // Replaced or changed after the decision: it stays in the inbox, and the result says so.
            plan.result.source.movedTo = nil
            run.progress.finish = plan
            try save(&run, stage: Stage.finishing)
            try writer.write(plan.result)
        }
        // Sidecars that moved with their file no longer wait to be reported as orphans.
        for move in plan.moves.dropFirst() where !leftInPlace.contains(move.from) {
            let name = (move.from as NSString).lastPathComponent
            if let waiting = try queue.activeJob(sourceName: name), waiting.kind == JobKind.sidecar {
                try queue.delete(waiting.id)
            }
        }
        let state: JobState = plan.result.status == .succeeded ? .succeeded : .failed
        heartbeat.beat()
        try queue.finish(
            run.job.id, token: run.token, as: state, stage: nil, progress: run.progress.encoded(), attempts: run.attempts,
            lastError: plan.result.error.map { "\($0.code.rawValue): \($0.message)" })
        // Something under the same name that this job did not take (dropped, or changed, while it ran) gets a job of its own.
        try? await enqueueLeftover(&run, mainLeftInPlace: mainLeft)
        var metadata: Logger.Metadata = ["status": "\(plan.result.status.rawValue)"]
        if let error = plan.result.error { metadata["error"] = "\(error.code.rawValue)" }
        if let video = plan.result.videoAgent?.videoURL { metadata["video_url"] = "\(video)" }
        let level: Logger.Level = state == .succeeded ? .info : .warning
        run.logger(logger).log(level: level, "job finished\(plan.result.error.map { ": \($0.message)" } ?? "")", metadata: metadata)
    }

    // MARK: - Queue transitions

    func save(_ run: inout JobRun, stage: String) throws {
        run.stage = stage
        heartbeat.beat()
        try queue.save(run.job.id, token: run.token, stage: stage, progress: run.progress.encoded(), attempts: run.attempts)
    }

    func release(
        _ run: inout JobRun, to state: JobState, after delay: Duration, stage: String?, lastError: String? = nil
    ) throws {
        run.stage = stage
        let state: JobState = state == .waitingVideo ? .waitingVideo : .queued
        heartbeat.beat()
        try queue.release(
            run.job.id, token: run.token, to: state, nextAttemptAt: Date().addingTimeInterval(delay.seconds), stage: stage,
            progress: run.progress.encoded(), attempts: run.attempts, lastError: lastError)
    }

    /// The result's error for an API failure. One whose `Retry-After` is longer than a worker may wait is no
    /// verdict: it throws `ServerAskedToWait`, which hands the job back to the queue, due then.
    private func resultError(_ error: HeyGenError) throws(ServerAskedToWait) -> JobResult.ResultError {
        if let wait = options.retryPolicy.longWait(for: error) {
            throw ServerAskedToWait(wait: wait, error: error)
        }
        return .init(code: FailureCode(error), message: error.message, httpStatus: error.httpStatus, requestID: error.requestID)
    }
}

/// One job being worked on: the claimed record and what has been learned since.
struct JobRun {
    let job: Job
    var progress: JobProgress
    var attempts: Int
    var stage: String?
    /// The inbox folder's descriptor, once opened in this run.
    var inbox: InboxEntry?
    /// The file opened by this run's checks (a file job): its upload reads this descriptor.
    var openFile: InboxEntry?
    /// The bundle folder opened by this run's checks or uploads (a bundle job): members are opened through it.
    var bundle: InboxEntry?
    /// The lease token of the claim this run works under.
    let token: String
    /// When upload progress was last saved (saves during uploads are coalesced).
    var lastUploadSave: ContinuousClock.Instant?

    init(job: Job) {
        self.job = job
        self.token = job.leaseToken ?? ""
        self.progress = JobProgress.decode(job.progress)
        self.attempts = job.attempts
        self.stage = job.stage
    }

    /// The logger with this job's metadata.
    func logger(_ base: Logger) -> Logger {
        var logger = base
        logger[metadataKey: "job"] = "\(job.id.rawValue)"
        logger[metadataKey: "file"] = "\(job.sourceName)"
        return logger
    }
}

/// Thrown when a file changed between its checks and its upload, or while it was read: check it again.
struct SourceChanged: Error, Sendable {}

/// The kinds of job the daemon puts in the queue.
enum JobKind {
    /// A dropped regular file.
    static let file = "file"
    /// A dropped directory.
    static let bundle = "bundle"
    /// A sidecar waiting for its file; fails with `orphan_sidecar` when the file never comes.
    static let sidecar = "sidecar"
    /// An entry whose name is not valid UTF-8; its source name is the name's `NameRendering`. It fails as
    /// `rejected` and moves to failed/.
    static let unreadableName = "unreadable_name"
}

/// The stage labels shown by `jobs` and `status`.
enum Stage {
    static let uploading = "uploading"
    static let waitingSlot = "waiting_for_video_slot"
    static let waitingVideo = "waiting_for_video"
    static let waitingFile = "waiting_for_file"
    static let finishing = "finishing"
}

/// Counts API requests made by one retried call.
final class AttemptCounter: Sendable {
    private let count = Atomic<Int>(0)
    func increment() { count.add(1, ordering: .relaxed) }
    var value: Int { count.load(ordering: .relaxed) }
}
