/// What `POST /v3/video-translations` is asked to do: translate one uploaded video into some languages.
public struct VideoTranslationRequest: Sendable, Equatable {
    /// The uploaded video's asset id (sent as `video: {"type": "asset_id", "asset_id": ...}`).
    public var videoAssetID: String
    /// The output languages as the API names them (e.g. `Spanish (Spain)`); one translation each, in order.
    public var outputLanguages: [String]
    /// The `callback_id` to tag the translations with (the daemon finds them again by it after a crash).
    public var callbackID: String?
    /// Further top-level fields passed through unchanged (`title`, `mode`, `enable_caption`, `srt`, ...).
    /// `video`, `output_languages` and `callback_id` here are overridden by the fields above.
    public var extraFields: [String: JSONValue]

    /// Creates a request.
    public init(videoAssetID: String, outputLanguages: [String], callbackID: String? = nil, extraFields: [String: JSONValue] = [:]) {
        self.videoAssetID = videoAssetID
        self.outputLanguages = outputLanguages
        self.callbackID = callbackID
        self.extraFields = extraFields
    }

    /// The JSON body sent: the extra fields, then `video`, `output_languages` and `callback_id` over them.
    public var jsonBody: JSONValue {
        var members = extraFields
        members["video"] = .object(["type": .string("asset_id"), "asset_id": .string(videoAssetID)])
        members["output_languages"] = .array(outputLanguages.map(JSONValue.string))
        if let callbackID { members["callback_id"] = .string(callbackID) }
        return .object(members)
    }
}
