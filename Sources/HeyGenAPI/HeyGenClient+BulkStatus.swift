extension HeyGenClient {
    /// The states of up to 100 videos at once: `GET /v3/videos/statuses?video_ids=…` →
    /// `{"data": [{"video_id", "status"}], "has_more", "next_token"}`. Carries no URLs: fetch
    /// `video(id:)` once a video is finished.
    public func videoStatuses(ids: [String], token: String? = nil) async throws(HeyGenError) -> BulkVideoStatusPage {
        try await bulkStatuses(path: "/v3/videos/statuses", parameter: "video_ids", ids: ids, token: token)
    }

    /// The largest number of ids one bulk status request may carry.
    public static let maxBulkStatusIDs = 100

    /// One bulk status request: `path?parameter=a,b,…[&token=T]`, 1 to 100 ids (refused otherwise, unsent).
    func bulkStatuses(path: String, parameter: String, ids: [String], token: String?) async throws(HeyGenError) -> BulkVideoStatusPage {
        guard (1...HeyGenClient.maxBulkStatusIDs).contains(ids.count) else {
            throw HeyGenError(
                category: .rejected, message: "a bulk status request takes 1 to \(HeyGenClient.maxBulkStatusIDs) ids (got \(ids.count))",
                isRetryable: false)
        }
        var segments: [String] = []
        for id in ids { segments.append(try HeyGenClient.pathSegment(id, what: "id")) }
        var query = "\(path)?\(parameter)=\(segments.joined(separator: ","))"
        if let token { query += "&token=" + (try HeyGenClient.pathSegment(token, what: "page token")) }
        let answer = try await sendReturningWholeAnswer(makeRequest(.GET, query))
        let container = answer["data"]
        let items: [JSONValue]
        switch container {
        case .array(let list)?:
            items = list
        case .object(let object)?:
            // Tolerate `{"data": {"statuses"|"items": [...]}}` as well.
            guard case .array(let list)? = object["statuses"] ?? object["items"] else {
                throw malformed("the bulk status answer has no array of statuses")
            }
            items = list
        default:
            throw malformed("the bulk status answer has no data array")
        }
        var statuses: [BulkVideoStatus] = []
        for item in items {
            guard let object = item.objectValue, let entry = BulkVideoStatus(json: object) else {
                throw malformed("the bulk status answer holds an entry without video_id or status")
            }
            statuses.append(entry)
        }
        let hasMore = answer["has_more"] == .bool(true)
        return BulkVideoStatusPage(statuses: statuses, nextToken: hasMore ? answer["next_token"]?.nonEmptyString : nil)
    }
}
