import Foundation
import HeyGenAPI
import HeyGenSimulator
import TestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// What HeyGen made, downloaded into the outbox: the real binary against the simulator's file host.
@Suite("Downloads", .serialized, .timeLimit(.minutes(10)))
struct DownloadWorkflowTests {
    /// Drops `name` with a prompt sidecar (a Video Agent job).
    static func dropPromptJob(_ h: DaemonHarness, _ name: String = "report.pdf", seed: Int = 1) throws {
        try h.drop("\(name).prompt", Data("Explain this in one minute.\n".utf8))
        try h.drop(name, SampleMedia.pdf(text: "report \(seed)"))
    }

    /// The lower-case hex SHA-256 of the file at `path`.
    static func sha256(_ path: String) throws -> String {
        sha256Hex(try Data(contentsOf: URL(fileURLWithPath: path)))
    }

    /// The bytes at `url`, fetched by curl (another client than the daemon's).
    static func fetch(_ url: String, into path: String) async throws {
        let run = try await runProcess("/usr/bin/curl", ["-sS", "-f", "-o", path, url], environment: [:])
        guard run.status == 0 else { throw HarnessError("curl failed: \(run.stderr)") }
    }

    /// Checks one entry of `downloads[]` against the file it names and returns that file's path.
    @discardableResult
    static func checkDownload(_ entry: JSONNode?, kind: String, path: String) throws -> String {
        let entry = try #require(entry)
        #expect(entry["kind"]?.string == kind)
        #expect(entry["path"]?.string == path)
        let size = try #require(fileSize(path))
        #expect(Int64(entry["size_bytes"]?.number ?? -1) == size)
        #expect(entry["sha256"]?.string == (try sha256(path)))
        return path
    }

    /// Checks that `result` lists one download, its video at `outbox/video`: whole (the simulator's size, an
    /// MP4 header), the bytes the file host serves for the video's link, and in place before `outbox/result`
    /// was written. Returns the link.
    static func expectVideoDownloaded(_ result: ResultFile, _ h: DaemonHarness, video: String, result resultName: String)
        async throws -> String
    {
        let downloads = try #require(result.json["downloads"]?.array)
        #expect(downloads.count == 1)
        let path = try checkDownload(downloads.first, kind: "video", path: "\(h.outbox)/\(video)")
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect(bytes.count == Int(h.simulator.faults.output.videoSizeBytes))
        #expect(bytes.count > 8 && String(decoding: bytes[4..<8], as: UTF8.self) == "ftyp")
        let link = try #require(result.videoAgent?["video_url"]?.string)
        try await fetch(link, into: h.root.file("by-curl-\(video)"))
        #expect(try sha256(h.root.file("by-curl-\(video)")) == (try sha256(path)))
        let modified = { (file: String) in try FileManager.default.attributesOfItem(atPath: file)[.modificationDate] as? Date }
        let videoTime = try #require(try modified(path))
        let resultTime = try #require(try modified("\(h.outbox)/\(resultName)"))
        #expect(videoTime <= resultTime)
        return link
    }

    /// `MS_REMOUNT` and `MNT_DETACH` of `<sys/mount.h>`.
    static let remount: UInt = 32
    static let detach: Int32 = 2

    /// The dot-named (temporary) files left in the outbox.
    static func temporaryFiles(_ h: DaemonHarness) -> [String] {
        h.list(h.outbox).filter { $0.hasPrefix(".") }
    }

    @Test("a prompt job's video lands in the outbox before its result, whole, with its SHA-256 and size")
    func videoDownloaded() async throws {
        try await DaemonHarness.with { h in
            let daemon = try await h.startDaemon()
            try Self.dropPromptJob(h)
            let result = try #require(try await h.waitForResults(["report.pdf"])["report.pdf"])
            #expect(result.status == "succeeded")
            // Whoever sees the result finds the video complete, the bytes the file host serves for its link.
            let link = try await Self.expectVideoDownloaded(result, h, video: "report.pdf.mp4", result: "report.pdf.json")
            #expect(h.list(h.outbox) == ["report.pdf.json", "report.pdf.mp4"])
            #expect(h.simulator.stats.fileRequestsWithAPIKey == 0)
            // The link is a credential: never logged.
            #expect(!daemon.logText.contains(link))
            #expect(try await daemon.stop() == 0)
        }
    }

