import Foundation
import HeyGenAPI
import Logging
import SystemSupport

/// The video translation creates: the phases `awaitingSlot` and `creatingTranslation` of a translation job.
///
/// `POST /v3/video-translations` takes no Idempotency-Key. The daemon sends one create per output language,
/// each with a `callback_id` of its own (`hgd-JOB-RUN-RANDOM`, unless the sidecar gives one), and saves
/// "create sent" (with that language) before each; a failed create is repeated only when its failure proves
/// nothing was created. Any other failure, like a crash after sending, is settled by listing the account's
/// translations with that `callback_id` since the create was sent, leaving out those the job already knows:
/// exactly one is adopted as that language's; none (or several) fail the job with a message saying what to
/// check. So a translation is never created (and billed) twice, and each one is known to be of its language.
extension Pipeline {
    /// Creates the translations of the languages that have none yet, one create each, or adopts the one a
    /// create already sent made. Ends in `translationsKnown`, in `putBack` (no free slot, the rate limit, the
    /// list unreadable) or in a verdict.
    func createTranslation(_ run: inout JobRun) async throws -> JobLifecycle.Action {
        guard let translation = run.progress.translation else {
            throw LifecycleViolation(message: "a translation create for a job that asked for none")
        }
        if let sent = translation.createSent {
            _ = try enter(&run, .translationCreateSent)
            if let verdict = try await adoptTranslation(&run, sent) { return verdict }
        }
        guard let assetID = run.progress.files.first?.assetID else {
            throw LifecycleViolation(message: "a translation create before the video was uploaded")
        }
        guard run.progress.translation?.languages.contains(where: { $0.id == nil }) == true else {
            return try await translationsKnown(&run)
        }
        // The spend guard counts each language still to create against the profile's cap.
        let pending = run.progress.translation?.languages.filter { $0.id == nil }.count ?? 0
        if let cap = profile(of: run).maxVideosPerDay,
            let until = try await spendGuard(&run, cap: cap, units: pending, step: Self.translationSpendStep)
        {
            run.progress.heldUntil = until
            return try enter(&run, .spendCapReached)
        }
        // One video slot for the job's translations, counted in the queue like a Video Agent create's.
        guard
            let slot = try await queue.acquireVideoSlot(
                owner: owner, limit: options.videoConcurrency, lease: options.lease * 5, now: Date())
        else {
            try await release(&run, to: .queued, after: .seconds(2), stage: .waitingSlot)
            return try enter(&run, .putBack)
        }
        do {
            while let index = run.progress.translation?.languages.firstIndex(where: { $0.id == nil }) {
                if let stop = try await createOne(&run, index, assetID: assetID) {
                    try? await queue.releaseVideoSlot(slot)
                    return stop
                }
            }
        } catch {
            try? await queue.releaseVideoSlot(slot)
            if run.progress.translation?.languages.allSatisfy({ $0.id == nil }) == true, !(error is CancellationError) {
                // Refused before any language was made: nothing counts against the spend guard.
                try? await queue.releaseSpend(job: run.job.id, run: run.progress.run, step: Self.translationSpendStep)
            }
            throw error
        }
        try? await queue.releaseVideoSlot(slot)
        return try await translationsKnown(&run)
    }

    /// Creates the translation of language `index`; nil once it is known, else the action the job goes on
    /// with (handed back, or a verdict).
    private func createOne(_ run: inout JobRun, _ index: Int, assetID: String) async throws -> JobLifecycle.Action? {
        guard let translation = run.progress.translation else { return nil }
        let language = translation.languages[index].name
        let callbackID = Self.translationCallbackID(translation.spec, job: run.job.id.rawValue, run: run.progress.run)
        let request = VideoTranslationRequest(
            videoAssetID: assetID, outputLanguages: [language], callbackID: callbackID, extraFields: translation.spec.extraFields)
        let logger = run.logger(self.logger)
        let policy = options.retryPolicy
        let client = self.client
        var attempt = 0
        while true {
            attempt += 1
            try LeaseGuard.checkHeld()
            let sent = JobProgress.CreateSent(callbackID: callbackID, at: Date())
            run.progress.translation?.createSent = sent
            run.progress.translation?.createSentLanguage = language
            _ = try enter(&run, .translationCreateSent)
            try await save(&run, stage: .creatingTranslation)
            run.attempts += 1
            let outcome: Result<[String], HeyGenError>
            do {
                outcome = .success(try await remote { () async throws(HeyGenError) -> [String] in
                    try await client.createVideoTranslation(request)
                })
            } catch let error as HeyGenError {
                outcome = .failure(error)
            }
            let error: HeyGenError
            switch outcome {
            case .success(let ids):
                run.progress.translation?.languages[index].id = ids.first
                run.progress.translation?.languages[index].status = "pending"
                run.progress.translation?.createSent = nil
                run.progress.translation?.createSentLanguage = nil
                logger.info("translation started", metadata: ["language": "\(language)", "translation": "\(ids.first ?? "-")"])
                try await save(&run, stage: .creatingTranslation)
                return nil
            case .failure(let failure):
                error = failure
            }
            guard AgentCreation.provesNothingCreated(error) else {
                logger.warning("the translation create may have been received (\(error)); looking for its translation")
                return try await adoptTranslation(&run, sent)
            }
            run.progress.translation?.createSent = nil
            run.progress.translation?.createSentLanguage = nil
            _ = try enter(&run, .translationCreateNotReceived)
            if error.category == .rateLimited {
                let wait = error.retryAfter ?? .seconds(30)
                logger.notice("video limit reached; trying the translation again in \(wait.components.seconds) s")
                try await release(&run, to: .queued, after: wait, stage: .waitingSlot, lastError: error.description)
                return try enter(&run, .putBack)
            }
            try await save(&run, stage: .uploading)
            guard error.isRetryable, attempt < policy.maxAttempts else { throw error }
            let delay = policy.delay(afterAttempt: attempt, error: error)
            logger.notice("translation create not sent (\(error)); trying again in \(Int(delay.seconds * 1000)) ms")
            try await Task.sleep(for: delay)
        }
    }

