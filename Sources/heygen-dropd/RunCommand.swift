import ArgumentParser
import AsyncHTTPClient
import DropLogging
import DropOperator
import DropPipeline
import DropService
import DropSettings
import Foundation
import HeyGenAPI
import Logging
import ServiceLifecycle

/// `heygen-dropd run`: the daemon in the foreground, as systemd starts it.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run", abstract: "Run the daemon in the foreground (what systemd starts).")

    @OptionGroup var settingsOptions: SettingsOptions

    func run() async throws {
        try await reportingFailure {
            var environment = ProcessInfo.processInfo.environment
            let settings = try await SettingsLoader.load(flags: settingsOptions.flagValues(), environment: environment)
            // Read once: from here on the key is in `settings` only, not in the environment.
            APIKeyGuard.scrubEnvironment()
            environment["HEYGEN_API_KEY"] = nil
            try FolderCheck.prepareForRun(settings)
            bootstrapLogging(format: settings.logFormat, level: settings.logLevel, environment: environment)
            let logger = Logger(label: "heygen-dropd")
            let httpClient = HeyGenClient.makeHTTPClient()
            let daemon: DaemonService
            do {
                daemon = try DaemonService(
                    settings: settings, httpClient: httpClient, notifier: SystemdNotifier(environment: environment),
                    logger: logger)
            } catch {
                try? await httpClient.shutdown()
                throw error
            }
            let group = ServiceGroup(
                services: [daemon], gracefulShutdownSignals: [.sigterm, .sigint], cancellationSignals: [],
                logger: logger)
            do {
                try await group.run()
            } catch {
                try? await httpClient.shutdown()
                throw error
            }
            try await httpClient.shutdown()
        }
    }
}