    @Test("a bundle's video lands as outbox/NAME.mp4, named after the bundle, before its result, which points at it")
    func bundleVideoDownloaded() async throws {
        try await DaemonHarness.with { h in
            let daemon = try await h.startDaemon()
            // A folder with two media files and a prompt, made outside the inbox and moved in whole.
            let staging = try h.root.subdirectory("staging-launch")
            try SampleMedia.bytes(.png, size: 4000, seed: 21).write(to: URL(fileURLWithPath: "\(staging)/photo.png"))
            try SampleMedia.pdf(text: "launch plan").write(to: URL(fileURLWithPath: "\(staging)/plan.pdf"))
            try Data("Announce the launch in one minute.\n".utf8).write(to: URL(fileURLWithPath: "\(staging)/prompt.txt"))
            guard rename(staging, "\(h.inbox)/launch") == 0 else { throw HarnessError("cannot move the bundle in") }

            // The result validates against the shipped schema as it is read.
            let result = try #require(try await h.waitForResults(["launch"])["launch"])
            #expect(result.status == "succeeded")
            #expect(result.json["source"]?["kind"]?.string == "bundle")
            #expect(result.json["source"]?["name"]?.string == "launch")
            #expect(Set(result.assets.compactMap { $0["name"]?.string }) == ["photo.png", "plan.pdf"])
            #expect(result.videoAgent?["status"]?.string == "completed")
            _ = try await Self.expectVideoDownloaded(result, h, video: "launch.mp4", result: "launch.json")
            #expect(h.list(h.outbox) == ["launch.json", "launch.mp4"])
            #expect(h.list(h.archive) == ["launch"])
            #expect(h.list("\(h.archive)/launch") == ["photo.png", "plan.pdf", "prompt.txt"])
            #expect(Self.temporaryFiles(h).isEmpty)
            #expect(try await daemon.stop() == 0)
        }
    }

    @Test("download: all brings the video, the captioned video, the subtitles and the thumbnail")
    func downloadAll() async throws {
        try await DaemonHarness.with { h in
            h.environment["HEYGEN_DROPD_DOWNLOAD"] = "all"
            let daemon = try await h.startDaemon()
            try Self.dropPromptJob(h)
            let result = try #require(try await h.waitForResults(["report.pdf"])["report.pdf"])
            #expect(result.status == "succeeded")
            let downloads = try #require(result.json["downloads"]?.array)
            #expect(downloads.count == 4)
            try Self.checkDownload(downloads[0], kind: "video", path: "\(h.outbox)/report.pdf.mp4")
            try Self.checkDownload(downloads[1], kind: "captioned_video", path: "\(h.outbox)/report.pdf.captioned.mp4")
            let srt = try Self.checkDownload(downloads[2], kind: "subtitles", path: "\(h.outbox)/report.pdf.srt")
            let thumbnail = try Self.checkDownload(downloads[3], kind: "thumbnail", path: "\(h.outbox)/report.pdf.jpg")
            #expect(String(decoding: try Data(contentsOf: URL(fileURLWithPath: srt)), as: UTF8.self).contains("-->"))
            #expect(Array(try Data(contentsOf: URL(fileURLWithPath: thumbnail)).prefix(3)) == [0xFF, 0xD8, 0xFF])
            #expect(Self.temporaryFiles(h).isEmpty)
            #expect(try await daemon.stop() == 0)
        }
    }

    @Test("download: none downloads nothing; the result keeps the link and lists no downloads")
    func downloadNone() async throws {
        try await DaemonHarness.with { h in
            h.environment["HEYGEN_DROPD_DOWNLOAD"] = "none"
            let daemon = try await h.startDaemon()
            try Self.dropPromptJob(h)
            let result = try #require(try await h.waitForResults(["report.pdf"])["report.pdf"])
            #expect(result.status == "succeeded")
            #expect(result.json["downloads"]?.array?.isEmpty == true)
            #expect(result.videoAgent?["video_url"]?.string != nil)
            #expect(h.list(h.outbox) == ["report.pdf.json"])
            #expect(h.simulator.stats.downloadsServed == 0)
            #expect(try await daemon.stop() == 0)
        }
    }

