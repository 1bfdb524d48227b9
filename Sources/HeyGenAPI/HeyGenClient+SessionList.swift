import Foundation

/// One page of `GET /v3/video-agents`: the account's Video Agent sessions, newest first.
public struct VideoAgentSessionPage: Sendable, Equatable {
    /// The sessions on this page, newest first.
    public var sessions: [VideoAgentSession]
    /// The token that asks for the next page; nil on the last one.
    public var nextToken: String?

    /// Creates a page.
    public init(sessions: [VideoAgentSession], nextToken: String?) {
        self.sessions = sessions
        self.nextToken = nextToken
    }
}

extension HeyGenClient {
    /// One page of the account's Video Agent sessions, newest first: `GET /v3/video-agents?limit=N[&token=T]`,
    /// answered `{"data": {"sessions": [{"session_id", "status", "video_id", "callback_id", "created_at"}],
    /// "has_more", "next_token"}}`. `limit` is kept within 1...100. Makes one request, never retries.
    public func videoAgentSessions(limit: Int = 100, token: String? = nil) async throws(HeyGenError) -> VideoAgentSessionPage {
        var path = "/v3/video-agents?limit=\(min(max(limit, 1), 100))"
        if let token {
            path += "&token=" + (try HeyGenClient.pathSegment(token, what: "page token"))
        }
        let data = try await send(makeRequest(.GET, path))
        guard case .array(let items)? = data["sessions"] ?? data["items"] else {
            throw malformed("the session list has no sessions array")
        }
        var sessions: [VideoAgentSession] = []
        for item in items {
            guard let object = item.objectValue, let session = VideoAgentSession(json: object, fallbackID: nil) else {
                throw malformed("the session list holds an entry without session_id or status")
            }
            sessions.append(session)
        }
        let hasMore = data["has_more"] == .bool(true)
        let next = hasMore ? data["next_token"]?.nonEmptyString : nil
        return VideoAgentSessionPage(sessions: sessions, nextToken: next)
    }

    /// The sessions created with `callbackID` at or after `since` (less `slack`, for clocks that disagree),
    /// found by paging `GET /v3/video-agents` from the newest until the sessions are older than that or
    /// `maxPages` pages were read. Each page request is retried as `policy` says (listing is safe to repeat).
    public func videoAgentSessions(
        callbackID: String, since: Date, slack: TimeInterval = 300, maxPages: Int = 20, policy: RetryPolicy
    ) async throws(HeyGenError) -> [VideoAgentSession] {
        let cutoff = since.addingTimeInterval(-slack)
        var found: [VideoAgentSession] = []
        var token: String?
        for _ in 0..<max(1, maxPages) {
            let current = token
            let page = try await withRetries(policy, logger: logger) { () async throws(HeyGenError) -> VideoAgentSessionPage in
                try await self.videoAgentSessions(limit: 100, token: current)
            }
            found += page.sessions.filter { $0.callbackID == callbackID && ($0.createdAt.map { $0 >= cutoff } ?? true) }
            let reachedOlder = page.sessions.contains { ($0.createdAt.map { $0 < cutoff }) ?? false }
            guard let next = page.nextToken, !reachedOlder else { break }
            token = next
        }
        return found
    }
}
