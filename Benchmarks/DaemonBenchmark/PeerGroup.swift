import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// True when `name` is a command on the PATH.
func commandExists(_ name: String) -> Bool {
    (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").contains {
        FileManager.default.isExecutableFile(atPath: "\($0)/\(name)")
    }
}

/// Starts `script` under `sh` as the leader of a process group of its own (Foundation's `Process` starts
/// every child in a new group, led by it), so the whole pipeline it starts can be ended by `endGroup`.
func startGroup(_ script: String) throws -> Process {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/sh")
    process.arguments = ["-c", script]
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    guard processGroup(of: process.processIdentifier) == process.processIdentifier else {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        throw BenchmarkFailure("the peer's shell is not the leader of a process group of its own")
    }
    return process
}

/// Ends the process group started by `startGroup`: SIGKILL to the group led by that shell (its pipeline's
/// members may ignore SIGTERM, as a shell's background children inherit), then waits for the shell.
func endGroup(_ process: Process) {
    // `startGroup` made sure the shell leads the group; a group's id is not reused while it has members.
    kill(-process.processIdentifier, SIGKILL)
    process.waitUntilExit()
}

/// The process group of process `pid`, from /proc (nil when it is gone).
func processGroup(of pid: Int32) -> Int32? {
    guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
        let close = stat.lastIndex(of: ")")
    else { return nil }
    // After the name: state, ppid, pgrp.
    let fields = stat[stat.index(after: close)...].split(separator: " ")
    return fields.count > 2 ? Int32(fields[2]) : nil
}
