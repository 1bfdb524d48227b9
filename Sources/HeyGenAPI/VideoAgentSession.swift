import Foundation

/// A Video Agent session as the API reports it (`POST /v3/video-agents`, `GET /v3/video-agents/{id}`).
public struct VideoAgentSession: Sendable, Equatable {
    /// The session's id.
    public var sessionID: String
    /// `thinking`, `waiting_for_input`, `reviewing`, `generating`, `completed`, `failed` (kept as sent).
    public var status: String
    /// The video being made, once the API knows it.
    public var videoID: String?
    /// Progress in percent (an integer 0–100), when reported. A fractional value is rounded and anything outside
    /// 0–100 is clamped to it.
    public var progress: Int?
    /// The `callback_id` the session was created with, when the answer carries it (the list does).
    public var callbackID: String?
    /// When the session was created (`created_at`, Unix seconds), when reported.
    public var createdAt: Date?

    /// Creates a session description.
    public init(
        sessionID: String, status: String, videoID: String? = nil, progress: Int? = nil, callbackID: String? = nil,
        createdAt: Date? = nil
    ) {
        self.sessionID = sessionID
        self.status = status
        self.videoID = videoID
        self.progress = progress
        self.callbackID = callbackID
        self.createdAt = createdAt
    }

    /// Reads the session from the answer's `data` object; `fallbackID` stands in for a missing id.
    /// Nil when neither an id nor a status can be found.
    init?(json: [String: JSONValue], fallbackID: String?) {
        guard let id = json["session_id"]?.nonEmptyString ?? json["id"]?.nonEmptyString ?? fallbackID,
              let status = json["status"]?.nonEmptyString
        else { return nil }
        self.init(
            sessionID: id,
            status: status,
            videoID: json["video_id"]?.nonEmptyString,
            progress: VideoAgentSession.percent(json["progress"]),
            callbackID: json["callback_id"]?.nonEmptyString,
            createdAt: json["created_at"]?.doubleValue.flatMap { $0.isFinite ? Date(timeIntervalSince1970: $0) : nil }
        )
    }

    /// An integer percentage 0–100 from a JSON number (or numeric string); nil for anything else.
    static func percent(_ value: JSONValue?) -> Int? {
        guard let number = value?.doubleValue, number.isFinite else { return nil }
        return Int(min(max(number.rounded(), 0), 100))
    }
}
