import Foundation
import HeyGenAPI
import Testing

@testable import DropPipeline
@testable import DropSettings

/// What is downloaded for a finished video or translation, and what a retried translation keeps.
@Suite struct OutputPlanTests {
    static let video = VideoStatus(
        videoID: "v1", status: "completed", videoURL: "https://f/v", thumbnailURL: "https://f/t",
        captionedVideoURL: "https://f/c", subtitleURL: "https://f/s")

    @Test("video: the video only; all: the four files in order; none: nothing")
    func videoSelections() {
        #expect(DownloadProgress.items(for: Self.video, selection: .video).map(\.suffix) == [".mp4"])
        let all = DownloadProgress.items(for: Self.video, selection: .all)
        #expect(all.map(\.suffix) == [".mp4", ".captioned.mp4", ".srt", ".thumbnail"])
        #expect(all.map(\.kind) == [.video, .captionedVideo, .subtitles, .thumbnail])
        #expect(all.allSatisfy { $0.videoID == "v1" && $0.translationID == nil })
        #expect(DownloadProgress.items(for: Self.video, selection: .none).isEmpty)
        // A link the API does not give is not asked for.
        var bare = Self.video
        bare.captionedVideoURL = nil
        #expect(DownloadProgress.items(for: bare, selection: .all).count == 3)
    }

    @Test("a translation's files carry its language code; captions only with all")
    func translationSelections() {
        let translation = VideoTranslation(
            id: "t1", status: "completed", outputLanguage: "es-ES", videoURL: "https://f/v", srtCaptionURL: "https://f/s",
            vttCaptionURL: "https://f/w")
        #expect(DownloadProgress.items(for: translation, code: "es-ES", selection: .video).map(\.suffix) == [".es-ES.mp4"])
        let all = DownloadProgress.items(for: translation, code: "es-ES", selection: .all)
        #expect(all.map(\.suffix) == [".es-ES.mp4", ".es-ES.srt", ".es-ES.vtt"])
        #expect(all.map(\.kind) == [.video, .subtitles, .captionsVTT])
    }

    @Test("a thumbnail's extension follows its bytes")
    func thumbnailSuffix() {
        #expect(DownloadProgress.thumbnailSuffix(firstBytes: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) == ".png")
        #expect(DownloadProgress.thumbnailSuffix(firstBytes: [0xFF, 0xD8, 0xFF, 0xE0]) == ".jpg")
    }

    @Test("a retried translation keeps its completed languages and their files, and nothing else")
    func retriedKeepsCompleted() {
        var progress = JobProgress(run: 2)
        var translation = TranslationProgress(
            spec: TranslationRequestSpec(outputLanguages: ["Spanish (Spain)", "German"]), keeping: nil)
        translation.languages[0].id = "t-es"
        translation.languages[0].status = "completed"
        translation.languages[1].id = "t-de"
        translation.languages[1].status = "failed"
        progress.translation = translation
        var done = DownloadProgress.Item(kind: .video, url: "https://f/es", translationID: "t-es", suffix: ".es-ES.mp4")
        done.done = .init(kind: .video, path: "/o/talk.mp4.es-ES.mp4", sizeBytes: 5, sha256: String(repeating: "a", count: 64))
        progress.downloads = DownloadProgress(items: [done], outcome: .init(code: .translationFailed, message: "German failed"))
        progress.files = [.init(name: "talk.mp4", assetID: "asset_1")]

        let retried = progress.retried()
        #expect(retried.run == 3)
        #expect(retried.files.isEmpty)
        #expect(retried.translation?.languages.map(\.id) == ["t-es"])
        #expect(retried.downloads?.items == [done])
        #expect(retried.downloads?.outcome == nil)

        // Checked again, the sidecar's languages take what the retried job kept; German starts afresh.
        let again = TranslationProgress(spec: translation.spec, keeping: retried.translation)
        #expect(again.languages.map(\.id) == ["t-es", nil])
        #expect(again.languages.map(\.status) == ["completed", "not_started"])
    }

    @Test("a job that failed in its downloads keeps its session and video when retried")
    func retriedAfterDownloadFailure() {
        var progress = JobProgress(run: 0)
        progress.video = VideoRequestSpec(prompt: "p")
        progress.sessionID = "s1"
        progress.videoID = "v1"
        let result = JobResult(
            jobID: "1", status: .failed, source: .init(name: "a.pdf", kind: .file, movedTo: nil), assets: [], videoAgent: nil,
            error: .init(code: .downloadFailed, message: "m"), attempts: 2, createdAt: Date(), finishedAt: Date())
        progress.finish = .init(result: result, moves: [])
        let retried = progress.retried()
        #expect(retried.sessionID == "s1")
        #expect(retried.videoID == "v1")
        #expect(retried.video == progress.video)
        #expect(retried.finish == nil && retried.downloads == nil && retried.run == 1)
        // Any other failure starts over.
        progress.finish?.result.error?.code = .videoFailed
        #expect(progress.retried() == JobProgress(run: 1))
    }

    @Test("a job without a translation retries afresh")
    func retriedWithoutTranslation() {
        var progress = JobProgress(run: 0)
        progress.videoID = "v1"
        progress.downloads = DownloadProgress(items: DownloadProgress.items(for: Self.video, selection: .video))
        let retried = progress.retried()
        #expect(retried == JobProgress(run: 1))
    }
}
