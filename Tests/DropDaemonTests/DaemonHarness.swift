import Foundation
import HeyGenSimulator
import Logging
import TestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Temp folders, an in-process simulator, and the real `heygen-dropd` binary run against them.
struct DaemonHarness: Sendable {
    let root: TemporaryDirectory
    let inbox: String
    let outbox: String
    let archive: String
    let failed: String
    let state: String
    let simulator: HeyGenSimulator
    let port: Int

    /// Settings given to every daemon this harness starts (as environment variables), on top of the fast test defaults.
    var environment: [String: String] = [:]
    var apiKey = "test-key-0123456789"

    /// Runs `body` with fresh folders and a simulator on a free loopback port, with `faults` and upload `limits`;
    /// cleans up afterwards.
    static func with(
        faults: SimulatorFaults = SimulatorFaults(), limits: SimulatorLimits = SimulatorLimits(),
        _ body: (inout DaemonHarness) async throws -> Void
    ) async throws {
        let root = try TemporaryDirectory(prefix: "dropd-e2e")
        defer { root.remove() }
        let simulator = HeyGenSimulator(
            host: "127.0.0.1", port: 0, faults: faults, limits: limits, logger: quietLogger("simulator"))
        try await simulator.withRunning { port in
            var harness = DaemonHarness(
                root: root, inbox: try root.subdirectory("inbox"), outbox: try root.subdirectory("outbox"),
                archive: try root.subdirectory("archive"), failed: try root.subdirectory("failed"),
                state: try root.subdirectory("state"), simulator: simulator, port: port)
            do {
                try await body(&harness)
            } catch {
                harness.dumpLogs()
                throw error
            }
        }
    }

    /// The daemon's command line for `subcommand` against this harness's folders and simulator.
    func arguments(_ subcommand: String, extra: [String] = []) -> [String] {
        [
            subcommand, "--inbox", inbox, "--outbox", outbox, "--archive", archive, "--failed", failed,
            "--state-dir", state,
        ] + extra
    }

    /// The environment for a daemon: the key, the simulator's URL, fast timings for tests.
    func daemonEnvironment() -> [String: String] {
        var env = ProcessInfo.processInfo.environment
        for key in env.keys where key.hasPrefix("HEYGEN_") || key == "NOTIFY_SOCKET" || key == "CREDENTIALS_DIRECTORY" {
            env.removeValue(forKey: key)
        }
        env["HEYGEN_API_KEY"] = apiKey
        env["HEYGEN_API_BASE_URL"] = "http://127.0.0.1:\(port)"
        env["HEYGEN_DROPD_SETTLE_MS"] = "200"
        env["HEYGEN_DROPD_RETRY_BASE_DELAY_MS"] = "20"
        env["HEYGEN_DROPD_VIDEO_POLL_INITIAL_MS"] = "100"
        env["HEYGEN_DROPD_VIDEO_POLL_MAX_MS"] = "400"
        env["HEYGEN_DROPD_LOG_LEVEL"] = "debug"
        for (key, value) in environment { env[key] = value }
        return env
    }

    /// Starts `heygen-dropd run` in the background and waits until it watches the inbox (unless `ready` is false);
    /// its output goes to a log file in the harness folder.
    func startDaemon(extra: [String] = [], ready: Bool = true) async throws -> DaemonProcess {
        let daemon = try DaemonProcess.start(
            arguments: arguments("run", extra: extra), environment: daemonEnvironment(),
            log: root.file("daemon-\(UUID().uuidString.prefix(6)).log"))
        if ready { try await daemon.waitUntilReady(inbox: inbox) }
        return daemon
    }

    /// Runs a `heygen-dropd` subcommand to completion and returns its exit status and output.
    func command(_ subcommand: String, _ extra: [String] = [], environment: [String: String] = [:]) async throws
        -> (status: Int32, stdout: String, stderr: String)
    {
        var env = daemonEnvironment()
        for (key, value) in environment { env[key] = value }
        return try await runProcess(BuiltProducts.executable("heygen-dropd"), arguments(subcommand, extra: extra), environment: env)
    }

