import Foundation
import HeyGenAPI
import Testing
import TestSupport

/// A direct upload streams end to end: sending a 512 MiB file by the direct flow to a simulator in the same
/// process raises that process's peak memory far less than the file's size, so neither the client's PUT nor the
/// simulator's storage holds the file. Measured in a separate process (`upload-benchmark --one-direct-upload`).
@Suite(.timeLimit(.minutes(5))) struct DirectUploadMemoryTests {
    @Test func aLargeDirectUploadIsNeverHeldInMemoryByClientOrSimulator() async throws {
        let executable = BuiltProducts.executable("upload-benchmark")
        try #require(FileManager.default.isExecutableFile(atPath: executable), "build upload-benchmark first: \(executable)")
        try await withTemporaryDirectory { directory in
            let small = try await DirectUploadFile.write(to: directory.file("small.mp4"), size: 1 << 20)
            let large = try await DirectUploadFile.write(to: directory.file("large.mp4"), size: 512 << 20)
            let baseline = try await runDirectUpload(executable, file: small.path)
            let measured = try await runDirectUpload(executable, file: large.path)
            #expect(baseline.sizeBytes == small.size)
            #expect(measured.sizeBytes == large.size)
            let growthKiB = measured.peakKiB - baseline.peakKiB
            #expect(growthKiB < 64 * 1024, "peak RSS grew by \(growthKiB) KiB for a 512 MiB direct upload (baseline \(baseline.peakKiB) KiB)")
        }
    }

    /// Runs `upload-benchmark --one-direct-upload FILE` and reads the size and peak RSS it printed.
    func runDirectUpload(_ executable: String, file: String) async throws -> (sizeBytes: Int64, peakKiB: Int) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["--one-direct-upload", file]
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
}
