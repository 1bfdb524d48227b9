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
            let baseline = try await runUploadBenchmark(executable, ["--one-direct-upload", small.path])
            let measured = try await runUploadBenchmark(executable, ["--one-direct-upload", large.path])
            #expect(baseline.sizeBytes == small.size)
            #expect(measured.sizeBytes == large.size)
            let growthKiB = measured.peakKiB - baseline.peakKiB
            #expect(growthKiB < 64 * 1024, "peak RSS grew by \(growthKiB) KiB for a 512 MiB direct upload (baseline \(baseline.peakKiB) KiB)")
        }
    }
}
