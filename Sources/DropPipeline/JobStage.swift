/// The stage labels shown by `jobs` and `status`; the raw values are what the queue stores in `stage`.
package enum JobStage: String, Sendable, Codable, CaseIterable, CustomStringConvertible {
    /// Being checked or uploaded.
    case uploading
    /// Waiting for a free Video Agent slot (or for the API's video limit).
    case waitingSlot = "waiting_for_video_slot"
    /// Held by the spend guard (`max_videos_per_day`) until the window frees; due then.
    case held = "held"
    /// A Video Agent create is being sent.
    case creatingVideo = "creating_video"
    /// Looking for the session of a create whose answer was lost.
    case reconcilingVideo = "reconciling_video"
    /// The video is being made; the poller asks after it.
    case waitingVideo = "waiting_for_video"
    /// A video translation create is being sent (or its translations looked up).
    case creatingTranslation = "creating_translation"
    /// The translations are being made; the poller asks after them.
    case waitingTranslation = "waiting_for_translation"
    /// What HeyGen made is being downloaded into the outbox.
    case downloading
    /// A download waits for free space in the outbox.
    case waitingForSpace = "waiting_for_disk_space"
    /// A sidecar waiting for its file.
    case waitingFile = "waiting_for_file"
    /// The outcome is decided: the result is written and the sources moved.
    case finishing

    /// The stored label.
    package var description: String { rawValue }
}
