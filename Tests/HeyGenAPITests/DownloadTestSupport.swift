import AsyncHTTPClient
import Foundation
import HeyGenAPI
import HeyGenSimulator
import NIOHTTP1
import Testing
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// Helpers for the download and translation tests: a finished video on the simulator, its file URLs, a file
/// to download into, and independent checks of what landed (a plain HTTP fetch, `sha256sum`).
extension SimulatorHarness {
    /// A downloader using the harness's HTTP client.
    func downloader(_ configuration: FileDownloader.Configuration = .init()) -> FileDownloader {
        FileDownloader(configuration: configuration, httpClient: httpClient, logger: SimulatorHarness.quietLogger)
    }

    /// Uploads a small video (the `files` directory holds it) and returns its asset id.
    func uploadVideoAsset(in directory: TemporaryDirectory, key: String = "clip") async throws -> String {
        let path = directory.file("\(key).mp4")
        try writeFile(path, SampleMedia.signature(.mp4))
        return try await client().uploadAsset(path: path, fileName: "\(key).mp4", idempotencyKey: key).assetID
    }

    /// Makes a Video Agent video and polls it to `completed`; returns its id. Needs `pollsUntilVideoID: 0`.
    func completedVideoID(in directory: TemporaryDirectory, key: String = "clip") async throws -> String {
        let client = client()
        let assetID = try await uploadVideoAsset(in: directory, key: key)
        let session = try await client.createVideoAgent(VideoAgentRequest(prompt: "Make a video", assetIDs: [assetID]))
        let videoID = try #require(session.videoID, "the simulator must run with pollsUntilVideoID: 0")
        for _ in 0..<10 {
            if try await client.video(id: videoID).status == "completed" { return videoID }
        }
        throw HarnessError(description: "video \(videoID) never completed")
    }

    /// The `data` object of `GET /v3/videos/{id}` as sent (it names URLs the client's `VideoStatus` may not carry).
    func rawVideo(_ id: String) async throws -> [String: JSONValue] {
        let reply = try await rawGet("\(baseURL)/v3/videos/\(id)", apiKey: "test-key")
        #expect(reply.status == 200)
        let json = try JSONDecoder().decode(JSONValue.self, from: Data(reply.body))
        return try #require(json.objectValue?["data"]?.objectValue)
    }

    /// A fresh URL of `field` (`video_url`, `captioned_video_url`, `subtitle_url`, `thumbnail_url`) of video `id`.
    func fileURL(_ field: String, ofVideo id: String) async throws -> String {
        try #require(try await rawVideo(id)[field]?.stringValue, "\(field) of \(id)")
    }

    /// A plain GET (no redirects followed), collecting up to 64 MiB.
    func rawGet(_ url: String, apiKey: String? = nil) async throws -> (status: Int, body: [UInt8]) {
        let reply = try await rawGet(url, apiKey: apiKey, headers: [])
        return (reply.status, reply.body)
    }

    /// A plain GET with extra headers; the answer's status, headers and body (up to 64 MiB).
    func rawGet(_ url: String, apiKey: String? = nil, headers: [(String, String)]) async throws
        -> (status: Int, headers: HTTPHeaders, body: [UInt8])
    {
        var request = HTTPClientRequest(url: url)
        if let apiKey { request.headers.add(name: "X-Api-Key", value: apiKey) }
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        let response = try await httpClient.execute(request, timeout: .seconds(60))
        let body = try await response.body.collect(upTo: 64 << 20)
        return (Int(response.status.code), response.headers, Array(body.readableBytesView))
    }
}

/// An open file to download into (read-write, created empty), closed by `body`'s end.
func withDownloadFile<T>(_ path: String, _ body: (Int32) async throws -> T) async throws -> T {
    let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o600)
    guard fd >= 0 else { throw HarnessError(description: "cannot open \(path): errno \(errno)") }
    defer { close(fd) }
    return try await body(fd)
}

/// The SHA-256 of the file at `path` as `sha256sum` computes it (an implementation independent of the client's).
func sha256sum(_ path: String) async throws -> String {
    let result = try await runProcess("/usr/bin/sha256sum", [path])
    guard result.status == 0, let hex = result.stdout.split(separator: " ").first else {
        throw HarnessError(description: "sha256sum failed: \(result.stderr)")
    }
    return String(hex)
}

/// The bytes of the file at `path`.
func fileBytes(_ path: String) throws -> [UInt8] {
    Array(try Data(contentsOf: URL(fileURLWithPath: path)))
}

/// The `DownloadError` `operation` throws, or nil when it succeeds.
func downloadError(_ operation: () async throws(DownloadError) -> DownloadResult) async -> DownloadError? {
    do {
        _ = try await operation()
        return nil
    } catch {
        return error
    }
}
