import Foundation
import HeyGenAPI
import HeyGenSimulator
import Testing
import TestSupport

/// Uploads stream from disk: a maximum-size upload's peak memory stays far below the file's size.
/// Measured in a separate process (`upload-benchmark --one-upload`) so nothing else in the test run counts.
///
/// The simulator's limit is set below the large file, so it refuses it by its declared length and reads the
/// 32 MiB to their end unparsed: the client still streams every byte (which is what is measured), and the test
/// does not spend its time in a debug build of the multipart parser.
@Suite(.timeLimit(.minutes(5))) struct ClientUploadMemoryTests {
    @Test func aMaximumSizeUploadStreamsWithoutHoldingTheFile() async throws {
        let executable = BuiltProducts.executable("upload-benchmark")
        try #require(FileManager.default.isExecutableFile(atPath: executable), "build upload-benchmark first: \(executable)")
        try await withTemporaryDirectory { directory in
            try await withSimulator(limits: SimulatorLimits(maxUploadBytes: 1 << 20)) { sim in
                let tiny = directory.file("tiny.pdf")
                try writeFile(tiny, SampleMedia.pdf(text: "sample"))
                let big = directory.file("big.pdf")
                try writeFile(big, SampleMedia.pdf(text: "sample"))
                let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: big))
                try handle.truncate(atOffset: UInt64(MediaType.maxUploadBytes))  // exactly the largest accepted size
                try handle.close()

                let baseline = try await runUploadBenchmark(executable, ["--one-upload", tiny, "--base-url", sim.baseURL])
                let large = try await runUploadBenchmark(executable, ["--one-upload", big, "--base-url", sim.baseURL])
                #expect(baseline.sizeBytes == Int64(SampleMedia.pdf(text: "sample").count))
                #expect(large.httpStatus == 413)
                // Every byte of the large file went out: the simulator read both bodies to their end.
                #expect(sim.simulator.stats.uploadBodyBytes > Int64(SampleMedia.pdf(text: "sample").count) + MediaType.maxUploadBytes)
                let growthKiB = large.peakKiB - baseline.peakKiB
                #expect(growthKiB < Int(MediaType.maxUploadBytes / 2 / 1024), "peak RSS grew by \(growthKiB) KiB for a 32 MiB upload (baseline \(baseline.peakKiB) KiB)")
            }
        }
    }
}
