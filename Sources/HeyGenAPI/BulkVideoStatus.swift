/// One entry of a bulk status answer (`GET /v3/videos/statuses`, `GET /v3/video-translations/statuses`).
public struct BulkVideoStatus: Sendable, Equatable {
    /// The video's (or translation's) id; the API names this field `video_id` in both answers.
    public var id: String
    /// `queued`, `processing`, `completed`, `failed` or `not_found` for videos; a translation's status for
    /// translations (kept as sent).
    public var status: String
    /// The entry's `error.message` (or `error.code`), when it carries one.
    public var errorMessage: String?

    /// Creates an entry.
    public init(id: String, status: String, errorMessage: String? = nil) {
        self.id = id
        self.status = status
        self.errorMessage = errorMessage
    }

    /// Reads an entry; nil without `video_id` (or `id`) and `status`.
    init?(json: [String: JSONValue]) {
        guard let id = json["video_id"]?.nonEmptyString ?? json["id"]?.nonEmptyString,
            let status = json["status"]?.nonEmptyString
        else { return nil }
        let error = json["error"]?.objectValue
        self.init(id: id, status: status, errorMessage: error?["message"]?.nonEmptyString ?? error?["code"]?.nonEmptyString)
    }
}

/// One page of a bulk status answer.
public struct BulkVideoStatusPage: Sendable, Equatable {
    /// The entries on this page.
    public var statuses: [BulkVideoStatus]
    /// The token asking for the next page; nil on the last one.
    public var nextToken: String?

    /// Creates a page.
    public init(statuses: [BulkVideoStatus], nextToken: String?) {
        self.statuses = statuses
        self.nextToken = nextToken
    }
}
