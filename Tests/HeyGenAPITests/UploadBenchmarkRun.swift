import Foundation
import TestSupport
import Testing

/// What a one-upload run of `upload-benchmark` printed.
struct UploadBenchmarkOutput {
    /// The stored asset's size, when the upload was accepted.
    var sizeBytes: Int64?
    /// The HTTP status, when the API refused the upload.
    var httpStatus: Int?
    /// The process's peak resident set size.
    var peakKiB: Int
}

/// Runs `upload-benchmark` with `arguments` (a one-upload mode) in a process of its own and reads the
/// `size_bytes=` (or `http_status=`) and `peak_rss_kb=` it printed.
func runUploadBenchmark(_ executable: String, _ arguments: [String]) async throws -> UploadBenchmarkOutput {
    let run = try await runProcess(executable, arguments)
    try #require(run.status == 0, "upload-benchmark failed: \(run.stderr)")
    let text = run.stdout
    func value(_ name: String) -> String? {
        text.split(whereSeparator: { $0 == "\n" || $0 == " " }).first { $0.hasPrefix("\(name)=") }.map { String($0.dropFirst(name.count + 1)) }
    }
    let peak = try #require(value("peak_rss_kb").flatMap { Int($0) }, "output: \(text)")
    let printed = UploadBenchmarkOutput(
        sizeBytes: value("size_bytes").flatMap { Int64($0) }, httpStatus: value("http_status").flatMap { Int($0) },
        peakKiB: peak)
    #expect(printed.sizeBytes != nil || printed.httpStatus != nil, "output: \(text)")
    return printed
}
