import AsyncHTTPClient
import Foundation
import HeyGenAPI
import HeyGenSimulator
import Logging
import NIOCore

// upload-benchmark: throughput of HeyGenClient uploads against the in-process simulator, and a
// single-upload mode that reports the process's peak memory (used by the tests).
//
//   upload-benchmark [--files N] [--concurrency N] [--size BYTES]
//   upload-benchmark --one-upload FILE --base-url URL [--api-key KEY]   (prints size_bytes= or http_status=)
//   upload-benchmark --one-direct-upload FILE [--base-url URL] [--api-key KEY]

/// The command line as `--name value` pairs.
struct Options {
    var values: [String: String] = [:]

    init(_ arguments: [String]) throws {
        var index = 0
        while index < arguments.count {
            let name = arguments[index]
            guard name.hasPrefix("--"), index + 1 < arguments.count else {
                throw BenchmarkError("unexpected argument \(name)")
            }
            values[String(name.dropFirst(2))] = arguments[index + 1]
            index += 2
        }
    }

    func int(_ name: String, default value: Int) throws -> Int {
        guard let text = values[name] else { return value }
        guard let number = Int(text), number > 0 else { throw BenchmarkError("--\(name) needs a positive number") }
        return number
    }
}

struct BenchmarkError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

let quietLogger = Logger(label: "upload-benchmark", factory: { _ in SwiftLogNoOpLogHandler() })

/// The process's peak resident set size in KiB (`VmHWM` in /proc/self/status).
func peakRSSKiB() -> Int {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return -1 }
    for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
        return Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "") ?? -1
    }
    return -1
}

/// Uploads one file and prints the asset (or, when the API refused it, the HTTP status) and the peak RSS.
func oneUpload(path: String, baseURL: String, apiKey: String) async throws {
    let httpClient = HeyGenClient.makeHTTPClient()
    let client = HeyGenClient(
        configuration: .init(baseURL: baseURL, apiKey: apiKey), httpClient: httpClient, logger: quietLogger
    )
    let outcome: Result<UploadedAsset, HeyGenError>
    do throws(HeyGenError) {
        let name = URL(fileURLWithPath: path).lastPathComponent
        outcome = .success(try await client.uploadAsset(path: path, fileName: name, idempotencyKey: "one-upload-\(UUID().uuidString)"))
    } catch {
        outcome = .failure(error)
    }
    try await httpClient.shutdown()
    switch outcome {
    case .success(let asset):
        print("asset_id=\(asset.assetID) size_bytes=\(asset.sizeBytes)")
    case .failure(let error):
        // An upload the API answered with a refusal was still sent in full: its memory counts too.
        guard let status = error.httpStatus else { throw error }
        print("http_status=\(status)")
    }
    print("peak_rss_kb=\(peakRSSKiB())")
}

/// Runs `count` operations with at most `concurrency` in flight; returns the elapsed time.
func timed(count: Int, concurrency: Int, _ operation: @escaping @Sendable (Int) async throws -> Void) async throws -> Duration {
    let start = ContinuousClock.now
    try await withThrowingTaskGroup(of: Void.self) { group in
        var next = 0
        while next < min(concurrency, count) {
            let index = next
            group.addTask { try await operation(index) }
            next += 1
        }
        while try await group.next() != nil {
            if next < count {
                let index = next
                group.addTask { try await operation(index) }
                next += 1
            }
        }
    }
    return ContinuousClock.now - start
}

/// One result line.
func report(_ label: String, count: Int, elapsed: Duration, floor: Double? = nil) -> Double {
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    let rate = Double(count) / seconds
    var line = "\(label): \(count) uploads in \(String(format: "%.3f", seconds)) s = \(String(format: "%.1f", rate)) files/s"
    if let floor { line += " (\(String(format: "%.0f", rate / floor * 100))% of the floor)" }
    print(line)
    return rate
}

