import Foundation
import HeyGenAPI
import Hummingbird

extension HeyGenSimulator {
    /// `GET /v3/video-agents?limit=N&token=T`: the sessions, newest first, `limit` (1–100, default 20) per
    /// page, as `{"data": {"sessions": [...], "has_more", "next_token"}}`; each session carries its
    /// `session_id`, `status`, `video_id`, `callback_id` and `created_at`.
    func listVideoAgents(_ request: Request) throws -> Response {
        let (limit, offset) = try Self.pageParameters(request)
        let sessions = state.withLock { state in
            state.sessions.values.sorted { ($0.createdAt, $0.id) > ($1.createdAt, $1.id) }
        }
        let page = sessions.dropFirst(offset).prefix(limit)
        let hasMore = offset + page.count < sessions.count
        return JSONResponse.data([
            "sessions": .array(page.map { .object(Self.sessionMembers($0)) }),
            "has_more": .bool(hasMore),
            "next_token": hasMore ? .string(String(offset + page.count)) : .null,
        ])
    }
}
