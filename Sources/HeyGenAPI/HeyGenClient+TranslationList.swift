import Foundation

/// One page of `GET /v3/video-translations`: the account's translations, newest first.
public struct VideoTranslationPage: Sendable, Equatable {
    /// The translations on this page, newest first.
    public var translations: [VideoTranslation]
    /// The token that asks for the next page; nil on the last one.
    public var nextToken: String?

    /// Creates a page.
    public init(translations: [VideoTranslation], nextToken: String?) {
        self.translations = translations
        self.nextToken = nextToken
    }
}

extension HeyGenClient {
    /// One page of the account's translations, newest first: `GET /v3/video-translations?limit=N[&token=T]`,
    /// answered `{"data": {"video_translations": [{"id", "status", "output_language", "callback_id",
    /// "created_at", ...}], "has_more", "next_token"}}`. `limit` is kept within 1...100. One request, no retry.
    public func videoTranslations(limit: Int = 100, token: String? = nil) async throws(HeyGenError) -> VideoTranslationPage {
        var path = "/v3/video-translations?limit=\(min(max(limit, 1), 100))"
        if let token {
            path += "&token=" + (try HeyGenClient.pathSegment(token, what: "page token"))
        }
        let data = try await send(makeRequest(.GET, path))
        guard case .array(let items)? = data["video_translations"] ?? data["items"] else {
            throw malformed("the translation list has no video_translations array")
        }
        var translations: [VideoTranslation] = []
        for item in items {
            guard let object = item.objectValue, let translation = VideoTranslation(json: object, fallbackID: nil) else {
                throw malformed("the translation list holds an entry without id or status")
            }
            translations.append(translation)
        }
        let hasMore = data["has_more"] == .bool(true)
        return VideoTranslationPage(translations: translations, nextToken: hasMore ? data["next_token"]?.nonEmptyString : nil)
    }

    /// The translations created with `callbackID` at or after `since` (less `slack`), found by paging
    /// `GET /v3/video-translations` from the newest until older ones appear or `maxPages` pages were read; in
    /// the order the API lists them. Each page request is retried as `policy` says (listing is safe to repeat).
    /// Used after a crash between recording a create and learning its ids, instead of creating again.
    public func videoTranslations(
        callbackID: String, since: Date, slack: TimeInterval = 300, maxPages: Int = 20, policy: RetryPolicy
    ) async throws(HeyGenError) -> [VideoTranslation] {
        let cutoff = since.addingTimeInterval(-slack)
        var found: [VideoTranslation] = []
        var token: String?
        for _ in 0..<max(1, maxPages) {
            let current = token
            let page = try await withRetries(policy, logger: logger) { () async throws(HeyGenError) -> VideoTranslationPage in
                try await self.videoTranslations(limit: 100, token: current)
            }
            found += page.translations.filter { $0.callbackID == callbackID && ($0.createdAt.map { $0 >= cutoff } ?? true) }
            let reachedOlder = page.translations.contains { ($0.createdAt.map { $0 < cutoff }) ?? false }
            guard let next = page.nextToken, !reachedOlder else { break }
            token = next
        }
        return found
    }
}
