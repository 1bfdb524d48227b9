import Foundation
import HeyGenSimulator

/// Files already in the inbox when the daemon starts: the time to READY, the time until every one is
/// queued, and the daemon's peak memory. The simulator answers slowly, so uploads do not compete.
struct Startup {
    let options: BenchmarkOptions
    let binary: String

    func run() async throws {
        let files = try options.int("files", default: 100_000)
        var faults = SimulatorFaults()
        faults.latencyMs = 600_000
        try await withSimulator(faults) { simulator, port in
            let workspace = try Workspace(binary: binary)
            defer { workspace.remove() }
            try Workspace.writeFiles(files, size: 64, into: workspace.inbox)
            let start = ContinuousClock.now
            let daemon = try workspace.startDaemon(port: port, settings: ["HEYGEN_DROPD_LOG_LEVEL": "info"])
            defer { workspace.stop(daemon) }
            try await waitUntil(timeout: .seconds(600)) { daemonLog(workspace).contains("watching ") }
            let ready = seconds(since: start)
            try await waitUntil(timeout: .seconds(1200)) { queuedLines(workspace) >= files }
            let queued = seconds(since: start)
            print("startup: \(files) files in the inbox at start")
            print("  heygen-dropd: READY after \(ready), all queued after \(queued), "
                + String(format: "peak RSS %.0f MiB", peakRSSMiB(daemon.processIdentifier)))
        }
    }

    /// The number of "queued" log lines so far.
    private func queuedLines(_ workspace: Workspace) -> Int {
        guard let data = FileManager.default.contents(atPath: workspace.root + "/daemon.log") else { return 0 }
        let needle = Array(" queued ".utf8)
        var count = 0
        data.withUnsafeBytes { raw in
            let bytes = raw.bindMemory(to: UInt8.self)
            var index = 0
            while index + needle.count <= bytes.count {
                if bytes[index] == needle[0], Array(bytes[index..<index + needle.count]) == needle { count += 1 }
                index += 1
            }
        }
        return count
    }
}