    /// The `callback_id` a translation create carries: the sidecar's, else `hgd-<job>-<run>-<8 hex digits>`.
    static func translationCallbackID(_ spec: TranslationRequestSpec, job: Int64, run: Int) -> String {
        if let given = spec.extraFields["callback_id"]?.stringValue, !given.isEmpty { return given }
        let random = String(UInt32.random(in: .min ... .max), radix: 16)
        return "hgd-\(job)-\(run)-" + String(repeating: "0", count: 8 - random.count) + random
    }

    /// Finds the translation made by the create recorded in `sent` (one the job does not know yet) and adopts
    /// it as its language's. Nil once adopted (the creates go on); else the action: handed back while the
    /// list cannot be read, or the verdict when there is not exactly one to adopt.
    private func adoptTranslation(_ run: inout JobRun, _ sent: JobProgress.CreateSent) async throws -> JobLifecycle.Action? {
        run.stage = JobStage.creatingTranslation.rawValue
        let logger = run.logger(self.logger)
        let language = run.progress.translation?.createSentLanguage
        let known = Set(run.progress.translation?.languages.compactMap(\.id) ?? [])
        let found: [VideoTranslation]
        do {
            found = try await client.videoTranslations(callbackID: sent.callbackID, since: sent.at, policy: options.retryPolicy)
        } catch {
            if error.isCancellation || Task.isCancelled { throw CancellationError() }
            guard error.isRetryable else { throw error }
            let wait = max(error.retryAfter ?? .zero, .seconds(30))
            logger.warning("cannot list the translations (\(error)); trying again in \(wait.components.seconds) s")
            try await release(&run, to: .queued, after: wait, stage: .creatingTranslation, lastError: error.description)
            return try enter(&run, .putBack)
        }
        let candidates = found.filter { !known.contains($0.id) }
        guard candidates.count == 1, let language,
            let index = run.progress.translation?.languages.firstIndex(where: { $0.name == language && $0.id == nil })
        else {
            run.progress.translation?.createSent = nil
            run.progress.translation?.createSentLanguage = nil
            let ids = candidates.map(\.id).joined(separator: ", ")
            let message =
                "a translation create into \(language ?? "a language") (callback_id \(sent.callbackID), sent "
                + "\(Timestamp.rfc3339(sent.at))) got no usable answer and the account lists \(candidates.count) other "
                + "translations with that callback_id\(candidates.isEmpty ? "" : " (\(ids))"): check the HeyGen account's "
                + "translations, then run `heygen-dropd retry \(run.job.id.rawValue)` to create it again if none exists"
            return try enter(&run, .verdict(.failed, .init(code: .serverError, message: message)))
        }
        run.progress.translation?.languages[index].id = candidates[0].id
        run.progress.translation?.languages[index].update(from: candidates[0])
        run.progress.translation?.createSent = nil
        run.progress.translation?.createSentLanguage = nil
        logger.info(
            "adopted the translation of a create whose answer was lost",
            metadata: ["language": "\(language)", "translation": "\(candidates[0].id)"])
        try await save(&run, stage: .creatingTranslation)
        return nil
    }

    /// Saves the known translations; ends in `translationsKnown`.
    private func translationsKnown(_ run: inout JobRun) async throws -> JobLifecycle.Action {
        let next = try enter(&run, .translationsKnown)
        try await save(&run, stage: .waitingTranslation)
        return next
    }

    /// Hands a job whose translations exist to the poller, due after the current poll delay.
    func handTranslationToPoller(_ run: inout JobRun) async throws {
        let started = run.progress.translation?.waitStartedAt ?? leaseClock.now()
        run.progress.translation?.waitStartedAt = started
        let delay = run.progress.translation?.pollDelaySeconds ?? options.videoPollInitial.seconds
        run.progress.translation?.pollDelaySeconds = delay
        try await release(&run, to: .waitingVideo, after: .seconds(delay), stage: .waitingTranslation)
    }
}