    @Test("a transfer cut mid-body is continued with Range: one complete file")
    func cutResumes() async throws {
        var faults = SimulatorFaults()
        faults.output.videoSizeBytes = 3 << 20
        faults.output.downloadCuts = 1
        faults.output.downloadCutAfterBytes = 1_500_000
        try await DaemonHarness.with(faults: faults) { h in
            let daemon = try await h.startDaemon()
            try Self.dropPromptJob(h)
            let result = try #require(try await h.waitForResults(["report.pdf"])["report.pdf"])
            #expect(result.status == "succeeded")
            let video = try Self.checkDownload(result.json["downloads"]?.array?.first, kind: "video", path: "\(h.outbox)/report.pdf.mp4")
            let link = try #require(result.videoAgent?["video_url"]?.string)
            try await Self.fetch(link, into: h.root.file("by-curl.mp4"))
            #expect(try Self.sha256(h.root.file("by-curl.mp4")) == (try Self.sha256(video)))
            #expect(h.simulator.stats.faultsInjected["download_cut"] == 1)
            #expect(h.simulator.stats.rangesServed == 1)
            #expect(Self.temporaryFiles(h).isEmpty)
            #expect(try await daemon.stop() == 0)
        }
    }

    @Test("an expired link is fetched again from the API, then the download succeeds")
    func expiredLinkRefreshed() async throws {
        var faults = SimulatorFaults()
        faults.output.downloadExpirations = 2
        try await DaemonHarness.with(faults: faults) { h in
            let daemon = try await h.startDaemon()
            try Self.dropPromptJob(h)
            let result = try #require(try await h.waitForResults(["report.pdf"])["report.pdf"])
            #expect(result.status == "succeeded")
            try Self.checkDownload(result.json["downloads"]?.array?.first, kind: "video", path: "\(h.outbox)/report.pdf.mp4")
            #expect(h.simulator.stats.faultsInjected["link_expired"] == 2)
            #expect(daemon.logText.contains("link expired; asking the API for a fresh one"))
            #expect(try await daemon.stop() == 0)
        }
    }

    @Test("5xx from the file host, then success")
    func serverErrorsThenSuccess() async throws {
        var faults = SimulatorFaults()
        faults.output.downloadErrors = 2
        try await DaemonHarness.with(faults: faults) { h in
            let daemon = try await h.startDaemon()
            try Self.dropPromptJob(h)
            let result = try #require(try await h.waitForResults(["report.pdf"])["report.pdf"])
            #expect(result.status == "succeeded")
            try Self.checkDownload(result.json["downloads"]?.array?.first, kind: "video", path: "\(h.outbox)/report.pdf.mp4")
            #expect(h.simulator.stats.faultsInjected["download_error"] == 2)
            #expect(try await daemon.stop() == 0)
        }
    }

    @Test("a video larger than download_max_bytes fails with download_failed: video id and link kept, no temporary file")
    func tooLarge() async throws {
        try await DaemonHarness.with { h in
            h.environment["HEYGEN_DROPD_DOWNLOAD_MAX_BYTES"] = "1000"
            let daemon = try await h.startDaemon()
            try Self.dropPromptJob(h)
            let result = try #require(try await h.waitForResults(["report.pdf"])["report.pdf"])
            #expect(result.status == "failed")
            #expect(result.errorCode == "download_failed")
            let videoID = try #require(result.videoAgent?["video_id"]?.string)
            #expect(result.json["error"]?["message"]?.string?.contains(videoID) == true)
            #expect(result.videoAgent?["video_url"]?.string?.hasPrefix("http") == true)
            #expect(result.json["downloads"]?.array?.isEmpty == true)
            #expect(h.list(h.failed) == ["report.pdf", "report.pdf.prompt"])
            #expect(h.list(h.outbox) == ["report.pdf.json"])
            #expect(try await daemon.stop() == 0)
        }
    }

    @Test("a download that keeps failing ends in download_failed after max_attempts, no temporary file left; retry downloads the same video")
    func keepsFailing() async throws {
        var faults = SimulatorFaults()
        faults.output.downloadCuts = 1000
        faults.output.downloadCutAfterBytes = 10_000
        faults.output.downloadRangeSupport = false
        try await DaemonHarness.with(faults: faults) { h in
            h.environment["HEYGEN_DROPD_MAX_ATTEMPTS"] = "3"
            let daemon = try await h.startDaemon()
            try Self.dropPromptJob(h)
            let result = try #require(try await h.waitForResults(["report.pdf"])["report.pdf"])
            #expect(result.status == "failed")
            #expect(result.errorCode == "download_failed")
            #expect(result.json["error"]?["message"]?.string?.contains("3 times") == true)
            #expect(h.simulator.stats.faultsInjected["download_cut"] == 3)
            #expect(h.list(h.failed) == ["report.pdf", "report.pdf.prompt"])
            #expect(h.list(h.outbox) == ["report.pdf.json"])

            // Once the host behaves, `retry` downloads the same video: it is not made (nor billed) again.
            h.simulator.updateFaults { $0.output.downloadCuts = 0 }
            let job = try #require(result.json["job_id"]?.string)
            let retry = try await h.command("retry", [job])
            #expect(retry.status == 0, "\(retry.stdout)\(retry.stderr)")
            let again = try await eventually("the retried job succeeds") {
                let again = try ResultFile(path: "\(h.outbox)/report.pdf.json")
                return again.status == "succeeded" ? again : nil
            }
            try Self.checkDownload(again.json["downloads"]?.array?.first, kind: "video", path: "\(h.outbox)/report.pdf.mp4")
            #expect(again.videoAgent?["video_id"] == result.videoAgent?["video_id"])
            #expect(h.simulator.stats.agentsCreated == 1)
            #expect(h.list(h.archive) == ["report.pdf", "report.pdf.prompt"])
            #expect(try await daemon.stop() == 0)
        }
    }

