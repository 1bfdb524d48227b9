/// Where a job is in its life. `queued` and `waitingVideo` are active (at most one active job per source
/// name); `succeeded` and `failed` are terminal.
public enum JobState: String, Sendable, Codable, CaseIterable {
    /// Waiting for a worker: new, in retry backoff, or resumed after a restart.
    case queued
    /// Uploaded and the Video Agent session created; picked up by the video poller.
    case waitingVideo = "waiting_video"
    /// Finished well (terminal).
    case succeeded
    /// Finished badly (terminal); the operator may `retry` it.
    case failed

    /// True for `succeeded` and `failed`.
    public var isTerminal: Bool { self == .succeeded || self == .failed }

    /// True for `queued` and `waitingVideo`.
    public var isActive: Bool { !isTerminal }
}
