import Foundation

/// A video's state as `GET /v3/videos/{id}` reports it. Every field but the id and status may be absent.
public struct VideoStatus: Sendable, Equatable {
    /// The video's id.
    public var videoID: String
    /// `pending`, `processing`, `completed` or `failed` (kept as sent).
    public var status: String
    /// Where the finished video is served (presigned, expiring), when known.
    public var videoURL: String?
    /// Where its thumbnail is served, when known.
    public var thumbnailURL: String?
    /// Its length in seconds, when known.
    public var duration: Double?
    /// Why it failed, when it did and the API says.
    public var failureCode: String?
    /// A human explanation of the failure, when given.
    public var failureMessage: String?
    /// Where the video with burnt-in captions is served (presigned, expiring), when known.
    public var captionedVideoURL: String?
    /// Where its subtitles are served as SubRip (presigned, expiring), when known.
    public var subtitleURL: String?
    /// Where an animated GIF preview is served, when known.
    public var gifURL: String?
    /// The video's page on HeyGen, when known.
    public var videoPageURL: String?
    /// When the video was finished (`completed_at`, Unix seconds), when reported.
    public var completedAt: Date?

    /// Creates a video description.
    public init(
        videoID: String, status: String, videoURL: String? = nil, thumbnailURL: String? = nil,
        duration: Double? = nil, failureCode: String? = nil, failureMessage: String? = nil,
        captionedVideoURL: String? = nil, subtitleURL: String? = nil, gifURL: String? = nil,
        videoPageURL: String? = nil, completedAt: Date? = nil
    ) {
        self.videoID = videoID
        self.status = status
        self.videoURL = videoURL
        self.thumbnailURL = thumbnailURL
        self.duration = duration
        self.failureCode = failureCode
        self.failureMessage = failureMessage
        self.captionedVideoURL = captionedVideoURL
        self.subtitleURL = subtitleURL
        self.gifURL = gifURL
        self.videoPageURL = videoPageURL
        self.completedAt = completedAt
    }

    /// Reads the video from the answer's `data` object; `fallbackID` stands in for a missing id.
    /// Nil when no status can be found.
    init?(json: [String: JSONValue], fallbackID: String) {
        guard let status = json["status"]?.nonEmptyString else { return nil }
        self.init(
            videoID: json["video_id"]?.nonEmptyString ?? json["id"]?.nonEmptyString ?? fallbackID,
            status: status,
            videoURL: json["video_url"]?.nonEmptyString,
            thumbnailURL: json["thumbnail_url"]?.nonEmptyString,
            duration: json["duration"]?.doubleValue,
            failureCode: json["failure_code"]?.nonEmptyString,
            failureMessage: json["failure_message"]?.nonEmptyString,
            captionedVideoURL: json["captioned_video_url"]?.nonEmptyString,
            subtitleURL: json["subtitle_url"]?.nonEmptyString,
            gifURL: json["gif_url"]?.nonEmptyString,
            videoPageURL: json["video_page_url"]?.nonEmptyString,
            completedAt: json["completed_at"]?.doubleValue.flatMap { $0.isFinite ? Date(timeIntervalSince1970: $0) : nil }
        )
    }
}
