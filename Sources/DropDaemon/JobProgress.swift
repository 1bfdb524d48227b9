import Foundation

/// What a job has learned so far, kept in the queue so that a resumed job continues where it stopped.
///
/// Stored as JSON in the job's `progress`; every field is optional or defaulted so older records still decode.
struct JobProgress: Sendable, Codable, Equatable {
    /// How many times an operator retried the job; part of the upload idempotency keys.
    var run: Int = 0
    /// True once the local checks ran and `files` and `video` are filled in.
    var checked: Bool = false
    /// The sidecars beside the source when it was checked: they move with it (later ones get their own job).
    var sidecars: [String]?
    /// The identity of each sidecar in `sidecars` when it was checked: only that entry moves with the source.
    var sidecarIdentities: [String: EntryIdentity]?
    /// The source's identity (the file, or the bundle folder) when it was checked: an entry under its name
    /// with another identity at upload time is checked again, and is never moved as this job's source.
    var checkedIdentity: EntryIdentity?
    /// The files to upload, in order, with what is known of each.
    var files: [FileProgress] = []
    /// The Video Agent request, when a sidecar asked for a video.
    var video: VideoRequestSpec?
    /// Set, and saved, right before each `POST /v3/video-agents`; cleared once its outcome is known. Found set
    /// on a job without a session, it means a create may have been received: the session is looked up by its
    /// `callback_id` instead of creating another.
    var createSent: CreateSent?
    /// The Video Agent session, once created.
    var sessionID: String?
    /// The video, once the session names it.
    var videoID: String?
    /// The last video state seen.
    var videoState: VideoState?
    /// When the wait for the video began.
    var waitStartedAt: Date?
    /// The current delay between polls, in seconds.
    var pollDelaySeconds: Double?
    /// Video polls in a row answered 401/403, and when the first of them was; reset by any other answer.
    var pollAuthFailures: Int?
    var pollAuthFailingSince: Date?
    /// The job's decided outcome, once known: written as the result, then the sources move.
    var finish: FinishPlan?

    /// One file of the job.
    struct FileProgress: Sendable, Codable, Equatable {
        var name: String
        var inspected: InspectedFile?
        var assetID: String?
        var url: String?
        var mimeType: String?
        var reused: Bool = false
    }

    /// A Video Agent create that was sent: the `callback_id` it carried and when it was sent.
    struct CreateSent: Sendable, Codable, Equatable {
        var callbackID: String
        var at: Date
    }

    /// The last thing the videos endpoint said.
    struct VideoState: Sendable, Codable, Equatable {
        var status: String
        var videoURL: String?
        var thumbnailURL: String?
        var duration: Double?
        var failureCode: String?
        var failureMessage: String?
    }

    /// The decided outcome: the result to write and the moves to make.
    struct FinishPlan: Sendable, Codable, Equatable {
        var result: JobResult
        var moves: [PlannedMove]
    }

    /// Decodes a job's stored progress; a job with none starts fresh.
    static func decode(_ data: Data?) -> JobProgress {
        guard let data, let progress = try? JSONDecoder().decode(JobProgress.self, from: data) else {
            return JobProgress()
        }
        return progress
    }

    /// The JSON stored in the queue.
    func encoded() -> Data {
        (try? JSONEncoder().encode(self)) ?? Data()
    }
}
