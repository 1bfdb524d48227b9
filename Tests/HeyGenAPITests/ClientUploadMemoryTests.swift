import Foundation
import HeyGenAPI
import HeyGenSimulator
import Testing
import TestSupport

/// Uploads stream from disk: a maximum-size upload's peak memory stays far below the file's size.
/// Measured in a separate process (`upload-benchmark --one-upload`) so nothing else in the test run counts.
@Suite(.timeLimit(.minutes(5))) struct ClientUploadMemoryTests {
    @Test func aMaximumSizeUploadStreamsWithoutHoldingTheFile() async throws {
        let executable = BuiltProducts.executable("upload-benchmark")
        try #require(FileManager.default.isExecutableFile(atPath: executable), "build upload-benchmark first: \(executable)")
        try await withTemporaryDirectory { directory in
            try await withSimulator { sim in
                let tiny = directory.file("tiny.pdf")
                try MediaTypeSamples.write(MediaTypeSamples.pdf, to: tiny)
                let big = directory.file("big.pdf")
                try MediaTypeSamples.write(MediaTypeSamples.pdf, to: big)
                let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: big))
                try handle.truncate(atOffset: UInt64(MediaType.maxUploadBytes))  // exactly the largest accepted size
                try handle.close()

                let baseline = try await runOneUpload(executable, file: tiny, baseURL: sim.baseURL)
                let large = try await runOneUpload(executable, file: big, baseURL: sim.baseURL)
                #expect(baseline.sizeBytes == Int64(MediaTypeSamples.pdf.count))
                #expect(large.sizeBytes == MediaType.maxUploadBytes)
                let growthKiB = large.peakKiB - baseline.peakKiB
                #expect(growthKiB < Int(MediaType.maxUploadBytes / 2 / 1024), "peak RSS grew by \(growthKiB) KiB for a 32 MiB upload (baseline \(baseline.peakKiB) KiB)")
                #expect(sim.simulator.stats.uploadedBytes == Int64(MediaTypeSamples.pdf.count) + MediaType.maxUploadBytes)
            }
        }
    }

    struct OneUpload {
        var sizeBytes: Int64
        var peakKiB: Int
    }

    /// Runs `upload-benchmark --one-upload FILE --base-url URL` and reads what it printed.
    func runOneUpload(_ executable: String, file: String, baseURL: String) async throws -> OneUpload {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["--one-upload", file, "--base-url", baseURL]
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
        return OneUpload(sizeBytes: size, peakKiB: peak)
    }
}
