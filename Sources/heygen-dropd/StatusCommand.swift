import ArgumentParser
import DropLogging
import DropOperator
import DropPipeline
import DropService
import DropSettings
import DropQueue
import Foundation
import Logging

/// `heygen-dropd status`: the queue at a glance, read from the daemon's database.
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show queue counts by state, the oldest waiting job, the last errors, and whether a daemon runs.")

    func validate() throws {
        if json && watch { throw ValidationError("--json and --watch cannot be used together") }
    }

    @Flag(help: "Print one JSON object (for scripts).") var json = false
    @Flag(help: "Redraw every second with a progress bar per job in flight (plain lines when not a terminal).")
    var watch = false
    @OptionGroup var settingsOptions: SettingsOptions

    func run() async throws {
        try await reportingFailure {
            if watch {
                try await OperatorCommand.withQueue(settingsOptions) { settings, queue in
                    try await StatusWatch.run(settings: settings, queue: queue)
                }
                return
            }
            let report = try await OperatorCommand.withQueue(settingsOptions) { settings, queue in
                try await QueueReport.read(queue: queue, stateDir: settings.stateDir)
            }
            OperatorCommand.write(json ? report.jsonData() : Data((report.text() + "\n").utf8))
        }
    }
}

/// What `status`, `jobs` and `retry` share: loading the settings and opening the existing queue.
enum OperatorCommand {
    /// The settings from flags, environment and config file, and the queue they name. No API key needed;
    /// a missing database is one clear error. Log lines (warnings and worse) go to stderr.
    static func withQueue<T: Sendable>(
        _ options: SettingsOptions, _ body: (Settings, any QueueStore) async throws -> T
    ) async throws -> T {
        let environment = ProcessInfo.processInfo.environment
        let settings = try await SettingsLoader.load(flags: options.flagValues(), environment: environment)
        bootstrapLogging(format: settings.logFormat, level: .warning, environment: environment)
        return try await OperatorQueue.with(settings, logger: Logger(label: "heygen-dropd")) { queue in
            try await body(settings, queue)
        }
    }

    /// Writes to stdout at once (no buffering).
    static func write(_ data: Data) {
        FileHandle.standardOutput.write(data)
    }

    /// Writes one line to stdout.
    static func print(_ line: String) {
        write(Data((line + "\n").utf8))
    }

    /// Writes one line to stderr, prefixed like every error of the command.
    static func printError(_ line: String) {
        FileHandle.standardError.write(Data("heygen-dropd: \(line)\n".utf8))
    }
}
