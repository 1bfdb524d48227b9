import Foundation
import HeyGenAPI
import HeyGenSimulator
import Testing
import TestSupport

/// The real downloader against the simulator's file host on loopback.
@Suite("FileDownloader", .timeLimit(.minutes(5)))
struct FileDownloaderTests {
    /// A video size that is no multiple of any chunk size used.
    static let oddSize: Int64 = 1_572_864 + 17

    static func faults(_ change: (inout SimulatorOutputFaults) -> Void = { _ in }) -> SimulatorFaults {
        var output = SimulatorOutputFaults(videoSizeBytes: oddSize)
        change(&output)
        return SimulatorFaults(pollsUntilVideoID: 0, pollsUntilCompleted: 1, output: output)
    }

    @Test("a video downloads whole: size, SHA-256 and bytes match, no API key reaches the file host")
    func downloadsVideo() async throws {
        try await withTemporaryDirectory { directory in
            try await withSimulator(faults: Self.faults()) { sim in
                let videoID = try await sim.completedVideoID(in: directory)
                let url = try #require(try await sim.client().video(id: videoID).videoURL)
                let path = directory.file("out.mp4")
                let result = try await withDownloadFile(path) { fd in try await sim.downloader().download(from: url, into: fd) }
                #expect(result.sizeBytes == Self.oddSize)
                #expect(fileSize(path) == Self.oddSize)
                #expect(result.sha256 == (try await sha256sum(path)))
                #expect(result.resumedFrom == 0)
                #expect(Array(result.firstBytes[4..<8]) == Array("ftyp".utf8))
                let reference = try await sim.rawGet(url)
                #expect(reference.status == 200)
                #expect(try fileBytes(path) == reference.body)
                let stats = sim.simulator.stats
                #expect(stats.fileRequestsWithAPIKey == 0)
                #expect(stats.downloadsServed == 2)
                #expect(stats.rangesServed == 0)
            }
        }
    }

    @Test("the captioned video, subtitles and thumbnail are real files of their kind")
    func downloadsEveryKind() async throws {
        try await withTemporaryDirectory { directory in
            try await withSimulator(faults: Self.faults()) { sim in
                let videoID = try await sim.completedVideoID(in: directory)
                var first: [String: [UInt8]] = [:]
                for field in ["captioned_video_url", "subtitle_url", "thumbnail_url"] {
                    let url = try await sim.fileURL(field, ofVideo: videoID)
                    let path = directory.file(field)
                    let result = try await withDownloadFile(path) { fd in try await sim.downloader().download(from: url, into: fd) }
                    #expect(result.sha256 == (try await sha256sum(path)))
                    #expect(result.sizeBytes == fileSize(path))
                    first[field] = result.firstBytes
                }
                #expect(first["captioned_video_url"].map { Array($0[4..<8]) } == Array("ftyp".utf8))
                #expect(first["thumbnail_url"].map { Array($0.prefix(3)) } == [0xFF, 0xD8, 0xFF])
                #expect(first["subtitle_url"].map { String(decoding: $0, as: UTF8.self).hasPrefix("1\n00:00:00,000 --> ") } == true)
            }
        }
    }

    @Test("a body cut mid-way resumes with Range into one complete, correct file")
    func resumesAfterCut() async throws {
        try await withTemporaryDirectory { directory in
            let faults = Self.faults {
                $0.downloadCuts = 1
                $0.downloadCutAfterBytes = 1_048_576 + 5
            }
            try await withSimulator(faults: faults) { sim in
                let videoID = try await sim.completedVideoID(in: directory)
                let url = try #require(try await sim.client().video(id: videoID).videoURL)
                let path = directory.file("out.mp4")
                try await withDownloadFile(path) { fd in
                    let downloader = sim.downloader()
                    let cut = try #require(await downloadError { () throws(DownloadError) in try await downloader.download(from: url, into: fd) })
                    #expect(cut.kind == .transient)
                    #expect(cut.isRetryable)
                    #expect(cut.bytesOnDisk > 0 && cut.bytesOnDisk <= 1_048_576 + 5)
                    #expect(fileSize(path) == cut.bytesOnDisk)

                    let result = try await downloader.download(from: url, into: fd, resumeFrom: cut.bytesOnDisk)
                    #expect(result.resumedFrom == cut.bytesOnDisk)
                    #expect(result.sizeBytes == Self.oddSize)
                    #expect(result.sha256 == (try await sha256sum(path)))
                    #expect(Array(result.firstBytes[4..<8]) == Array("ftyp".utf8))
                }
                #expect(sim.simulator.stats.rangesServed == 1)
                let reference = try await sim.rawGet(url)
                #expect(try fileBytes(path) == reference.body)
            }
        }
    }

