import Foundation
import HeyGenSimulator

/// An idle daemon (its inbox empty, nothing queued or waiting) should cost nothing: its CPU ticks over a
/// window, beside those of an idle `inotifywait -m` on the same inbox.
struct Idle {
    let options: BenchmarkOptions
    let binary: String

    func run() async throws {
        let window = try options.int("seconds", default: 10)
        try await withSimulator(SimulatorFaults()) { simulator, port in
            let workspace = try Workspace(binary: binary)
            defer { workspace.remove() }
            let daemon = try workspace.startDaemon(port: port, settings: ["HEYGEN_DROPD_LOG_LEVEL": "info"])
            defer { workspace.stop(daemon) }
            try await waitUntil(timeout: .seconds(60)) { daemonLog(workspace).contains("watching ") }
            try Workspace.writeFiles(1, into: workspace.inbox)
            try await waitUntil(timeout: .seconds(60)) { workspace.resultCount() >= 1 }
            try await Task.sleep(for: .seconds(1))
            let peer = commandExists("inotifywait") ? try startGroup("exec inotifywait -m -q '\(workspace.inbox)'") : nil
            defer { peer.map(endGroup) }
            try await Task.sleep(for: .milliseconds(500))
            let before = cpuTicks(daemon.processIdentifier)
            let peerBefore = peer.map { cpuTicks($0.processIdentifier) }
            try await Task.sleep(for: .seconds(window))
            let ticks = cpuTicks(daemon.processIdentifier) - before
            print("idle: CPU ticks (1/100 s) in \(window) s with nothing to do, after one job")
            print("  heygen-dropd: \(ticks)")
            if let peer, let peerBefore {
                print("  inotifywait -m: \(cpuTicks(peer.processIdentifier) - peerBefore)")
            }
        }
    }
}
