import DropDemo
import Foundation
import HeyGenAPI
import TestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The unit under a real systemd, booted with `systemd-nspawn` on a throw-away overlay of this machine's
/// root (`systemd/tests/container-install.sh`); skipped, saying why, where the machine cannot do that.
@Suite("systemd in a container", .serialized, .timeLimit(.minutes(10)))
struct SystemdContainerTests {
    static let repository: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }  // file, DropDaemonTests, Tests
        return url.path
    }()

    @Test("README install steps: active with STATUS=, a member's drop succeeds, kill -9 restarts, stop exits 0, quiet journal")
    func installAndOperate() async throws {
        let scratch = try TemporaryDirectory(prefix: "dropd-container")
        defer { scratch.remove() }
        let sample = scratch.file("sample.png")
        try SampleMedia.bytes(.png, seed: 5).write(to: URL(fileURLWithPath: sample))
        chmod(sample, 0o644)
        let log = scratch.file("container.log")
        _ = FileManager.default.createFile(atPath: log, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [
            Self.repository + "/systemd/tests/container-install.sh", BuiltProducts.executable("heygen-dropd"),
            Self.repository, sample,
        ]
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let box = ProcessBox(process)
        let deadline = ContinuousClock.now + .seconds(480)
        while box.value.isRunning {
            if ContinuousClock.now > deadline {
                box.value.terminate()
                break
            }
            try await Task.sleep(for: .milliseconds(200))
        }
        while box.value.isRunning { try await Task.sleep(for: .milliseconds(200)) }
        let output = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        if box.value.terminationStatus == 77 {
            print("skipped: \(output.split(separator: "\n").last ?? "the machine cannot boot a container")")
            return
        }
        #expect(box.value.terminationStatus == 0, "\(output)")
        #expect(output.contains("all checks passed"), "\(output)")
    }
}
