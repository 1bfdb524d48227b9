import ArgumentParser
import AsyncHTTPClient
import CoreMetrics
import DropHTTP
import DropLogging
import DropOperator
import DropPipeline
import DropService
import DropSettings
import Foundation
import HeyGenAPI
import Logging
import ServiceLifecycle
import SystemSupport

/// `heygen-dropd run`: the daemon in the foreground, as systemd starts it.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run", abstract: "Run the daemon in the foreground (what systemd starts).")

    @OptionGroup var settingsOptions: SettingsOptions
    @OptionGroup var watcherOptions: WatcherOptions

    func run() async throws {
        try await reportingFailure {
            var environment = ProcessInfo.processInfo.environment
            let settings = try await SettingsLoader.load(flags: settingsOptions.flagValues(with: watcherOptions), environment: environment)
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
            // The queue store first, so it is shut down last: the daemon's drain still reaches the queue.
            var services: [any Service] = [daemon.queueService, daemon]
            if let listen = settings.httpListen, let address = ListenAddress(parsing: listen) {
                // The series recorded anywhere in the process go to the registry the endpoint prints.
                let metrics = MetricsRegistry()
                MetricsSystem.bootstrap(metrics.factory)
                metrics.metrics.declareUnlabeled()
                // Before the daemon in the group, so it is shut down after it: it shows the drain to the end.
                services.insert(daemon.httpEndpoint(address: address, metrics: metrics), at: 1)
            }
            let group = ServiceGroup(
                services: services, gracefulShutdownSignals: [.sigterm, .sigint], cancellationSignals: [],
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
