import Foundation
import HeyGenSimulator

/// Files already in the inbox when the daemon starts: the time to READY, the time until every one is
/// queued, the rate they go into the queue, and the daemon's peak memory. The simulator answers slowly, so
/// uploads do not compete.
struct Startup {
    let options: BenchmarkOptions
    let binary: String

    func run() async throws {
        let files = try options.int("files", default: 100_000)
        let settleMs = try options.int("settle-ms", default: 200)
        var faults = SimulatorFaults()
        faults.latencyMs = 600_000
        try await withSimulator(faults) { simulator, port in
            let workspace = try Workspace(binary: binary)
            defer { workspace.remove() }
            try Workspace.writeFiles(files, size: 64, into: workspace.inbox)
            let start = ContinuousClock.now
            let daemon = try workspace.startDaemon(
                port: port, settings: ["HEYGEN_DROPD_LOG_LEVEL": "info", "HEYGEN_DROPD_SETTLE_MS": "\(settleMs)"])
            defer { workspace.stop(daemon) }
            var ready: Duration?
            var firstQueued: Duration?
            var peak = 0.0
            let deadline = start + .seconds(1200)
            while true {
                peak = max(peak, peakRSSMiB(daemon.processIdentifier))
                let log = daemonLog(workspace)
                let now = ContinuousClock.now - start
                // READY: the start-up scan is queued (the line after the one naming how the inbox is watched).
                if ready == nil, log.contains(": watching \(workspace.inbox)") { ready = now }
                let queued = Self.queuedCount(log)
                if firstQueued == nil, queued > 0 { firstQueued = now }
                if queued >= files, ready != nil { break }
                guard ContinuousClock.now < deadline, daemon.isRunning else { throw BenchmarkFailure("timed out") }
                try await Task.sleep(for: .milliseconds(10))
            }
            let allQueued = ContinuousClock.now - start
            peak = max(peak, peakRSSMiB(daemon.processIdentifier))
            let queueing = (allQueued - (firstQueued ?? .zero)).inSeconds
            print("startup: \(files) files in the inbox at start (settle window \(settleMs) ms)")
            print(String(format: "  heygen-dropd: READY after %.2f s, all queued after %.2f s", ready!.inSeconds, allQueued.inSeconds))
            print(String(format: "  into the queue: %.0f files/s (first to last queued, %.2f s); peak RSS %.0f MiB",
                Double(files) / max(queueing, 0.01), queueing, peak))
        }
    }

    /// How many jobs the daemon's log says it queued so far: one per `queued` line of a single job, and the
    /// count of each `queued N jobs in one transaction` line.
    static func queuedCount(_ log: String) -> Int {
        var count = 0
        for line in log.split(separator: "\n") {
            guard let range = line.range(of: ": queued") else { continue }
            let rest = line[range.upperBound...]
            guard rest.isEmpty || rest.first == " " else { continue }
            count += Int(rest.dropFirst().prefix(while: \.isNumber)) ?? 1
        }
        return count
    }
}