    @Test("a host that ignores Range gets the whole body again, and the file is still exact")
    func startsOverWithoutRangeSupport() async throws {
        try await withTemporaryDirectory { directory in
            let faults = Self.faults {
                $0.downloadCuts = 1
                $0.downloadCutAfterBytes = 1_000_000
                $0.downloadRangeSupport = false
            }
            try await withSimulator(faults: faults) { sim in
                let videoID = try await sim.completedVideoID(in: directory)
                let url = try #require(try await sim.client().video(id: videoID).videoURL)
                let path = directory.file("out.mp4")
                try await withDownloadFile(path) { fd in
                    let downloader = sim.downloader()
                    let cut = try #require(await downloadError { () throws(DownloadError) in try await downloader.download(from: url, into: fd) })
                    #expect(cut.kind == .transient)
                    let result = try await downloader.download(from: url, into: fd, resumeFrom: cut.bytesOnDisk)
                    #expect(result.resumedFrom == 0)
                    #expect(result.sizeBytes == Self.oddSize)
                    #expect(result.sha256 == (try await sha256sum(path)))
                }
                #expect(sim.simulator.stats.rangesServed == 0)
                #expect(fileSize(path) == Self.oddSize)
            }
        }
    }

    @Test("an expired link is its own error; a fresh GET of the video gives a link that works")
    func expiredLink() async throws {
        try await withTemporaryDirectory { directory in
            try await withSimulator(faults: Self.faults { $0.fileURLLifetimeSeconds = 0 }) { sim in
                let videoID = try await sim.completedVideoID(in: directory)
                let client = sim.client()
                let stale = try #require(try await client.video(id: videoID).videoURL)
                let path = directory.file("out.mp4")
                try await withDownloadFile(path) { fd in
                    let downloader = sim.downloader()
                    let expired = try #require(await downloadError { () throws(DownloadError) in try await downloader.download(from: stale, into: fd) })
                    #expect(expired.kind == .linkExpired)
                    #expect(expired.httpStatus == 403)
                    #expect(!expired.isRetryable)
                    #expect(!expired.description.contains("signature="))

                    sim.simulator.updateFaults { $0.output.fileURLLifetimeSeconds = 3600 }
                    let fresh = try #require(try await client.video(id: videoID).videoURL)
                    #expect(fresh != stale)
                    let result = try await downloader.download(from: fresh, into: fd)
                    #expect(result.sizeBytes == Self.oddSize)
                }
            }
        }
    }

    @Test("a link for a file that does not exist is reported as an expired link (404)")
    func missingFile() async throws {
        try await withTemporaryDirectory { directory in
            try await withSimulator(faults: Self.faults()) { sim in
                try await withDownloadFile(directory.file("x")) { fd in
                    let error = await downloadError { () throws(DownloadError) in
                        try await sim.downloader().download(from: "\(sim.baseURL)/files/vid_unknown/video.mp4x", into: fd)
                    }
                    #expect(error?.kind == .linkExpired)
                    #expect(error?.httpStatus == 404)
                }
            }
        }
    }

    @Test("a body larger than maxBytes is refused")
    func maxBytes() async throws {
        try await withTemporaryDirectory { directory in
            try await withSimulator(faults: Self.faults()) { sim in
                let videoID = try await sim.completedVideoID(in: directory)
                let url = try #require(try await sim.client().video(id: videoID).videoURL)
                let path = directory.file("out.mp4")
                try await withDownloadFile(path) { fd in
                    let downloader = sim.downloader(.init(maxBytes: 1_000_000))
                    let error = try #require(await downloadError { () throws(DownloadError) in try await downloader.download(from: url, into: fd) })
                    #expect(error.kind == .tooLarge)
                    #expect(error.bytesOnDisk == 0)
                }
                #expect(fileSize(path) == 0)
            }
        }
    }

