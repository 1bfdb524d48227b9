import DropHTTP
import DropLogging
import DropQueue
import Foundation
import HeyGenAPI
import Logging
import TestSupport
import Testing

@testable import DropOperator
@testable import DropPipeline

/// What the dashboard and `/api/jobs` show of downloads, read from a real SQLite queue: a job in its
/// `downloading` phase with its files done of all and their bytes (and the live bytes of the file being
/// fetched), and a finished job with the path of its downloaded video.
@Suite("Dashboard downloads", .timeLimit(.minutes(2)))
struct DashboardDownloadsTests {
    static let video = VideoStatus(
        videoID: "v1", status: "completed", videoURL: "https://f/v", thumbnailURL: "https://f/t",
        captionedVideoURL: "https://f/c", subtitleURL: "https://f/s")

    @Test("a downloading job shows files done of all, their bytes and the file in progress; a result its video's path")
    func downloadsShown() async throws {
        try await withTemporaryDirectory(prefix: "dropd-dash") { directory in
            let queue = try JobQueue(path: directory.file("queue.sqlite3"), logger: quietLogger("test"))
            let now = Date()
            _ = try queue.enqueue(
                [
                    NewJob(sourceName: "talk.pdf", kind: "file", fingerprint: "a"),
                    NewJob(sourceName: "launch", kind: "bundle", fingerprint: "b"),
                    NewJob(sourceName: "slides.pdf", kind: "file", fingerprint: "c"),
                ], now: now)
            let claimed = try queue.claim(owner: "w", lease: .seconds(600), limit: 3, now: now)
            #expect(claimed.count == 3)
            let byName = Dictionary(uniqueKeysWithValues: claimed.map { ($0.sourceName, $0) })
            let (talk, launch, slides) = (try #require(byName["talk.pdf"]), try #require(byName["launch"]), try #require(byName["slides.pdf"]))

            // talk.pdf: `download: all`, the video in place, the captioned video being fetched.
            var downloading = JobProgress(run: 0)
            downloading.phase = .downloading
            var items = DownloadProgress.items(for: Self.video, selection: .all)
            items[0].done = .init(kind: .video, path: "/srv/outbox/talk.pdf.mp4", sizeBytes: 123_456, sha256: "aa")
            downloading.downloads = DownloadProgress(items: items)
            downloading.downloads?.diskFullSince = Date(timeIntervalSince1970: 1_800_000_000)
            try queue.save(
                talk.id, token: talk.leaseToken ?? "", stage: "downloading", progress: downloading.encoded(), attempts: 2,
                now: now)

            // slides.pdf: still uploading; no downloads shown.
            var uploading = JobProgress(run: 0)
            uploading.phase = .uploading
            try queue.save(
                slides.id, token: slides.leaseToken ?? "", stage: "uploading", progress: uploading.encoded(), attempts: 0,
                now: now)

            // launch/: succeeded with its thumbnail and its video downloaded.
            var finished = JobProgress(run: 0)
            var result = JobResult(
                jobID: "\(launch.id.rawValue)", status: .succeeded, source: .init(name: "launch", kind: .bundle, movedTo: nil),
                assets: [], videoAgent: nil, error: nil, attempts: 3, createdAt: now, finishedAt: now)
            result.downloads = [
                .init(kind: .thumbnail, path: "/srv/outbox/launch.jpg", sizeBytes: 10, sha256: "bb"),
                .init(kind: .video, path: "/srv/outbox/launch.mp4", sizeBytes: 999, sha256: "cc"),
            ]
            finished.finish = .init(result: result, moves: [])
            try queue.finish(
                launch.id, token: launch.leaseToken ?? "", as: .succeeded, stage: nil, progress: finished.encoded(),
                attempts: 3, lastError: nil, now: now)

            let transfers = LiveTransfers()
            let reader = DashboardReader(queue: SQLiteQueueStore(queue: queue), transfers: transfers)

            // From the saved record: files done of all.
            let snapshot = try await reader.read(now: now)
            let inFlight = try #require(snapshot.inFlight.first { $0.name == "talk.pdf" })
            #expect(
                inFlight.downloads
                    == DownloadsInFlight(
                        filesDone: 1, filesTotal: 4, bytesDone: 123_456, current: "captioned_video",
                        waitingForSpaceSince: Date(timeIntervalSince1970: 1_800_000_000)))
            #expect(inFlight.progress == ProgressBar(step: "download", done: 1, total: 4, unit: "files"))
            #expect(snapshot.inFlight.first { $0.name == "slides.pdf" }?.downloads == nil)
            let done = try #require(snapshot.results.first { $0.name == "launch" })
            #expect(done.downloadedPath == "/srv/outbox/launch.mp4")

            // With the transfer live in this process: its bytes in the bar, the files still listed.
            let live = transfers.begin(job: talk.id, step: "download", name: "talk.pdf", total: 0, logger: quietLogger("test"))
            live.set(done: 2048, total: 8192)
            let busy = try #require(try await reader.read(now: now).inFlight.first { $0.name == "talk.pdf" })
            #expect(busy.progress == ProgressBar(step: "download", done: 2048, total: 8192, unit: "bytes"))
            #expect(busy.downloads?.filesDone == 1)
            transfers.end(job: talk.id)
        }
    }

    @Test("a download whose size is learned on the way logs its percentage once it passes the threshold")
    func downloadPercentLogged() {
        let captured = CapturedLogLines()
        let logger = Logger(label: "heygen-dropd") { label in TextLogHandler(label: label, level: .info, write: captured.sink) }
        let transfers = LiveTransfers(loggedAbove: 1000, logEvery: .zero)
        let big = transfers.begin(job: JobID(rawValue: 1), step: "download", name: "talk.pdf", total: 0, logger: logger)
        big.set(done: 100)
        big.set(done: 500, total: 2000)
        big.set(done: 2000)
        let small = transfers.begin(job: JobID(rawValue: 2), step: "download", name: "tiny.pdf", total: 0, logger: logger)
        small.set(done: 400, total: 800)
        let lines = captured.lines
        #expect(lines.count == 2, "\(lines)")
        #expect(lines.first?.contains("download 25%") == true && lines.last?.contains("download 100%") == true, "\(lines)")
        #expect(!lines.joined().contains("tiny.pdf"))
    }
}
