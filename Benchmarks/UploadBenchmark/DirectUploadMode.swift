import AsyncHTTPClient
import Foundation
import HeyGenAPI
import HeyGenSimulator
#if canImport(Glibc)
import Glibc
#endif

/// `--one-direct-upload FILE [--base-url URL]`: sends one file by the direct flow (begin, PUT streamed from an
/// open descriptor, complete, wait until ready) and prints the asset and the process's peak RSS. Without
/// `--base-url` the simulator runs in this process, so the peak covers both the client and the simulator's
/// storage receiving the bytes.
func oneDirectUpload(path: String, baseURL: String?, apiKey: String) async throws {
    let descriptor = open(path, O_RDONLY | O_CLOEXEC)
    guard descriptor >= 0 else { throw BenchmarkError("cannot open \(path): errno \(errno)") }
    defer { close(descriptor) }
    var info = stat()
    guard fstat(descriptor, &info) == 0 else { throw BenchmarkError("cannot stat \(path): errno \(errno)") }
    let size = Int64(info.st_size)
    var prefix = [UInt8](repeating: 0, count: MediaType.sniffLength)
    let count = pread(descriptor, &prefix, prefix.count, 0)
    guard count > 0, let type = MediaType.detect(prefix.prefix(count)) else { throw BenchmarkError("\(path) is not of a supported type") }
    let source = UploadFile(descriptor: descriptor, size: size)

    let httpClient = HeyGenClient.makeHTTPClient()
    @Sendable func upload(to base: String) async throws -> CompletedDirectUpload {
        let client = HeyGenClient(configuration: .init(baseURL: base, apiKey: apiKey), httpClient: httpClient, logger: quietLogger)
        let name = URL(fileURLWithPath: path).lastPathComponent
        let grant = try await client.beginDirectUpload(filename: name, contentType: type.mimeType, sizeBytes: size, checksumSHA256: nil)
        try await client.putDirectUpload(url: grant.uploadURL, headers: grant.uploadHeaders, file: source)
        let completed = try await client.completeDirectUpload(assetID: grant.assetID, checksumSHA256: nil)
        if !completed.isReady {
            _ = try await client.waitForAsset(id: grant.assetID, timeout: .seconds(60), initialInterval: .milliseconds(10))
        }
        return completed
    }
    let outcome: Result<CompletedDirectUpload, any Error>
    do {
        if let baseURL {
            outcome = .success(try await upload(to: baseURL))
        } else {
            let simulator = HeyGenSimulator(logger: quietLogger)
            outcome = .success(try await simulator.withRunning { port in try await upload(to: "http://127.0.0.1:\(port)") })
        }
    } catch {
        outcome = .failure(error)
    }
    try await httpClient.shutdown()
    let completed = try outcome.get()
    print("asset_id=\(completed.asset.assetID) size_bytes=\(completed.asset.sizeBytes)")
    print("peak_rss_kb=\(peakRSSKiB())")
}
