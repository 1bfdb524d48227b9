import Foundation
import HeyGenAPI
import Hummingbird

extension HeyGenSimulator {
    /// `GET /v3/videos/{id}`: pending, then processing, then — after `pollsUntilCompleted` polls —
    /// completed (with URLs and duration) or failed (with `failure_code`/`failure_message`).
    /// Now and then answers `200` with an `{"error": ...}` body when asked to.
    func video(id: String) throws -> Response {
        let video = try state.withLock { state -> SimulatedVideo in
            guard let video = state.videos[id] else {
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
            return state.advanceVideo(id) ?? video
        }
        return JSONResponse.data(Self.videoMembers(video, links: fileLinks()))
    }

    /// The `data` members describing `video`; a completed one carries fresh `links` to its files.
    static func videoMembers(_ video: SimulatedVideo, links: FileLinks) -> [String: JSONValue] {
        var members: [String: JSONValue] = [
            "id": .string(video.id),
            "video_id": .string(video.id),
            "session_id": .string(video.sessionID),
            "created_at": .number(video.createdAt.timeIntervalSince1970.rounded(.down)),
            "video_url": .null,
            "thumbnail_url": .null,
            "captioned_video_url": .null,
            "subtitle_url": .null,
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
            members["video_url"] = links.url(.video, of: video.id)
            members["captioned_video_url"] = links.url(.captionedVideo, of: video.id)
            members["subtitle_url"] = links.url(.subtitles, of: video.id)
            members["thumbnail_url"] = links.url(.thumbnail, of: video.id)
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
