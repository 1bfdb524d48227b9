import Foundation
import HeyGenAPI
import Hummingbird

extension HeyGenSimulator {
    /// The most ids one bulk status request may carry.
    static let maxBulkIDs = 100

    /// `GET /v3/videos/statuses?video_ids=a,b`: up to 100 entries `{"video_id", "status", "error"}` with
    /// `status` `queued`, `processing`, `completed`, `failed` or `not_found`, plus `has_more` and
    /// `next_token`. Each entry counts as a poll of its video. Carries no URLs.
    func videoStatuses(_ request: Request) throws -> Response {
        try refuseBulkWhenMissing()
        let ids = try Self.bulkIDs(request, parameter: "video_ids")
        let entries = state.withLock { state in
            ids.map { id -> JSONValue in
                guard let video = state.advanceVideo(id) else { return Self.bulkEntry(id, "not_found") }
                switch video.outcome {
                case .completed?: return Self.bulkEntry(id, "completed")
                case .failed?: return Self.bulkEntry(id, "failed", error: "the simulated renderer failed")
                case nil: return Self.bulkEntry(id, video.polls <= 1 && video.pollsUntilCompleted > 2 ? "queued" : "processing")
                }
            }
        }
        return JSONResponse.make(JSONValue.object(["data": .array(entries), "has_more": .bool(false), "next_token": .null]))
    }

    /// Answers `404` when the faults make the bulk routes missing.
    func refuseBulkWhenMissing() throws {
        if state.withLock({ $0.faults.bulkStatusMissing }) {
            throw SimulatorAPIError(.notFound, code: "not_found", message: "no such route")
        }
    }

    /// The comma-separated ids of query `parameter`: 1 to 100 of them (else `400`).
    static func bulkIDs(_ request: Request, parameter: String) throws -> [String] {
        let text = request.uri.queryParameters[Substring(parameter)].map(String.init) ?? ""
        let ids = text.split(separator: ",").map { String($0) }.filter { !$0.isEmpty }
        guard (1...maxBulkIDs).contains(ids.count) else {
            throw SimulatorAPIError.badRequest(
                "invalid_parameter", "\(parameter) must list 1 to \(maxBulkIDs) ids", param: parameter)
        }
        return ids
    }

    /// One entry of a bulk status answer; the id field really is named `video_id`.
    static func bulkEntry(_ id: String, _ status: String, error: String? = nil) -> JSONValue {
        .object([
            "video_id": .string(id),
            "status": .string(status),
            "error": error.map { .object(["code": .string("failed"), "message": .string($0)]) } ?? .null,
        ])
    }

    /// `limit` (1–100, default 20) and the offset in `token` of a list request.
    static func pageParameters(_ request: Request) throws -> (limit: Int, offset: Int) {
        let query = request.uri.queryParameters
        var limit = 20
        if let text = query["limit"] {
            guard let value = Int(String(text)), (1...100).contains(value) else {
                throw SimulatorAPIError.badRequest("invalid_parameter", "limit must be 1 to 100", param: "limit")
            }
            limit = value
        }
        var offset = 0
        if let text = query["token"] {
            guard let value = Int(String(text)), value >= 0 else {
                throw SimulatorAPIError.badRequest("invalid_parameter", "invalid token", param: "token")
            }
            offset = value
        }
        return (limit, offset)
    }
}

extension SimulatorState {
    /// Counts one poll of video `id` and finishes it (completed, or failed by `videoFailureRate`) once it has
    /// had enough; nil when unknown.
    mutating func advanceVideo(_ id: String) -> SimulatedVideo? {
        guard var video = videos[id] else { return nil }
        video.polls += 1
        if video.outcome == nil, video.polls >= video.pollsUntilCompleted {
            if inject("video_failed", rate: faults.videoFailureRate) {
                video.outcome = .failed
                stats.videosFailed += 1
            } else {
                video.outcome = .completed
                stats.videosCompleted += 1
            }
        }
        videos[id] = video
        return video
    }
}
