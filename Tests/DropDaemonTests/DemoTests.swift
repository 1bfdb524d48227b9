import Foundation
import TestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `heygen-dropd demo`, run as the real binary in a fresh working directory.
@Suite("Demo", .serialized, .timeLimit(.minutes(10)))
struct DemoTests {
    static let samples = ["welcome.png", "brochure.pdf", "launch"]

    @Test("demo makes ./demo, processes its samples, prints the results, stops on SIGINT; a second run works too")
    func demoRunsTwice() async throws {
        let work = try TemporaryDirectory(prefix: "dropd-demo")
        defer { work.remove() }
        let outbox = work.file("demo/outbox")

        let first = try DemoProcess.start(in: work.path, log: work.file("first"))
        let results = try await first.waitForLines(Self.samples.map { "\($0): succeeded" })
        #expect(first.stdout.contains("drop files"))
        #expect(first.stdout.contains("\(work.path)/demo/inbox"))
        // The dashboard is on, on loopback, and its URL printed.
        #expect(first.stdout.range(of: #"dashboard: http://127\.0\.0\.1:[0-9]+/"#, options: .regularExpression) != nil)
        for (name, line) in zip(Self.samples, results) {
            #expect(line.hasSuffix("; \(outbox)/\(name).json"), "the line for \(name) names its result file")
        }
        let files = try Self.samples.map { try ResultFile(path: "\(outbox)/\($0).json") }
        #expect(files.allSatisfy { $0.status == "succeeded" })
        #expect(files[0].videoAgent == nil)
        #expect(files[1].videoAgent?["video_url"]?.string != nil)
        #expect(files[1].videoAgent?["prompt"]?.string?.isEmpty == false)
        // The sample PDF's video is downloaded into the outbox, and its line names the file.
        let video = "\(outbox)/brochure.pdf.mp4"
        #expect(files[1].json["downloads"]?.array?.first?["path"]?.string == video)
        #expect(FileManager.default.fileExists(atPath: video))
        #expect(results[1].contains("video \(video)"))
        #expect(files[2].assets.count == 2)
        #expect(files[2].videoAgent?["video_url"]?.string != nil)
        for folder in ["inbox", "outbox", "archive", "failed", "state"] {
            #expect(FileManager.default.fileExists(atPath: work.file("demo/\(folder)")), "\(folder)")
        }
        #expect(try await first.interrupt() == 0)
        #expect(first.stdout.contains("demo stopped"))
        #expect(!first.stderr.contains("error"), "\(first.stderr)")

        // Again in the same place: the folders are reused, the samples dropped and processed again.
        let second = try DemoProcess.start(in: work.path, log: work.file("second"))
        _ = try await second.waitForLines(Self.samples.map { "\($0): succeeded" })
        let archive = try FileManager.default.contentsOfDirectory(atPath: work.file("demo/archive"))
        #expect(Set(archive).isSuperset(of: ["welcome.png", "welcome-1.png", "launch", "launch-1", "brochure-1.pdf.prompt"]))
        #expect(try await second.interrupt() == 0)
    }
}

/// A `heygen-dropd demo` process in a working directory, its output in files.
final class DemoProcess: Sendable {
    private let child: ChildProcess

    private init(child: ChildProcess) {
        self.child = child
    }

    static func start(in directory: String, log: String) throws -> DemoProcess {
        var environment = ProcessInfo.processInfo.environment
        for key in environment.keys where key.hasPrefix("HEYGEN_") { environment.removeValue(forKey: key) }
        return DemoProcess(
            child: try ChildProcess(
                BuiltProducts.executable("heygen-dropd"), ["demo"], environment: environment, directory: directory,
                stdoutPath: "\(log).out", stderrPath: "\(log).err"))
    }

    var stdout: String { child.stdout }
    var stderr: String { child.stderr }

    /// Waits until stdout has a line containing each of `fragments`; returns those lines.
    func waitForLines(_ fragments: [String], timeout: Duration = .seconds(90)) async throws -> [String] {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let lines = stdout.split(separator: "\n").map(String.init)
            let found = fragments.compactMap { fragment in lines.first { $0.contains(fragment) } }
            if found.count == fragments.count { return found }
            guard child.isRunning else { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        child.signal(SIGINT)
        throw HarnessError("demo did not print \(fragments); stdout:\n\(stdout)\nstderr:\n\(stderr)")
    }

    /// Sends SIGINT and returns the exit status (128+signal when killed by one).
    func interrupt(timeout: Duration = .seconds(60)) async throws -> Int32 {
        child.signal(SIGINT)
        return try await child.waitForExit(timeout: timeout)
    }
}
