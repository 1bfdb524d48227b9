import ArgumentParser
import DropLogging
import DropOperator
import DropPipeline
import DropService
import DropSettings
import DropDemo
import CoreMetrics
import DropHTTP
import Foundation
import HeyGenAPI
import Logging

/// `heygen-dropd demo`: a local simulator and a daemon on `./demo`, with samples; no API key, no setup.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Try it with no API key: a local HeyGen simulator, a daemon on ./demo, sample files.",
        discussion: """
            Makes ./demo/{inbox,outbox,archive,failed,state} in the current directory (or reuses them), \
            drops a few samples, prints each result as it arrives, and keeps watching ./demo/inbox until \
            Ctrl-C. Each run starts from an empty queue. Settings flags apply (e.g. --log-level info); the \
            environment and config files are not read, and the API is always the built-in simulator.
            """)

    @OptionGroup var settingsOptions: SettingsOptions
    @OptionGroup var watcherOptions: WatcherOptions

    func run() async throws {
        try await reportingFailure {
            let root = FileManager.default.currentDirectoryPath + "/demo"
            let settings = try await Demo.settings(root: root, flags: settingsOptions.flagValues(with: watcherOptions))
            let demo = Demo(root: root, settings: settings)
            try demo.prepare()
            bootstrapLogging(
                format: settings.logFormat, level: settings.logLevel, environment: ProcessInfo.processInfo.environment)
            let logger = Logger(label: "heygen-dropd")
            let httpClient = HeyGenClient.makeHTTPClient()
            let metrics = MetricsRegistry()
            MetricsSystem.bootstrap(metrics.factory)
            do {
                try await demo.run(httpClient: httpClient, logger: logger, metrics: metrics) { line in
                    FileHandle.standardOutput.write(Data((line + "\n").utf8))
                }
            } catch {
                try? await httpClient.shutdown()
                throw error
            }
            try await httpClient.shutdown()
        }
    }
}
