import Foundation
import HeyGenSimulator
import Logging
#if canImport(Glibc)
import Glibc
#endif

/// Fresh folders for one daemon, and the daemon process run on them against a simulator.
struct Workspace {
    let root: String
    var inbox: String { root + "/inbox" }
    var outbox: String { root + "/outbox" }
    let binary: String

    init(binary: String) throws {
        self.binary = binary
        root = NSTemporaryDirectory() + "daemon-benchmark-\(UUID().uuidString.prefix(8))"
        for folder in ["inbox", "outbox", "archive", "failed", "state"] {
            try FileManager.default.createDirectory(atPath: "\(root)/\(folder)", withIntermediateDirectories: true)
        }
    }

    func remove() { try? FileManager.default.removeItem(atPath: root) }

    /// Starts `heygen-dropd run` on these folders against the simulator on `port`; its output goes to a log.
    func startDaemon(port: Int, settings: [String: String]) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = [
            "run", "--inbox", inbox, "--outbox", outbox, "--archive", root + "/archive", "--failed", root + "/failed",
            "--state-dir", root + "/state",
        ]
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("HEYGEN_") }
        environment["HEYGEN_API_KEY"] = "benchmark-key"
        environment["HEYGEN_API_BASE_URL"] = "http://127.0.0.1:\(port)"
        environment["HEYGEN_DROPD_LOG_LEVEL"] = "notice"
        for (key, value) in settings { environment[key] = value }
        process.environment = environment
        _ = FileManager.default.createFile(atPath: root + "/daemon.log", contents: nil)
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: root + "/daemon.log"))
        process.standardOutput = log
        process.standardError = log
        try process.run()
        return process
    }

    /// Ends the daemon started by this workspace (SIGTERM, then waits).
    func stop(_ process: Process) {
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGTERM)
        process.waitUntilExit()
    }

    /// The number of result files in the outbox.
    func resultCount() -> Int {
        ((try? FileManager.default.contentsOfDirectory(atPath: outbox)) ?? []).filter {
            $0.hasSuffix(".json") && !$0.hasPrefix(".")
        }.count
    }

    /// Writes `count` small PNG files named `f<i>.png`, each with bytes of its own, into `folder` (created
    /// first, then renamed in when `folder` is watched, so each appears whole).
    static func writeFiles(_ count: Int, size: Int = 4096, into folder: String, via staging: String? = nil) throws {
        var bytes = [UInt8](repeating: 0, count: size)
        let header: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        for index in 0..<count {
            for offset in header.count..<size { bytes[offset] = UInt8(truncatingIfNeeded: (index &* 31) &+ offset) }
            bytes.replaceSubrange(0..<header.count, with: header)
            // Each file's bytes are its own (no upload is reused from an earlier file's).
            withUnsafeBytes(of: UInt64(index).littleEndian) { index in
                for (offset, byte) in index.enumerated() where header.count + offset < size { bytes[header.count + offset] = byte }
            }
            let name = "f\(index).png"
            let target = "\(folder)/\(name)"
            if let staging {
                _ = FileManager.default.createFile(atPath: "\(staging)/\(name)", contents: Data(bytes))
                rename("\(staging)/\(name)", target)
            } else {
                _ = FileManager.default.createFile(atPath: target, contents: Data(bytes))
            }
        }
    }
}

/// Waits until `condition` holds, checking every 20 ms, for at most `timeout`.
func waitUntil(timeout: Duration, _ condition: () -> Bool) async throws {
    let deadline = ContinuousClock.now + timeout
    while !condition() {
        guard ContinuousClock.now < deadline else { throw BenchmarkFailure("timed out") }
        try await Task.sleep(for: .milliseconds(20))
    }
}

/// CPU ticks (user + system) a process has used so far, from /proc.
func cpuTicks(_ pid: Int32) -> Int {
    guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
        let close = stat.lastIndex(of: ")")
    else { return -1 }
    let fields = stat[stat.index(after: close)...].split(separator: " ")
    // After the name: state is field 3, utime field 14 and stime 15 (1-based over the whole line).
    guard fields.count > 13, let user = Int(fields[11]), let system = Int(fields[12]) else { return -1 }
    return user + system
}

/// A process's peak resident set size in MiB (`VmHWM`).
func peakRSSMiB(_ pid: Int32) -> Double {
    guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return -1 }
    for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
        let kib = Double(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "") ?? -1
        return kib / 1024
    }
    return -1
}

let quietLogger = Logger(label: "daemon-benchmark", factory: { _ in SwiftLogNoOpLogHandler() })

/// Seconds since `start`, to two decimals.
func seconds(since start: ContinuousClock.Instant) -> String {
    let elapsed = ContinuousClock.now - start
    return String(format: "%.2f s", Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
}