/// Uploads `files` small files with `concurrency` in flight, through raw AsyncHTTPClient posts of a
/// preassembled body (the floor the simulator and HTTP stack allow) and through HeyGenClient from disk.
func throughput(files: Int, concurrency: Int, size: Int) async throws {
    let simulator = HeyGenSimulator(logger: quietLogger)
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("upload-benchmark-\(UUID().uuidString.prefix(8))").path
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: directory) }

    // A PNG signature followed by filler: the simulator sniffs the type and counts the bytes.
    var content: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
    content += (0..<max(0, size - content.count)).map { UInt8(truncatingIfNeeded: $0 &* 31) }
    let paths = (0..<files).map { "\(directory)/file-\($0).png" }
    for path in paths {
        try Data(content).write(to: URL(fileURLWithPath: path))
    }

    let httpClient = HeyGenClient.makeHTTPClient()
    let result: Result<Void, any Error>
    do {
        try await simulator.withRunning { port in
            let baseURL = "http://127.0.0.1:\(port)"
            let client = HeyGenClient(
                configuration: .init(baseURL: baseURL, apiKey: "benchmark-key"), httpClient: httpClient, logger: quietLogger
            )

            let boundary = "benchmark-boundary-0123456789"
            var body = ByteBuffer(
                string: "--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"file.png\"\r\n"
                    + "Content-Type: application/octet-stream\r\n\r\n"
            )
            body.writeBytes(content)
            body.writeString("\r\n--\(boundary)--\r\n")
            let rawBody = body
            @Sendable func rawPost(_ key: String) async throws {
                var request = HTTPClientRequest(url: "\(baseURL)/v3/assets")
                request.method = .POST
                request.headers.add(name: "X-Api-Key", value: "benchmark-key")
                request.headers.add(name: "Content-Type", value: "multipart/form-data; boundary=\(boundary)")
                request.headers.add(name: "Idempotency-Key", value: key)
                request.body = .bytes(rawBody)
                let response = try await httpClient.execute(request, timeout: .seconds(30))
                _ = try await response.body.collect(upTo: 1 << 20)
                guard response.status == .ok else { throw BenchmarkError("raw upload answered \(response.status)") }
            }
            @Sendable func clientUpload(_ index: Int, round: String) async throws {
                _ = try await client.uploadAsset(path: paths[index], fileName: "file-\(index).png", idempotencyKey: "\(round)-\(index)")
            }

            // Warm up connections and code paths.
            _ = try await timed(count: concurrency * 2, concurrency: concurrency) { try await rawPost("warm-raw-\($0)") }
            _ = try await timed(count: concurrency * 2, concurrency: concurrency) { try await clientUpload($0, round: "warm") }

            print("upload-benchmark: \(files) files of \(size) bytes, \(concurrency) in flight, in-process simulator on loopback")
            let rawElapsed = try await timed(count: files, concurrency: concurrency) { try await rawPost("raw-\($0)") }
            let floor = report("floor  (raw AsyncHTTPClient posts, preassembled body)", count: files, elapsed: rawElapsed)
            let clientElapsed = try await timed(count: files, concurrency: concurrency) { try await clientUpload($0, round: "client") }
            _ = report("client (HeyGenClient.uploadAsset, streamed from disk) ", count: files, elapsed: clientElapsed, floor: floor)
            print("peak_rss_kb=\(peakRSSKiB())")
        }
        result = .success(())
    } catch {
        result = .failure(error)
    }
    try await httpClient.shutdown()
    try result.get()
}

do {
    let options = try Options(Array(CommandLine.arguments.dropFirst()))
    if let file = options.values["one-upload"] {
        guard let baseURL = options.values["base-url"] else { throw BenchmarkError("--one-upload needs --base-url URL") }
        try await oneUpload(path: file, baseURL: baseURL, apiKey: options.values["api-key"] ?? "benchmark-key")
    } else if let file = options.values["one-direct-upload"] {
        try await oneDirectUpload(path: file, baseURL: options.values["base-url"], apiKey: options.values["api-key"] ?? "benchmark-key")
    } else {
        try await throughput(
            files: try options.int("files", default: 200),
            concurrency: try options.int("concurrency", default: 4),
            size: try options.int("size", default: 4096)
        )
    }
} catch {
    FileHandle.standardError.write(Data("upload-benchmark: \(error)\n".utf8))
    exit(1)
}
