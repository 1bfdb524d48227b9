import Foundation
import HeyGenAPI

extension HeyGenSimulator {
    /// The details a finished video carries besides its main URL: `captioned_video_url`, `subtitle_url` (SubRip),
    /// `gif_url`, `video_page_url` and `completed_at` (Unix seconds); all null until the video is `completed`.
    static func videoDetailMembers(_ video: SimulatedVideo) -> [String: JSONValue] {
        guard video.outcome == .completed else {
            return [
                "captioned_video_url": .null, "subtitle_url": .null, "gif_url": .null, "video_page_url": .null,
                "completed_at": .null,
            ]
        }
        let base = "https://files.heygen-simulator.invalid/videos/\(video.id)"
        // The simulated renderer takes one second per poll it needed.
        let completedAt = video.createdAt.timeIntervalSince1970.rounded(.down) + Double(max(1, video.pollsUntilCompleted))
        return [
            "captioned_video_url": .string("\(base).captioned.mp4"),
            "subtitle_url": .string("\(base).srt"),
            "gif_url": .string("\(base).gif"),
            "video_page_url": .string("https://app.heygen-simulator.invalid/videos/\(video.id)"),
            "completed_at": .number(completedAt),
        ]
    }
}
