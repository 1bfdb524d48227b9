/// What `POST /v3/video-agents` is asked to make: a prompt, the uploaded assets it may use, and any other
/// Video Agent fields (`avatar_id`, `orientation`, `callback_url`, ...) passed through unchanged.
public struct VideoAgentRequest: Sendable, Equatable {
    /// The Video Agent prompt (the API accepts 1–10,000 characters).
    public var prompt: String
    /// Asset ids sent as `files: [{"type": "asset_id", "asset_id": ...}]`, in this order.
    public var assetIDs: [String]
    /// Further top-level fields, sent as given. `prompt` and `files` here are overridden by the fields above.
    public var extraFields: [String: JSONValue]

    /// Creates a request.
    public init(prompt: String, assetIDs: [String], extraFields: [String: JSONValue] = [:]) {
        self.prompt = prompt
        self.assetIDs = assetIDs
        self.extraFields = extraFields
    }

    /// The JSON object sent as the request body.
    public var jsonBody: JSONValue {
        var object = extraFields
        object["prompt"] = .string(prompt)
        object["files"] = .array(assetIDs.map { .object(["type": .string("asset_id"), "asset_id": .string($0)]) })
        return .object(object)
    }
}