    @Test("redirects: followed on the same loopback host up to 3, refused beyond and to plain http elsewhere")
    func redirects() async throws {
        try await withTemporaryDirectory { directory in
            try await withSimulator(faults: Self.faults()) { sim in
                let videoID = try await sim.completedVideoID(in: directory)
                let url = try #require(try await sim.client().video(id: videoID).videoURL)
                let path = directory.file("out.mp4")
                try await withDownloadFile(path) { fd in
                    let downloader = sim.downloader()
                    sim.simulator.updateFaults { $0.output.downloadRedirects = 3 }
                    let followed = try await downloader.download(from: url, into: fd)
                    #expect(followed.sizeBytes == Self.oddSize)

                    sim.simulator.updateFaults { $0.output.downloadRedirects = 4 }
                    let tooMany = await downloadError { () throws(DownloadError) in try await downloader.download(from: url, into: fd) }
                    #expect(tooMany?.kind == .refused)

                    sim.simulator.updateFaults {
                        $0.output.downloadRedirects = 0
                        $0.output.downloadRedirectTarget = "http://files.example.com/video.mp4"
                    }
                    let elsewhere = await downloadError { () throws(DownloadError) in try await downloader.download(from: url, into: fd) }
                    #expect(elsewhere?.kind == .refused)
                    #expect(elsewhere?.httpStatus == 302)
                }
                #expect(sim.simulator.stats.faultsInjected["download_redirect"] == 3 + 4 + 1)
            }
        }
    }

    @Test("a plain http URL to a host that is not loopback is refused before any request")
    func plainHTTPRefused() async throws {
        try await withTemporaryDirectory { directory in
            try await withSimulator { sim in
                try await withDownloadFile(directory.file("x")) { fd in
                    let error = await downloadError { () throws(DownloadError) in
                        try await sim.downloader().download(from: "http://files.example.com/v.mp4?signature=secret", into: fd)
                    }
                    #expect(error?.kind == .refused)
                    #expect(error?.description.contains("secret") == false)
                }
            }
        }
    }

    @Test("a 5xx from the file host is retryable, and the next attempt succeeds")
    func serverErrorIsRetryable() async throws {
        try await withTemporaryDirectory { directory in
            try await withSimulator(faults: Self.faults { $0.downloadErrors = 1 }) { sim in
                let videoID = try await sim.completedVideoID(in: directory)
                let url = try #require(try await sim.client().video(id: videoID).videoURL)
                try await withDownloadFile(directory.file("out.mp4")) { fd in
                    let downloader = sim.downloader()
                    let error = try #require(await downloadError { () throws(DownloadError) in try await downloader.download(from: url, into: fd) })
                    #expect(error.kind == .transient)
                    #expect(error.isRetryable)
                    #expect(error.httpStatus == 503)
                    let result = try await downloader.download(from: url, into: fd)
                    #expect(result.sizeBytes == Self.oddSize)
                }
            }
        }
    }

    @Test("a write that finds no space is a disk-full error")
    func diskFull() async throws {
        try await withTemporaryDirectory { directory in
            try await withSimulator(faults: Self.faults()) { sim in
                let videoID = try await sim.completedVideoID(in: directory)
                let url = try #require(try await sim.client().video(id: videoID).videoURL)
                // /dev/full answers every write with ENOSPC.
                try await withDownloadFile("/dev/full") { fd in
                    let error = await downloadError { () throws(DownloadError) in try await sim.downloader().download(from: url, into: fd) }
                    #expect(error?.kind == .diskFull)
                    #expect(error?.bytesOnDisk == 0)
                }
            }
        }
    }
}

extension FileDownloaderTests {
    @Test("a transfer that goes silent is cut by the minimum-rate watchdog and resumes")
    func stalledTransfer() async throws {
        try await withTemporaryDirectory { directory in
            let faults = Self.faults {
                $0.downloadStalls = 1
                $0.downloadCutAfterBytes = 500_000
                $0.downloadStallSeconds = 10
            }
            try await withSimulator(faults: faults) { sim in
                let videoID = try await sim.completedVideoID(in: directory)
                let url = try #require(try await sim.client().video(id: videoID).videoURL)
                let path = directory.file("out.mp4")
                try await withDownloadFile(path) { fd in
                    let downloader = sim.downloader(.init(minimumBytesPerSecond: 1024, rateWindow: .milliseconds(500)))
                    let stalled = try #require(await downloadError { () throws(DownloadError) in try await downloader.download(from: url, into: fd) })
                    #expect(stalled.kind == .transient)
                    #expect(stalled.message.contains("slower than"))
                    #expect(stalled.bytesOnDisk <= 500_000)
                    let result = try await downloader.download(from: url, into: fd, resumeFrom: stalled.bytesOnDisk)
                    #expect(result.sizeBytes == Self.oddSize)
                    #expect(result.sha256 == (try await sha256sum(path)))
                }
                #expect(sim.simulator.stats.faultsInjected["download_stall"] == 1)
            }
        }
    }
}
