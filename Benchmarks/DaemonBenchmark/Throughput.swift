import Foundation
import HeyGenSimulator
#if canImport(Glibc)
import Glibc
#endif

/// Files dropped at once into a running daemon, every upload answered after a fixed latency: the time to
/// all results, beside the floor the API allows and a shell one-liner doing only the uploads.
struct Throughput {
    let options: BenchmarkOptions
    let binary: String

    func run() async throws {
        let files = try options.int("files", default: 400)
        let latency = try options.int("latency-ms", default: 20)
        let workers = try options.int("workers", default: 4)
        var faults = SimulatorFaults()
        faults.latencyMs = latency
        let floor = Double(files * latency) / Double(workers) / 1000
        print("throughput: \(files) files of 4 KiB, \(latency) ms per upload, \(workers) in flight")
        print(String(format: "  floor (files × latency / in flight): %.2f s", floor))

        let (daemonSeconds, daemonTicks) = try await withSimulator(faults) { simulator, port in
            let workspace = try Workspace(binary: binary)
            defer { workspace.remove() }
            let staging = workspace.root + "/staging"
            try FileManager.default.createDirectory(atPath: staging, withIntermediateDirectories: true)
            let daemon = try workspace.startDaemon(
                port: port,
                settings: ["HEYGEN_DROPD_WORKERS": "\(workers)", "HEYGEN_DROPD_SETTLE_MS": "0", "HEYGEN_DROPD_LOG_LEVEL": "info"])
            defer { workspace.stop(daemon) }
            try await waitUntil(timeout: .seconds(60)) { daemonLog(workspace).contains("watching ") }
            let ticksBefore = cpuTicks(daemon.processIdentifier)
            let start = ContinuousClock.now
            try Workspace.writeFiles(files, into: workspace.inbox, via: staging)
            try await waitUntil(timeout: .seconds(600)) { workspace.resultCount() >= files }
            let elapsed = ContinuousClock.now - start
            return (elapsed, cpuTicks(daemon.processIdentifier) - ticksBefore)
        }
        print(String(format: "  heygen-dropd (upload, result, move, per file): %.2f s = %.0f %% of the floor's speed",
            daemonSeconds.inSeconds, floor / daemonSeconds.inSeconds * 100))
        print(String(format: "    its CPU meanwhile: %.2f s (%.1f ms per file)",
            Double(daemonTicks) / 100, Double(daemonTicks) * 10 / Double(files)))

        guard options.values["peer"] != "no" else { return }
        guard commandExists("inotifywait") else {
            print("  one-liner: skipped (install inotify-tools for inotifywait)")
            return
        }
        let peerSeconds = try await withSimulator(faults) { simulator, port in
            let workspace = try Workspace(binary: binary)
            defer { workspace.remove() }
            let staging = workspace.root + "/staging"
            try FileManager.default.createDirectory(atPath: staging, withIntermediateDirectories: true)
            let script = """
                cd '\(workspace.inbox)' && inotifywait -m -q -e moved_to,close_write --format '%f' . \
                | xargs -P\(workers) -I{} curl -s -o /dev/null -H 'X-Api-Key: benchmark-key' -F 'file=@{}' \
                http://127.0.0.1:\(port)/v3/assets
                """
            let peer = try startGroup(script)
            defer { endGroup(peer) }
            try await Task.sleep(for: .milliseconds(500))  // inotifywait sets its watch
            let start = ContinuousClock.now
            try Workspace.writeFiles(files, into: workspace.inbox, via: staging)
            try await waitUntil(timeout: .seconds(600)) { simulator.stats.uploads >= files }
            return ContinuousClock.now - start
        }
        print(String(format: "  inotifywait | xargs -P\(workers) curl (uploads only): %.2f s", peerSeconds.inSeconds))
        print(String(format: "  heygen-dropd is %.2f× the one-liner", peerSeconds.inSeconds / daemonSeconds.inSeconds))
    }
}

/// Runs `body` with a fresh simulator on a free loopback port.
func withSimulator<T>(
    _ faults: SimulatorFaults, _ body: (HeyGenSimulator, Int) async throws -> T
) async throws -> T {
    let simulator = HeyGenSimulator(host: "127.0.0.1", port: 0, faults: faults, logger: quietLogger)
    return try await simulator.withRunning { port in try await body(simulator, port) }
}

/// The daemon's log so far.
func daemonLog(_ workspace: Workspace) -> String {
    (try? String(contentsOfFile: workspace.root + "/daemon.log", encoding: .utf8)) ?? ""
}

extension Duration {
    /// The duration in seconds.
    var inSeconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
