import Foundation
import HeyGenAPI

/// What a translation job has learned (`JobProgress.translation`): the request, the create that was sent,
/// and each output language's translation and state.
package struct TranslationProgress: Sendable, Codable, Equatable {
    /// The sidecar's request.
    package var spec: TranslationRequestSpec
    /// Set, and saved, right before each `POST /v3/video-translations` (one per language); cleared once its
    /// outcome is known. Found set, a create may have been received: the translation is looked up by its
    /// `callback_id` instead of creating it again.
    package var createSent: JobProgress.CreateSent?
    /// The language of the create in `createSent`.
    package var createSentLanguage: String?
    /// One entry per output language, in the sidecar's order.
    package var languages: [Language]
    /// When the wait for the translations began.
    package var waitStartedAt: Date?
    /// The current delay between polls, in seconds.
    package var pollDelaySeconds: Double?

    /// One output language.
    package struct Language: Sendable, Codable, Equatable {
        /// As the sidecar named it.
        package var name: String
        /// The translation's id, once created.
        package var id: String?
        /// The last status seen: `not_started`, then the API's (`pending`, `running`, `completed`, `failed`).
        package var status: String = "not_started"
        /// The API's code for the language (`es-ES`), once reported.
        package var code: String?
        /// The translated video's link, once completed.
        package var videoURL: String?
        /// The SubRip captions' link, when offered.
        package var srtURL: String?
        /// The WebVTT captions' link, when offered.
        package var vttURL: String?
        /// Why it failed, when it did.
        package var failureMessage: String?

        /// Whether the translation ended (completed or failed).
        package var isFinished: Bool { status == "completed" || status == "failed" }

        /// Takes what `translation` reports.
        package mutating func update(from translation: VideoTranslation) {
            status = translation.status
            code = translation.outputLanguage ?? code
            videoURL = translation.videoURL ?? videoURL
            srtURL = translation.srtCaptionURL ?? srtURL
            vttURL = translation.vttCaptionURL ?? vttURL
            failureMessage = translation.failureMessage ?? failureMessage
        }

        /// The state as a `VideoTranslation`, for the download plan.
        package var asTranslation: VideoTranslation {
            VideoTranslation(
                id: id ?? "", status: status, outputLanguage: code, videoURL: videoURL, srtCaptionURL: srtURL,
                vttCaptionURL: vttURL, failureMessage: failureMessage)
        }

        /// The name part of its files (`talk.mp4.es-ES.mp4`): the API's code, else the name made safe for a
        /// file name.
        package var fileTag: String {
            if let code, !code.isEmpty, code.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) { return code }
            return String(name.map { $0.isLetter || $0.isNumber || $0 == "-" ? $0 : "_" }.prefix(40))
        }
    }

    /// A fresh record for `spec`, keeping from `earlier` (the same job checked again, or retried) what it
    /// knows of the languages asked again (their translations are never created twice) and a create sent.
    package init(spec: TranslationRequestSpec, keeping earlier: TranslationProgress?) {
        self.spec = spec
        self.createSent = earlier?.createSent
        self.createSentLanguage = earlier?.createSentLanguage
        self.languages = spec.outputLanguages.map { name in
            earlier?.languages.first { $0.name == name && $0.id != nil } ?? Language(name: name)
        }
    }

    /// The same record for a retried job: only the completed languages are kept (with their downloads, see
    /// `JobProgress.retried()`); the failed ones are created again.
    package func keepingCompleted() -> TranslationProgress {
        var kept = self
        kept.createSent = nil
        kept.createSentLanguage = nil
        kept.languages = languages.filter { $0.status == "completed" }
        kept.waitStartedAt = nil
        kept.pollDelaySeconds = nil
        return kept
    }

    /// The result's `translations[]`, each with the files downloaded for it.
    package func resultEntries(downloads: DownloadProgress?) -> [JobResult.Translation] {
        languages.map { language in
            let files = (downloads?.items ?? []).filter { $0.translationID != nil && $0.translationID == language.id }.compactMap(\.done)
            return JobResult.Translation(
                language: language.name, outputLanguage: language.code, videoTranslationID: language.id,
                status: language.status, videoURL: language.videoURL, failureMessage: language.failureMessage, downloads: files)
        }
    }
}

extension JobProgress {
    /// The progress a job starts with when an operator retries it: fresh (a new run), except that a
    /// translation keeps its completed languages and their downloads, so `retry` redoes only the failed ones,
    /// and a job that failed only in its downloads keeps its Video Agent session and video (the video is
    /// asked after again for fresh links and downloaded, never made and billed a second time).
    package func retried() -> JobProgress {
        var fresh = JobProgress(run: run + 1)
        if finish?.result.error?.code == .downloadFailed, let sessionID, let videoID {
            fresh.video = video
            fresh.sessionID = sessionID
            fresh.videoID = videoID
        }
        if let translation {
            fresh.translation = translation.keepingCompleted()
            let kept = Set(fresh.translation?.languages.compactMap(\.id) ?? [])
            if var downloads {
                downloads.items = downloads.items.filter { $0.done != nil && $0.translationID.map(kept.contains) == true }
                downloads.outcome = nil
                downloads.diskFullSince = nil
                downloads.diskFullWaits = nil
                fresh.downloads = downloads.items.isEmpty ? nil : downloads
            }
        }
        return fresh
    }
}
