import Foundation

/// What a job has learned so far, kept in the queue so that a resumed job continues where it stopped.
///
/// Stored as JSON in the job's `progress`, with the version of its layout. Records of version 1 (before the
/// version and the phase were stored) still decode: their phase is worked out from what they hold. A record
/// that cannot be decoded, or one of a newer version, is never taken for a fresh start (see `decode`).
package struct JobProgress: Sendable, Codable, Equatable {
    /// The layout version this build writes and reads.
    package static let currentVersion = 3
    /// The layout version of the record; nil in records of version 1.
    package var version: Int? = JobProgress.currentVersion
    /// The phase saved with the record; nil in records of version 1 (see `phase`).
    package var storedPhase: JobPhase?
    /// How many times an operator retried the job; part of the upload idempotency keys.
    package var run: Int = 0
    /// True once the local checks ran and `files` and `video` are filled in.
    package var checked: Bool = false
    /// The sidecars beside the source when it was checked: they move with it (later ones get their own job).
    package var sidecars: [String]?
    /// The identity of each sidecar in `sidecars` when it was checked: only that entry moves with the source.
    package var sidecarIdentities: [String: EntryIdentity]?
    /// The source's identity (the file, or the bundle folder) when it was checked: an entry under its name
    /// with another identity at upload time is checked again, and is never moved as this job's source.
    package var checkedIdentity: EntryIdentity?
    /// The files to upload, in order, with what is known of each.
    package var files: [FileProgress] = []
    /// The Video Agent request, when a sidecar asked for a video.
    package var video: VideoRequestSpec?
    /// Set, and saved, right before each `POST /v3/video-agents`; cleared once its outcome is known. Found set
    /// on a job without a session, it means a create may have been received: the session is looked up by its
    /// `callback_id` instead of creating another.
    package var createSent: CreateSent?
    /// The Video Agent session, once created.
    package var sessionID: String?
    /// The video, once the session names it.
    package var videoID: String?
    /// The last video state seen.
    package var videoState: VideoState?
    /// When the wait for the video began.
    package var waitStartedAt: Date?
    /// The current delay between polls, in seconds.
    package var pollDelaySeconds: Double?
    /// Video polls in a row answered 401/403, and when the first of them was; reset by any other answer.
    package var pollAuthFailures: Int?
    package var pollAuthFailingSince: Date?
    /// The video translation, when a `.translate.json` sidecar asked for one.
    package var translation: TranslationProgress?
    /// The files to download into the outbox and those done, once the video (or translation) is finished.
    package var downloads: DownloadProgress?
    /// The job's decided outcome, once known: written as the result, then the sources move.
    package var finish: FinishPlan?
    /// Until when the spend guard holds the job (phase `held`): the profile's cap frees then.
    package var heldUntil: Date?

    /// One file of the job.
    package struct FileProgress: Sendable, Codable, Equatable {
        package var name: String
        package var inspected: InspectedFile?
        package var assetID: String?
        package var url: String?
        package var mimeType: String?
        package var reused: Bool = false
        /// How the file's asset went up, once it has one (nil in records older than direct uploads).
        package var upload: UploadMethod?
        /// The direct upload under way for this file, from its begin until its asset is ready.
        package var direct: DirectUploadProgress?
        /// How many direct uploads were begun for this file in this run (bounded: see `Pipeline.maxDirectBegins`).
        package var directBegins: Int?
    }

    /// A Video Agent create that was sent: the `callback_id` it carried and when it was sent.
    package struct CreateSent: Sendable, Codable, Equatable {
        package var callbackID: String
        package var at: Date
    }

    /// The last thing the videos endpoint said.
    package struct VideoState: Sendable, Codable, Equatable {
        package var status: String
        package var videoURL: String?
        package var thumbnailURL: String?
        package var duration: Double?
        package var failureCode: String?
        package var failureMessage: String?
    }

    /// The decided outcome: the result to write and the moves to make.
    package struct FinishPlan: Sendable, Codable, Equatable {
        package var result: JobResult
        package var moves: [PlannedMove]
    }

    package enum CodingKeys: String, CodingKey {
        case version, storedPhase = "phase", run, checked, sidecars, sidecarIdentities, checkedIdentity, files, video
        case createSent, sessionID, videoID, videoState, waitStartedAt, pollDelaySeconds, pollAuthFailures
        case pollAuthFailingSince, finish, downloads, translation, heldUntil
    }

    /// Where the job is in its life: the saved phase, or, in a record of version 1, the phase its fields imply.
    package var phase: JobPhase {
        get { storedPhase ?? impliedPhase }
        set { storedPhase = newValue }
    }

    /// The phase the fields of a version 1 record imply.
    package var impliedPhase: JobPhase {
        if finish != nil { return .finishing }
        if sessionID != nil { return .waitingForVideo }
        if createSent != nil { return .creatingVideo }
        if !checked { return .checking }
        if video != nil, files.allSatisfy({ $0.assetID != nil }) { return .awaitingSlot }
        return .uploading
    }

    /// Decodes a job's stored progress; a job with none (nil or empty) starts fresh. A record that cannot be
    /// decoded, or was written by a newer version, throws: the job must fail, never start over (a restart can
    /// upload again and create, and bill, a second video).
    package static func decode(_ data: Data?) throws(ProgressUnreadable) -> JobProgress {
        guard let data, !data.isEmpty else { return JobProgress() }
        struct Header: Decodable { var version: Int? }
        let header: Header
        do {
            header = try JSONDecoder().decode(Header.self, from: data)
        } catch {
            throw ProgressUnreadable(reason: "it is damaged (not a progress record, \(data.count) bytes)")
        }
        if let version = header.version, version > currentVersion {
            throw ProgressUnreadable(
                reason: "it was written by a newer version of heygen-dropd (progress version \(version); this one reads up to \(currentVersion))")
        }
        do {
            return try JSONDecoder().decode(JobProgress.self, from: data)
        } catch {
            throw ProgressUnreadable(reason: "it is damaged (\(data.count) bytes)")
        }
    }

    /// The JSON stored in the queue.
    package func encoded() -> Data {
        (try? JSONEncoder().encode(self)) ?? Data()
    }
}

/// A job's saved progress that cannot be read: damaged, or written by a newer version.
extension JobProgress {
    /// The progress of a job that starts afresh as its `run`-th run.
    package init(run: Int) {
        self.init()
        self.run = run
    }
}

package struct ProgressUnreadable: Error, Sendable, Equatable, CustomStringConvertible {
    /// Why, in a few words.
    package var reason: String

    package var description: String { "the job's saved progress cannot be read: \(reason)" }
}
