import Foundation
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// Running the real binary with `profiles:`: the folders come from the config file, so only the state dir
/// and the config file are given on the command line.
extension DaemonHarness {
    /// Writes `yaml` as a config file in the harness folder; returns its path.
    func writeConfig(_ yaml: String, name: String = "config.yaml") throws -> String {
        let path = root.file(name)
        try Data(yaml.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// The command line of `subcommand` with `config` and the harness's state dir, and no folder flags.
    func profileArguments(_ subcommand: String, config: String, extra: [String] = []) -> [String] {
        [subcommand, "--config", config, "--state-dir", state] + extra
    }

    /// Starts `heygen-dropd run` with `config` and waits until every one of `inboxes` is watched.
    func startProfileDaemon(config: String, inboxes: [String], environment extra: [String: String] = [:]) async throws
        -> DaemonProcess
    {
        var env = daemonEnvironment()
        for (key, value) in extra { env[key] = value }
        let daemon = try DaemonProcess.start(
            arguments: profileArguments("run", config: config), environment: env,
            log: root.file("daemon-\(UUID().uuidString.prefix(6)).log"))
        for inbox in inboxes { try await daemon.waitUntilReady(inbox: inbox) }
        return daemon
    }

    /// Runs a subcommand with `config` and the harness's state dir to completion.
    func profileCommand(
        _ subcommand: String, config: String, _ extra: [String] = [], environment extra2: [String: String] = [:]
    ) async throws -> (status: Int32, stdout: String, stderr: String) {
        var env = daemonEnvironment()
        for (key, value) in extra2 { env[key] = value }
        return try await runProcess(
            BuiltProducts.executable("heygen-dropd"), profileArguments(subcommand, config: config, extra: extra),
            environment: env)
    }

    /// Writes `data` into `folder` through a dot-temp file renamed into place.
    func drop(_ name: String, _ data: Data, into folder: String) throws {
        let temporary = "\(folder)/.\(name).\(UUID().uuidString.prefix(6))"
        try data.write(to: URL(fileURLWithPath: temporary))
        guard rename(temporary, "\(folder)/\(name)") == 0 else { throw HarnessError("rename failed for \(name)") }
    }

    /// Waits until `outbox` holds results for all `names`, or fails after `timeout`.
    func waitForResults(_ names: [String], in outbox: String, timeout: Duration = .seconds(60)) async throws
        -> [String: ResultFile]
    {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let present = Set(list(outbox))
            if names.allSatisfy({ present.contains("\($0).json") }) {
                var results: [String: ResultFile] = [:]
                for name in names { results[name] = try ResultFile(path: "\(outbox)/\(name).json") }
                return results
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw HarnessError("timed out waiting for results in \(outbox): \(names.joined(separator: ", ")); found \(list(outbox))")
    }
}
