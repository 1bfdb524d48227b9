import DropQueue
import Foundation
import HeyGenAPI
import Logging
import SystemSupport

/// The Video Agent create: the phases `awaitingSlot` and `creatingVideo`.
extension Pipeline {
    /// Creates the Video Agent session, or adopts the one an earlier attempt made (a retried job that already
    /// has its session, its downloads having failed, goes straight back to waiting). Ends in `sessionKnown`, in
    /// `putBack` (no free slot, the rate limit, the session list unreadable) or in a verdict.
    ///
    /// The create has no Idempotency-Key: "create sent" (with the job's `callback_id`) is saved before every
    /// request, a failed request is repeated only when its failure proves nothing was created, and any other
    /// failure, like a crash after sending, is settled by finding the session by its `callback_id`.
    func createVideo(_ run: inout JobRun) async throws -> JobLifecycle.Action {
        guard run.progress.video != nil else {
            throw LifecycleViolation(message: "a Video Agent create for a job that asked for no video")
        }
        if run.progress.sessionID != nil {
            // A retried job whose video was made before (its downloads failed): the video is not made again.
            let next = try enter(&run, .sessionKnown)
            try await save(&run, stage: .waitingVideo)
            return next
        }
        if let sent = run.progress.createSent {
            // A create was sent (perhaps before the sources were checked again): its session is adopted.
            _ = try enter(&run, .createSent)
            return try await adoptCreatedSession(&run, sent)
        }
        // The slot is counted in the queue: across hosts when the queue is shared. It ends by itself five
        // leases after it was taken, should this process die while creating.
        guard
            let slot = try await queue.acquireVideoSlot(
                owner: owner, limit: options.videoConcurrency, lease: options.lease * 5, now: Date())
        else {
            try await release(&run, to: .queued, after: .seconds(2), stage: .waitingSlot)
            return try enter(&run, .putBack)
        }
        let action: JobLifecycle.Action
        do {
            action = try await createVideo(&run, holding: slot)
        } catch {
            try? await queue.releaseVideoSlot(slot)
            throw error
        }
        try? await queue.releaseVideoSlot(slot)
        return action
    }

    /// The create itself, while `slot` is held.
    private func createVideo(_ run: inout JobRun, holding slot: VideoSlot) async throws -> JobLifecycle.Action {
        guard let spec = run.progress.video else {
            throw LifecycleViolation(message: "a Video Agent create for a job that asked for no video")
        }
        if let cap = profile(of: run).maxVideosPerDay, let until = try await spendGuard(&run, cap: cap, units: 1) {
            run.progress.heldUntil = until
            return try enter(&run, .spendCapReached)
        }
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
            _ = try enter(&run, .createSent)
            try await save(&run, stage: .creatingVideo)
            run.attempts += 1
            let error: HeyGenError
            // Cut short by shutdown, this throws `CancellationError`: "create sent" stays saved, and the next
            // start looks for the session.
            switch try await createOnce(request) {
            case .success(let session):
                return try await adopt(&run, session, how: "video agent started")
            case .failure(let failure):
                error = failure
            }
            guard AgentCreation.provesNothingCreated(error) else {
                logger.warning("the Video Agent create may have been received (\(error)); looking for its session")
                return try await adoptCreatedSession(&run, sent)
            }
            run.progress.createSent = nil
            _ = try enter(&run, .createNotReceived)
            if error.category == .rateLimited {
                // The API's video limit: wait as long as it asks, rather than failing the job.
                let wait = error.retryAfter ?? .seconds(30)
                logger.notice("video limit reached; trying again in \(wait.components.seconds) s")
                try await release(&run, to: .queued, after: wait, stage: .waitingSlot, lastError: error.description)
                return try enter(&run, .putBack)
            }
            try await save(&run, stage: .uploading)
            guard error.isRetryable, attempt < policy.maxAttempts else {
                // Refused: nothing was made, so nothing counts against the spend guard.
                try? await queue.releaseSpend(job: run.job.id, run: run.progress.run, step: Self.videoSpendStep)
                throw error
            }
            let delay = policy.delay(afterAttempt: attempt, error: error)
            logger.notice("Video Agent create not sent (\(error)); trying again in \(Int(delay.seconds * 1000)) ms")
            try await Task.sleep(for: delay)
        }
    }

    /// One `POST /v3/video-agents`, its outcome as a value; cancellation throws `CancellationError`.
    private func createOnce(_ request: VideoAgentRequest) async throws(CancellationError) -> Result<VideoAgentSession, HeyGenError> {
        do {
            return .success(try await remote { () async throws(HeyGenError) -> VideoAgentSession in
                try await client.createVideoAgent(request)
            })
        } catch let error as HeyGenError {
            return .failure(error)
        } catch {
            throw CancellationError()
        }
    }

    /// Finds the session of the create recorded in `sent` and adopts it; fails the job when there is none.
    private func adoptCreatedSession(_ run: inout JobRun, _ sent: JobProgress.CreateSent) async throws -> JobLifecycle.Action {
        run.stage = JobStage.reconcilingVideo.rawValue
        let logger = run.logger(self.logger)
        switch try await AgentCreation.reconcile(
            sent, jobID: run.job.id.rawValue, client: client, policy: options.retryPolicy, logger: logger)
        {
        case .adopt(let session):
            return try await adopt(&run, session, how: "adopted the session of a create whose answer was lost")
        case .fail(let message):
            run.progress.createSent = nil
            return try enter(&run, .verdict(.failed, .init(code: .serverError, message: message)))
        case .listFailed(let error) where error.isRetryable:
            try Task.checkCancellation()
            let wait = max(error.retryAfter ?? .zero, .seconds(30))
            logger.warning("cannot list the Video Agent sessions (\(error)); trying again in \(wait.components.seconds) s")
            try await release(&run, to: .queued, after: wait, stage: .reconcilingVideo, lastError: error.description)
            return try enter(&run, .putBack)
        case .listFailed(let error):
            throw error
        }
    }

    /// Records `session` as the job's and saves it; ends in `sessionKnown`.
    private func adopt(_ run: inout JobRun, _ session: VideoAgentSession, how: String) async throws -> JobLifecycle.Action {
        run.progress.createSent = nil
        run.progress.sessionID = session.sessionID
        run.progress.videoID = session.videoID
        run.progress.videoState = .init(status: session.status)
        run.logger(logger).info("\(how)", metadata: ["session": "\(session.sessionID)"])
        let next = try enter(&run, .sessionKnown)
        try await save(&run, stage: .waitingVideo)
        return next
    }

    /// Hands a job whose session exists to the poller, due after the current poll delay.
    func handToPoller(_ run: inout JobRun) async throws {
        run.progress.waitStartedAt = run.progress.waitStartedAt ?? leaseClock.now()
        let delay = run.progress.pollDelaySeconds ?? options.videoPollInitial.seconds
        run.progress.pollDelaySeconds = delay
        try await release(&run, to: .waitingVideo, after: .seconds(delay), stage: .waitingVideo)
    }
}
