import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A program the test started and runs beside it (a daemon, the demo), its output going to files so no pipe can
/// fill up. It never outlives its test: a child still running when the last reference goes is killed and reaped.
public final class ChildProcess: Sendable {
    /// The child's process id.
    public let pid: Int32
    /// The file its standard output goes to.
    public let stdoutPath: String
    /// The file its standard error goes to (the same as `stdoutPath` when they were joined).
    public let stderrPath: String
    private let process: ProcessBox

    /// Starts `executable` with `arguments` and `environment` (in `directory`, if given), standard input from
    /// /dev/null, standard output to `stdoutPath` and standard error to `stderrPath` (by default the same file).
    public init(
        _ executable: String, _ arguments: [String], environment: [String: String], directory: String? = nil,
        stdoutPath: String, stderrPath: String? = nil
    ) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = environment
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        _ = FileManager.default.createFile(atPath: stdoutPath, contents: nil)
        let out = try FileHandle(forWritingTo: URL(fileURLWithPath: stdoutPath))
        process.standardOutput = out
        if let stderrPath, stderrPath != stdoutPath {
            _ = FileManager.default.createFile(atPath: stderrPath, contents: nil)
            process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: stderrPath))
        } else {
            process.standardError = out
        }
        process.standardInput = FileHandle.nullDevice
        try process.run()
        self.process = ProcessBox(process)
        self.pid = process.processIdentifier
        self.stdoutPath = stdoutPath
        self.stderrPath = stderrPath ?? stdoutPath
    }

    /// True until the child has exited.
    public var isRunning: Bool { process.value.isRunning }

    /// What the child wrote to standard output so far.
    public var stdout: String { (try? String(contentsOfFile: stdoutPath, encoding: .utf8)) ?? "" }

    /// What the child wrote to standard error so far.
    public var stderr: String { (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? "" }

    /// Sends the signal `number` (SIGTERM, SIGINT, SIGKILL, …) to the child.
    public func signal(_ number: Int32) { kill(pid, number) }

    /// Waits for the child to end and returns its exit status (128 + the signal when a signal ended it); throws
    /// `HarnessError` after `timeout`, leaving the child to `deinit`.
    public func waitForExit(timeout: Duration = .seconds(60)) async throws -> Int32 {
        let deadline = ContinuousClock.now + timeout
        while process.value.isRunning {
            if ContinuousClock.now > deadline { throw HarnessError("process \(pid) did not exit in \(timeout)") }
            try await Task.sleep(for: .milliseconds(20))
        }
        let ended = process.value
        return ended.terminationReason == .uncaughtSignal ? 128 + ended.terminationStatus : ended.terminationStatus
    }

    deinit {
        let process = process.value
        if process.isRunning {
            kill(pid, SIGKILL)
            process.waitUntilExit()
        }
    }
}