    /// Writes `data` into the inbox the way most tools do: into a dot-temp file, then renamed into place.
    func drop(_ name: String, _ data: Data) throws {
        let temporary = "\(inbox)/.\(name).\(UUID().uuidString.prefix(6))"
        try data.write(to: URL(fileURLWithPath: temporary))
        guard rename(temporary, "\(inbox)/\(name)") == 0 else { throw HarnessError("rename failed for \(name)") }
    }

    /// Names of the result files in the outbox (without temporary files).
    func resultNames() -> Set<String> {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: outbox)) ?? []
        return Set(names.filter { $0.hasSuffix(".json") && !$0.hasPrefix(".") })
    }

    /// Waits until the outbox holds results for all `names` (source names), or fails after `timeout`.
    func waitForResults(_ names: [String], timeout: Duration = .seconds(60)) async throws -> [String: ResultFile] {
        let wanted = Set(names.map { "\($0).json" })
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if wanted.isSubset(of: resultNames()) {
                var results: [String: ResultFile] = [:]
                for name in names { results[name] = try ResultFile(path: "\(outbox)/\(name).json") }
                return results
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        let missing = wanted.subtracting(resultNames()).sorted()
        throw HarnessError("timed out waiting for \(missing.count) result(s): \(missing.prefix(5).joined(separator: ", "))")
    }

    /// Prints the daemon logs (on failure), so a red test says why.
    func dumpLogs() {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []
        for file in files.sorted() where file.hasSuffix(".log") {
            let text = (try? String(contentsOfFile: root.file(file), encoding: .utf8)) ?? ""
            print("---- \(file) (last 60 lines)\n" + text.split(separator: "\n").suffix(200).joined(separator: "\n"))
        }
    }

    /// Entries of a folder, sorted.
    func list(_ folder: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).sorted()
    }
}

/// One result file, parsed and checked against the project's schema when read.
struct ResultFile: Sendable {
    let data: Data
    let json: JSONNode

    init(path: String) throws {
        data = try Data(contentsOf: URL(fileURLWithPath: path))
        json = try JSONNode.parse(data)
        let problems = try ResultSchema.validator().problems(in: data)
        if !problems.isEmpty {
            throw HarnessError("\(path) does not match the result schema: \(problems.joined(separator: "; "))")
        }
    }

    var status: String? { json["status"]?.string }
    var errorCode: String? { json["error"]?["code"]?.string }
    var assets: [JSONNode] { json["assets"]?.array ?? [] }
    var movedTo: String? { json["source"]?["moved_to"]?.string }
    var attempts: Int { Int(json["attempts"]?.number ?? -1) }
    var videoAgent: JSONNode? { json["video_agent"] == .null ? nil : json["video_agent"] }
}

/// A running `heygen-dropd` process (killed if its test lets go of it while it runs).
final class DaemonProcess: Sendable {
    private let child: ChildProcess

    private init(child: ChildProcess) {
        self.child = child
    }

    static func start(arguments: [String], environment: [String: String], log: String) throws -> DaemonProcess {
        DaemonProcess(
            child: try ChildProcess(
                BuiltProducts.executable("heygen-dropd"), arguments, environment: environment, stdoutPath: log))
    }

    /// The daemon's process id.
    var pid: Int32 { child.pid }

    /// The file its output goes to.
    var log: String { child.stdoutPath }

    /// Waits for the daemon's "watching INBOX" line: the watch is in place and the start-up scan done.
    func waitUntilReady(inbox: String, timeout: Duration = .seconds(30)) async throws {
        let deadline = ContinuousClock.now + timeout
        while !logText.contains("watching \(inbox)") {
            if !child.isRunning { throw HarnessError("daemon exited before it was ready:\n\(logText)") }
            if ContinuousClock.now > deadline { throw HarnessError("daemon not ready after \(timeout)") }
            try await Task.sleep(for: .milliseconds(10))
        }
    }

    /// Sends a signal (SIGTERM, SIGKILL, ...).
    func signal(_ number: Int32) { child.signal(number) }

    /// Waits for the process to end; returns its exit status (or 128+signal), failing after `timeout`.
    func waitForExit(timeout: Duration = .seconds(60)) async throws -> Int32 {
        try await child.waitForExit(timeout: timeout)
    }

    /// Stops the daemon with SIGTERM and returns its exit status.
    func stop() async throws -> Int32 {
        signal(SIGTERM)
        return try await waitForExit()
    }

    /// The daemon's log so far.
    var logText: String { child.stdout }
}
