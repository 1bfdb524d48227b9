import Foundation

/// Foundation's Process is thread-safe for what the tests use (isRunning, status after exit).
public final class ProcessBox: @unchecked Sendable {
    /// The process.
    public let value: Process
    /// Wraps a process.
    public init(_ value: Process) { self.value = value }
}

/// Runs an executable to completion, collecting its output (through files, so no pipe can fill up).
public func runProcess(
    _ path: String, _ arguments: [String], environment: [String: String] = ProcessInfo.processInfo.environment
) async throws
    -> (status: Int32, stdout: String, stderr: String)
{
    let scratch = try TemporaryDirectory(prefix: "dropd-cmd")
    defer { scratch.remove() }
    _ = FileManager.default.createFile(atPath: scratch.file("out"), contents: nil)
    _ = FileManager.default.createFile(atPath: scratch.file("err"), contents: nil)
    let process = Process()
    process.executableURL = URL(fileURLWithPath: path)
    process.arguments = arguments
    process.environment = environment
    process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: scratch.file("out")))
    process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: scratch.file("err")))
    process.standardInput = FileHandle.nullDevice
    try process.run()
    let box = ProcessBox(process)
    let deadline = ContinuousClock.now + .seconds(120)
    while box.value.isRunning {
        if ContinuousClock.now > deadline {
            box.value.terminate()
            throw ProcessTimeout(description: "\(path) \(arguments.first ?? "") did not finish in 120 s")
        }
        try await Task.sleep(for: .milliseconds(10))
    }
    let stdout = (try? String(contentsOfFile: scratch.file("out"), encoding: .utf8)) ?? ""
    let stderr = (try? String(contentsOfFile: scratch.file("err"), encoding: .utf8)) ?? ""
    return (box.value.terminationStatus, stdout, stderr)
}

/// A child process that ran past its time limit.
public struct ProcessTimeout: Error, CustomStringConvertible {
    /// What ran too long.
    public let description: String
}
