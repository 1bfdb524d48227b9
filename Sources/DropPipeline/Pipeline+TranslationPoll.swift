import Foundation
import HeyGenAPI
import Logging
import SystemSupport

/// The wait for the translations: the phase `waitingForTranslation`.
extension Pipeline {
    /// Asks after the translations not finished yet, once: with several waiting, through the bulk statuses
    /// (then `GET` for those that finished, for their links); with one, its `GET`. Once all are finished, ends
    /// in `outputsReady` (files to download) or in the verdict; otherwise in `putBack`, due after the poll delay.
    func pollTranslation(_ run: inout JobRun) async throws -> JobLifecycle.Action {
        guard let translation = run.progress.translation else {
            throw LifecycleViolation(message: "waiting for the translations of a job without any")
        }
        let started = translation.waitStartedAt ?? leaseClock.now()
        run.progress.translation?.waitStartedAt = started
        if leaseClock.now().timeIntervalSince(started) > options.videoTimeout.seconds {
            let minutes = Int(options.videoTimeout.seconds / 60)
            return try enter(
                &run, .verdict(.failed, .init(code: .videoTimeout, message: "no finished translations after \(minutes) minutes of waiting")))
        }
        let waiting = translation.languages.filter { $0.id != nil && !$0.isFinished }.compactMap(\.id)
        let client = self.client
        var serverWait: Duration?
        do {
            var toFetch = waiting
            if waiting.count > 1 {
                let page = try await remote { () async throws(HeyGenError) -> BulkVideoStatusPage in
                    try await client.videoTranslationStatuses(ids: waiting)
                }
                let finished = Set(page.statuses.filter { $0.status == "completed" || $0.status == "failed" }.map(\.id))
                for status in page.statuses where !finished.contains(status.id) {
                    if let index = run.progress.translation?.languages.firstIndex(where: { $0.id == status.id }) {
                        run.progress.translation?.languages[index].status = status.status
                    }
                }
                toFetch = waiting.filter(finished.contains)
            }
            for id in toFetch {
                let state = try await remote { () async throws(HeyGenError) -> VideoTranslation in
                    try await client.videoTranslation(id: id)
                }
                translationRefreshed(&run, state)
            }
        } catch let error as HeyGenError where error.isRetryable || error.category == .notFound || error.httpStatus == 200 {
            run.logger(logger).debug("translation poll did not answer: \(error)")
            serverWait = error.retryAfter
        } catch let error as HeyGenError {
            return try enter(&run, .verdict(.failed, try resultError(error)))
        }
        if run.progress.translation?.languages.allSatisfy(\.isFinished) == true {
            return try translationsFinished(&run)
        }
        let delay = run.progress.translation?.pollDelaySeconds ?? options.videoPollInitial.seconds
        run.progress.translation?.pollDelaySeconds = min(delay * 1.5, options.videoPollMax.seconds)
        let wait = max(Duration.seconds(delay), serverWait ?? .zero)
        try await release(&run, to: .waitingVideo, after: wait, stage: .waitingTranslation)
        return try enter(&run, .putBack)
    }

    /// Keeps what a fresh answer for a translation says (its state and links) for the downloads and the result.
    func translationRefreshed(_ run: inout JobRun, _ translation: VideoTranslation) {
        guard let index = run.progress.translation?.languages.firstIndex(where: { $0.id == translation.id }) else { return }
        run.progress.translation?.languages[index].update(from: translation)
    }

    /// Every translation ended: plans the downloads of the completed ones (those not already downloaded by
    /// an earlier run) and the outcome, `translation_failed` when any language failed.
    private func translationsFinished(_ run: inout JobRun) throws -> JobLifecycle.Action {
        let languages = run.progress.translation?.languages ?? []
        let failed = languages.filter { $0.status != "completed" }
        var outcome: JobResult.ResultError?
        if !failed.isEmpty {
            let list = failed.map { "\($0.name) (\($0.failureMessage ?? $0.status))" }.joined(separator: ", ")
            outcome = .init(
                code: .translationFailed,
                message: "\(failed.count) of \(languages.count) translations failed: \(list); `heygen-dropd retry "
                    + "\(run.job.id.rawValue)` makes only the failed ones again")
        }
        var plan = run.progress.downloads ?? DownloadProgress(items: [])
        let present = Set(plan.items.compactMap(\.translationID))
        for language in languages where language.status == "completed" {
            guard let id = language.id, !present.contains(id) else { continue }
            plan.items += DownloadProgress.items(for: language.asTranslation, code: language.fileTag, selection: profile(of: run).download)
        }
        plan.outcome = outcome
        guard plan.items.contains(where: { $0.done == nil }) else {
            run.progress.downloads = plan.items.isEmpty ? nil : plan
            return try enter(&run, .verdict(outcome == nil ? .succeeded : .failed, outcome))
        }
        run.progress.downloads = plan
        return try enter(&run, .outputsReady)
    }
}
