import DropSettings
import Foundation
import HeyGenAPI

/// What a job's downloads have learned (`JobProgress.downloads`): each file to fetch into the outbox, the link
/// it comes from, where it lands, and, once done, its size and SHA-256; and the outcome the job gets once the
/// files are in place.
package struct DownloadProgress: Sendable, Codable, Equatable {
    /// The files, in the order they are fetched.
    package var items: [Item]
    /// The error the job ends with once the downloads are done (a translation with failed languages);
    /// nil: it succeeds.
    package var outcome: JobResult.ResultError?
    /// When the current wait for space on a full outbox began; nil while not waiting.
    package var diskFullSince: Date?
    /// How many times the current wait for space handed the job back (the wait doubles each time).
    package var diskFullWaits: Int?

    /// One file to download.
    package struct Item: Sendable, Codable, Equatable {
        /// What it is.
        package var kind: JobResult.Download.Kind
        /// The last (presigned, expiring) link given for it.
        package var url: String
        /// The video it belongs to, for a fresh link (`GET /v3/videos/{id}`).
        package var videoID: String?
        /// The translation it belongs to, for a fresh link (`GET /v3/video-translations/{id}`).
        package var translationID: String?
        /// The name ending after the source's name (`.mp4`, `.captioned.mp4`, `.es-ES.srt`); a thumbnail's
        /// extension follows its bytes.
        package var suffix: String
        /// Attempts made so far (a fresh link counts as one).
        package var attempts: Int = 0
        /// The file, once it is in place.
        package var done: JobResult.Download?
    }

    /// The files to fetch for a finished video, as `selection` asks: the video, or with `all` also the
    /// captioned video, the subtitles and the thumbnail (those the API names).
    package static func items(for video: VideoStatus, selection: DownloadSelection) -> [Item] {
        var wanted: [(JobResult.Download.Kind, String?, String)] = [(.video, video.videoURL, ".mp4")]
        if selection == .all {
            wanted += [
                (.captionedVideo, video.captionedVideoURL, ".captioned.mp4"), (.subtitles, video.subtitleURL, ".srt"),
                (.thumbnail, video.thumbnailURL, ".thumbnail"),
            ]
        }
        guard selection != .none else { return [] }
        return wanted.compactMap { kind, url, suffix in
            url.map { Item(kind: kind, url: $0, videoID: video.videoID, suffix: suffix) }
        }
    }

    /// The files to fetch for a completed translation into the language code `code`: its video, or with
    /// `all` also its SubRip and WebVTT captions (those the API names).
    package static func items(for translation: VideoTranslation, code: String, selection: DownloadSelection) -> [Item] {
        guard selection != .none else { return [] }
        var wanted: [(JobResult.Download.Kind, String?, String)] = [(.video, translation.videoURL, ".\(code).mp4")]
        if selection == .all {
            wanted += [(.subtitles, translation.srtCaptionURL, ".\(code).srt"), (.captionsVTT, translation.vttCaptionURL, ".\(code).vtt")]
        }
        return wanted.compactMap { kind, url, suffix in
            url.map { Item(kind: kind, url: $0, translationID: translation.id, suffix: suffix) }
        }
    }

    /// The final name's ending of a finished thumbnail, by its first bytes: `.png` or `.jpg` (the default).
    package static func thumbnailSuffix(firstBytes: [UInt8]) -> String {
        MediaType.detect(firstBytes) == .png ? ".png" : ".jpg"
    }
}
