import Foundation
import Testing

/// Runs `upload-benchmark` with `arguments` (a one-upload mode) in a process of its own and reads the
/// `size_bytes=` and `peak_rss_kb=` it printed.
func runUploadBenchmark(_ executable: String, _ arguments: [String]) async throws -> (sizeBytes: Int64, peakKiB: Int) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    let output = Pipe()
    let errors = Pipe()
    process.standardOutput = output
    process.standardError = errors
    let status: Int32 = try await withCheckedThrowingContinuation { continuation in
        process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
        do {
            try process.run()
        } catch {
            process.terminationHandler = nil
            continuation.resume(throwing: error)
        }
    }
    let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    let errorText = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    try #require(status == 0, "upload-benchmark failed: \(errorText)")
    func value(_ name: String) -> String? {
        text.split(whereSeparator: { $0 == "\n" || $0 == " " }).first { $0.hasPrefix("\(name)=") }.map { String($0.dropFirst(name.count + 1)) }
    }
    let size = try #require(value("size_bytes").flatMap { Int64($0) }, "output: \(text)")
    let peak = try #require(value("peak_rss_kb").flatMap { Int($0) }, "output: \(text)")
    return (size, peak)
}
