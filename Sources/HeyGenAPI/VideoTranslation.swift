import Foundation

/// One output language of a video translation, as `GET /v3/video-translations/{id}` (or the list) reports it.
public struct VideoTranslation: Sendable, Equatable {
    /// The translation's id (one per output language).
    public var id: String
    /// `pending`, `running`, `completed` or `failed` (kept as sent).
    public var status: String
    /// The output language as a BCP-47 code (e.g. `es-ES`), when reported.
    public var outputLanguage: String?
    /// The input language, when reported.
    public var inputLanguage: String?
    /// The translated video (presigned, expiring), once completed.
    public var videoURL: String?
    /// The translated audio track (presigned, expiring), when offered.
    public var audioURL: String?
    /// SubRip captions (presigned, expiring), when asked for.
    public var srtCaptionURL: String?
    /// WebVTT captions (presigned, expiring), when asked for.
    public var vttCaptionURL: String?
    /// The length in seconds, when known.
    public var duration: Double?
    /// Why it failed, when it did.
    public var failureMessage: String?
    /// The title, when one was given or made.
    public var title: String?
    /// The `callback_id` it was created with, when the answer carries it (the list does).
    public var callbackID: String?
    /// When it was created (`created_at`, Unix seconds), when reported.
    public var createdAt: Date?

    /// Creates a translation description.
    public init(
        id: String, status: String, outputLanguage: String? = nil, inputLanguage: String? = nil, videoURL: String? = nil,
        audioURL: String? = nil, srtCaptionURL: String? = nil, vttCaptionURL: String? = nil, duration: Double? = nil,
        failureMessage: String? = nil, title: String? = nil, callbackID: String? = nil, createdAt: Date? = nil
    ) {
        self.id = id
        self.status = status
        self.outputLanguage = outputLanguage
        self.inputLanguage = inputLanguage
        self.videoURL = videoURL
        self.audioURL = audioURL
        self.srtCaptionURL = srtCaptionURL
        self.vttCaptionURL = vttCaptionURL
        self.duration = duration
        self.failureMessage = failureMessage
        self.title = title
        self.callbackID = callbackID
        self.createdAt = createdAt
    }

    /// Reads the translation from an answer's object; `fallbackID` stands in for a missing id.
    /// Nil when no id or status can be found.
    init?(json: [String: JSONValue], fallbackID: String?) {
        guard let id = json["id"]?.nonEmptyString ?? json["video_translation_id"]?.nonEmptyString ?? fallbackID,
            let status = json["status"]?.nonEmptyString
        else { return nil }
        self.init(
            id: id,
            status: status,
            outputLanguage: json["output_language"]?.nonEmptyString,
            inputLanguage: json["input_language"]?.nonEmptyString,
            videoURL: json["video_url"]?.nonEmptyString,
            audioURL: json["audio_url"]?.nonEmptyString,
            srtCaptionURL: json["srt_caption_url"]?.nonEmptyString,
            vttCaptionURL: json["vtt_caption_url"]?.nonEmptyString,
            duration: json["duration"]?.doubleValue,
            failureMessage: json["failure_message"]?.nonEmptyString,
            title: json["title"]?.nonEmptyString,
            callbackID: json["callback_id"]?.nonEmptyString,
            createdAt: json["created_at"]?.doubleValue.flatMap { $0.isFinite ? Date(timeIntervalSince1970: $0) : nil }
        )
    }
}