    @Test("kill -9 in the middle of a download: the restarted daemon continues it with Range", .timeLimit(.minutes(3)))
    func killNineMidDownload() async throws {
        var faults = SimulatorFaults()
        faults.output.videoSizeBytes = 8 << 20
        faults.output.downloadStalls = 1
        faults.output.downloadCutAfterBytes = 2 << 20
        faults.output.downloadStallSeconds = 20
        try await DaemonHarness.with(faults: faults) { h in
            let first = try await h.startDaemon()
            try Self.dropPromptJob(h)
            // The first 2 MiB are on disk, in the temporary file; the host then goes silent.
            let partial = try await eventually("part of the video is on disk") { () -> String? in
                guard let name = Self.temporaryFiles(h).first else { return nil }
                let size = fileSize("\(h.outbox)/\(name)") ?? 0
                return size >= 1 << 20 ? name : nil
            }
            first.signal(SIGKILL)
            #expect(try await first.waitForExit() == 128 + SIGKILL)
            #expect(h.resultNames().isEmpty)
            #expect(partial.hasPrefix(".report.pdf.mp4.part-"))

            let second = try await h.startDaemon()
            let result = try #require(try await h.waitForResults(["report.pdf"])["report.pdf"])
            #expect(result.status == "succeeded")
            let video = try Self.checkDownload(result.json["downloads"]?.array?.first, kind: "video", path: "\(h.outbox)/report.pdf.mp4")
            let link = try #require(result.videoAgent?["video_url"]?.string)
            try await Self.fetch(link, into: h.root.file("by-curl.mp4"))
            #expect(try Self.sha256(h.root.file("by-curl.mp4")) == (try Self.sha256(video)))
            #expect(h.simulator.stats.rangesServed == 1)
            #expect(Self.temporaryFiles(h).isEmpty)
            #expect(h.simulator.stats.agentsCreated == 1)
            #expect(try await second.stop() == 0)
        }
    }

    @Test("a full outbox: the job waits, says why, and succeeds once space returns", .timeLimit(.minutes(3)))
    func fullOutboxWaits() async throws {
        var faults = SimulatorFaults()
        faults.output.videoSizeBytes = 3 << 20
        try await DaemonHarness.with(faults: faults) { h in
            // The outbox is a 1 MiB tmpfs: the result fits, the video does not.
            guard mount("tmpfs", h.outbox, "tmpfs", 0, "size=1m") == 0 else {
                print("skipped: cannot mount a tmpfs (\(String(cString: strerror(errno))))")
                return
            }
            defer { umount2(h.outbox, Self.detach) }
            let daemon = try await h.startDaemon()
            try Self.dropPromptJob(h)
            _ = try await eventually("the daemon says the outbox is full") {
                daemon.logText.contains("the outbox is full") ? true : nil
            }
            let status = try await h.command("status")
            #expect(status.stdout.contains(" report.pdf (profile default): waiting_for_disk_space: the outbox is full"), "\(status.stdout)")
            #expect(h.resultNames().isEmpty)
            #expect(h.list(h.inbox).contains("report.pdf"))
            #expect(mount("tmpfs", h.outbox, "tmpfs", Self.remount, "size=16m") == 0)
            let result = try #require(try await h.waitForResults(["report.pdf"])["report.pdf"])
            #expect(result.status == "succeeded")
            try Self.checkDownload(result.json["downloads"]?.array?.first, kind: "video", path: "\(h.outbox)/report.pdf.mp4")
            #expect(Self.temporaryFiles(h).isEmpty)
            #expect(try await daemon.stop() == 0)
        }
    }
}
