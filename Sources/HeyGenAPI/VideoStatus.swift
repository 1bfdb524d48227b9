/// A video's state as `GET /v3/videos/{id}` reports it.
public struct VideoStatus: Sendable, Equatable {
    /// The video's id.
    public var videoID: String
    /// `pending`, `processing`, `completed` or `failed` (kept as sent).
    public var status: String
    /// Where the finished video is served, when known.
    public var videoURL: String?
    /// Where its thumbnail is served, when known.
    public var thumbnailURL: String?
    /// Its length in seconds, when known.
    public var duration: Double?
    /// Why it failed, when it did and the API says.
    public var failureCode: String?
    /// A human explanation of the failure, when given.
    public var failureMessage: String?

    /// Creates a video description.
    public init(
        videoID: String, status: String, videoURL: String? = nil, thumbnailURL: String? = nil,
        duration: Double? = nil, failureCode: String? = nil, failureMessage: String? = nil
    ) {
        self.videoID = videoID
        self.status = status
        self.videoURL = videoURL
        self.thumbnailURL = thumbnailURL
        self.duration = duration
        self.failureCode = failureCode
        self.failureMessage = failureMessage
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
            failureMessage: json["failure_message"]?.nonEmptyString
        )
    }
}
