import Foundation
import HeyGenAPI
import Hummingbird

extension HeyGenSimulator {
    /// `GET /v3/videos/{id}`: pending, then processing, then — after `pollsUntilCompleted` polls —
    /// completed (with URLs and duration) or failed (with `failure_code`/`failure_message`).
    /// Now and then answers `200` with an `{"error": ...}` body when asked to.
    func video(id: String) throws -> Response {
        let video = try state.withLock { state -> SimulatedVideo in
            guard var video = state.videos[id] else {
                throw SimulatorAPIError(.notFound, code: "video_not_found", message: "no video \(id)")
            }
            if state.faults.unauthorizedVideoPolls > 0 {
                state.faults.unauthorizedVideoPolls -= 1
                state.stats.faultsInjected["unauthorized_poll", default: 0] += 1
                throw SimulatorAPIError(.unauthorized, code: "unauthorized", message: "simulated transient key refusal")
            }
            if state.inject("error_body", rate: state.faults.errorBodyRate) {
                throw ErrorBodyFault()
            }
            video.polls += 1
            if video.outcome == nil, video.polls >= video.pollsUntilCompleted {
                if state.inject("video_failed", rate: state.faults.videoFailureRate) {
                    video.outcome = .failed
                    state.stats.videosFailed += 1
                } else {
                    video.outcome = .completed
                    state.stats.videosCompleted += 1
                }
            }
            state.videos[id] = video
            return video
        }
        return JSONResponse.data(Self.videoMembers(video))
    }

    /// The `data` members describing `video`.
    static func videoMembers(_ video: SimulatedVideo) -> [String: JSONValue] {
        var members: [String: JSONValue] = [
            "id": .string(video.id),
            "video_id": .string(video.id),
            "session_id": .string(video.sessionID),
            "created_at": .number(video.createdAt.timeIntervalSince1970.rounded(.down)),
            "video_url": .null,
            "thumbnail_url": .null,
            "duration": .null,
            "failure_code": .null,
            "failure_message": .null,
        ]
        switch video.outcome {
        case nil:
            // The first poll of a video that needs several sees it still queued.
            let pending = video.polls <= 1 && video.pollsUntilCompleted > 2
            members["status"] = .string(pending ? "pending" : "processing")
        case .completed?:
            members["status"] = .string("completed")
            members["video_url"] = .string("https://files.heygen-simulator.invalid/videos/\(video.id).mp4")
            members["thumbnail_url"] = .string("https://files.heygen-simulator.invalid/videos/\(video.id).jpg")
            members["duration"] = .number(61.2)
        case .failed?:
            members["status"] = .string("failed")
            members["failure_code"] = .string("video_generation_failed")
            members["failure_message"] = .string("the simulated renderer failed")
        }
        members.merge(videoDetailMembers(video)) { current, _ in current }
        return members
    }
}

/// Answers a video poll with `200` and an error body, as the real API sometimes does.
struct ErrorBodyFault: Error {
    var response: Response {
        JSONResponse.make(
            status: .ok,
            SimulatorAPIError(.internalServerError, code: "internal_error", message: "simulated error body").body
        )
    }
}
