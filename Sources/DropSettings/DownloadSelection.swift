/// Which of the files HeyGen made are downloaded into the outbox (the `download` setting).
public enum DownloadSelection: String, Sendable, Codable, CaseIterable {
    /// The video only (for a translation, each translated video): the default.
    case video
    /// Everything HeyGen names: the video, the captioned video, the subtitles and the thumbnail (for a
    /// translation, its video and its captions).
    case all
    /// Nothing: the result carries the (expiring) links only.
    case none
}
