import AsyncHTTPClient
import Foundation
import HeyGenAPI
import HeyGenSimulator
import Logging
#if canImport(Glibc)
import Glibc
#endif

// download-benchmark: one large video downloaded by FileDownloader against `curl -o` from the same URL,
// with the time ratio and the peak memory growth of the download.
//
//   download-benchmark [--size BYTES]          (default 1 GiB; starts its own simulator in a child process)
//   download-benchmark --serve --size BYTES    (the child: a simulator serving videos of that size)
//
// The simulator runs in another process so its memory does not count against the download's.

let quiet = Logger(label: "download-benchmark", factory: { _ in SwiftLogNoOpLogHandler() })

/// A one-line failure.
struct BenchmarkError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// `name` from /proc/self/status in KiB (`VmRSS`, `VmHWM`).
func statusKiB(_ name: String) -> Int {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return -1 }
    for line in status.split(separator: "\n") where line.hasPrefix("\(name):") {
        return Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "") ?? -1
    }
    return -1
}

/// The value after `--name`, if given.
func option(_ name: String) -> String? {
    let arguments = CommandLine.arguments
    guard let index = arguments.firstIndex(of: "--\(name)"), index + 1 < arguments.count else { return nil }
    return arguments[index + 1]
}

/// The child: serves until killed, printing `port N` once it listens.
func serve(size: Int64) async throws {
    var faults = SimulatorFaults()
    faults.output.videoSizeBytes = size
    let simulator = HeyGenSimulator(host: "127.0.0.1", port: 0, faults: faults, logger: quiet)
    try await simulator.run { port in
        FileHandle.standardOutput.write(Data("port \(port)\n".utf8))
    }
}

/// Starts the child simulator; returns it and its base URL.
func startSimulator(size: Int64) throws -> (Process, String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: CommandLine.arguments[0])
    process.arguments = ["--serve", "--size", "\(size)"]
    let pipe = Pipe()
    process.standardOutput = pipe
    try process.run()
    var text = ""
    while !text.contains("\n") {
        let chunk = pipe.fileHandleForReading.availableData
        guard !chunk.isEmpty else { throw BenchmarkError("the simulator ended before it listened") }
        text += String(decoding: chunk, as: UTF8.self)
    }
    guard let port = text.split(separator: "\n").first?.split(separator: " ").last.flatMap({ Int($0) }) else {
        throw BenchmarkError("the simulator said \(text)")
    }
    return (process, "http://127.0.0.1:\(port)")
}

/// Makes a video on the simulator and returns its (presigned) `video_url`.
func makeVideo(_ client: HeyGenClient, in folder: String) async throws -> String {
    let image = "\(folder)/still.png"
    try Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + [UInt8](repeating: 7, count: 256))
        .write(to: URL(fileURLWithPath: image))
    let asset = try await client.uploadAsset(path: image, fileName: "still.png", idempotencyKey: "bench-\(UUID().uuidString)")
    let session = try await client.createVideoAgent(VideoAgentRequest(prompt: "A benchmark video", assetIDs: [asset.assetID]))
    var videoID = session.videoID
    for _ in 0..<600 {
        if videoID == nil { videoID = try await client.videoAgentSession(id: session.sessionID).videoID }
        if let videoID {
            let video = try await client.video(id: videoID)
            if video.status == "completed", let url = video.videoURL { return url }
            if video.status == "failed" { throw BenchmarkError("the video failed") }
        }
        try await Task.sleep(for: .milliseconds(100))
    }
    throw BenchmarkError("no finished video")
}

/// Runs `curl -s -f -o path url`; returns the elapsed time.
func curl(_ url: String, to path: String) throws -> Duration {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
    process.arguments = ["-s", "-f", "-o", path, url]
    let start = ContinuousClock.now
    try process.run()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else { throw BenchmarkError("curl failed (\(process.terminationStatus))") }
    return ContinuousClock.now - start
}

/// Downloads `url` into `path` with `FileDownloader`; returns the elapsed time and the result.
func ours(_ url: String, to path: String, httpClient: HTTPClient, maxBytes: Int64) async throws -> (Duration, DownloadResult) {
    let fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
    guard fd >= 0 else { throw BenchmarkError("cannot open \(path)") }
    defer { close(fd) }
    let downloader = FileDownloader(configuration: .init(maxBytes: maxBytes), httpClient: httpClient, logger: quiet)
    let start = ContinuousClock.now
    let result = try await downloader.download(from: url, into: fd)
    return (ContinuousClock.now - start, result)
}

/// Shuts the HTTP client down (from a function: top-level code picks the overload that returns a future).
func shutDown(_ httpClient: HTTPClient) async throws {
    try await httpClient.shutdown()
}

/// A duration in seconds.
func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}

let size = Int64(option("size") ?? "") ?? (1 << 30)
if CommandLine.arguments.contains("--serve") {
    try await serve(size: size)
    exit(0)
}
let folder = NSTemporaryDirectory() + "download-benchmark-\(getpid())"
try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
let (child, baseURL) = try startSimulator(size: size)
defer {
    child.terminate()
    child.waitUntilExit()
    try? FileManager.default.removeItem(atPath: folder)
}
let httpClient = HeyGenClient.makeHTTPClient()
let client = HeyGenClient(configuration: .init(baseURL: baseURL, apiKey: "benchmark-key"), httpClient: httpClient, logger: quiet)
let url = try await makeVideo(client, in: folder)
// Warm up both (connection set-up, page cache for the written file), then measure each twice, alternating.
_ = try curl(url, to: "\(folder)/curl.mp4")
var curlTimes: [Double] = []
var ourTimes: [Double] = []
let rssBefore = statusKiB("VmRSS")
var last: DownloadResult?
for _ in 0..<2 {
    try? FileManager.default.removeItem(atPath: "\(folder)/curl.mp4")
    curlTimes.append(seconds(try curl(url, to: "\(folder)/curl.mp4")))
    try? FileManager.default.removeItem(atPath: "\(folder)/ours.mp4")
    let (time, result) = try await ours(url, to: "\(folder)/ours.mp4", httpClient: httpClient, maxBytes: size)
    ourTimes.append(seconds(time))
    last = result
}
let peakGrowthKiB = statusKiB("VmHWM") - rssBefore
try await shutDown(httpClient)
let curlBest = curlTimes.min() ?? 0
let ourBest = ourTimes.min() ?? 0
let mib = Double(size) / 1_048_576
print("size_bytes=\(size) sha256=\(last?.sha256 ?? "-")")
print(String(format: "curl: %.2f s (%.0f MiB/s); FileDownloader: %.2f s (%.0f MiB/s); ratio %.2f×", curlBest, mib / curlBest, ourBest, mib / ourBest, ourBest / curlBest))
print("peak RSS growth during the downloads: \(peakGrowthKiB / 1024) MiB (\(peakGrowthKiB) KiB)")
