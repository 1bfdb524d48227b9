import DropOperator
import DropPipeline
import DropService
import DropSettings
import AsyncHTTPClient
import DropHTTP
import Foundation
import HeyGenSimulator
import Logging
import ServiceLifecycle
import SystemSupport

/// `heygen-dropd demo`: a first run with no API key and no setup.
///
/// Everything lives in one folder (`./demo`): `inbox`, `outbox`, `archive`, `failed` and `state`. One
/// `ServiceGroup` runs the built-in HeyGen simulator on a free loopback port, a daemon on those folders
/// talking to it with a dummy key, and a feed printing each result as it arrives. A few samples are dropped
/// at start; the daemon keeps watching the inbox until SIGINT or SIGTERM, then shuts down gracefully.
///
/// The simulator forgets everything when it stops, so every run starts from an empty queue (a previous
/// run's jobs and uploads refer to assets and videos it no longer knows). Files left in the inbox by an
/// interrupted run are simply picked up again.
public struct Demo: Sendable {
    /// The demo folder, absolute.
    public let root: String
    /// The daemon's settings; the API base URL is filled in once the simulator listens.
    public let settings: Settings

    /// The demo's settings for `root`: its folders, a short settle window, quick video polls, logs at
    /// `notice`, a dummy API key. `flags` (config keys, as from the command line) override them; the
    /// environment and config files are not read, and the API key and base URL are always the demo's.
    public static func settings(root: String, flags: [String: String]) async throws -> Settings {
        var values: [String: String] = [
            "inbox": "\(root)/inbox", "outbox": "\(root)/outbox", "archive": "\(root)/archive",
            "failed": "\(root)/failed", "state_dir": "\(root)/state",
            "settle_ms": "300", "video_poll_initial_ms": "500", "video_poll_max_ms": "1000",
            "retry_base_delay_ms": "200", "log_level": "notice", "shutdown_grace_seconds": "5",
            "http_listen": "127.0.0.1:0",
        ]
        values.merge(flags) { _, given in given }
        values["api_key_file"] = nil
        values["api_base_url"] = nil
        var settings = try await SettingsLoader.load(flags: values, environment: [:], defaultConfigFile: nil)
        settings.apiKey = APIKey("demo-key-not-secret", source: "demo")
        return settings
    }

    /// A demo in `root` with `settings` (see `settings(root:flags:)`).
    public init(root: String, settings: Settings) {
        self.root = root
        self.settings = settings
    }

    /// Makes the folders (reusing existing ones), refuses when a demo or daemon already runs on them, and
    /// starts from an empty queue.
    public func prepare() throws {
        try FolderCheck.prepareForRun(settings)
        if let pid = DaemonLock.holder(stateDir: settings.stateDir) {
            let who = pid > 0 ? " (pid \(pid))" : ""
            throw OperatorError("a demo or daemon is already running on \(settings.stateDir)\(who)")
        }
        for suffix in ["", "-wal", "-shm"] {
            let path = settings.databasePath + suffix
            if FileIO.exists(path) {
                try FileManager.default.removeItem(atPath: path)
            }
        }
    }

    /// Runs the simulator, the daemon and the result feed until SIGINT or SIGTERM, then returns.
    /// `output` receives the banner and one line per result. `httpClient` is shut down by the caller.
    /// The dashboard and `/metrics` are served on the settings' `http_listen` (a free loopback port unless
    /// given), printing `series` (the caller bootstraps `MetricsSystem` with its factory, if at all).
    public func run(
        httpClient: HTTPClient, logger: Logger, metrics: MetricsRegistry = MetricsRegistry(),
        output: @escaping @Sendable (String) -> Void
    ) async throws {
        var simulatorLogger = logger
        simulatorLogger[metadataKey: "component"] = "simulator"
        let simulator = SimulatorService(
            simulator: HeyGenSimulator(host: "127.0.0.1", port: 0, logger: simulatorLogger))
        let feed = ResultFeed(outbox: settings.outbox, output: output)
        let daemon = DemoDaemon(
            demo: self, simulator: simulator, httpClient: httpClient, logger: logger, metrics: metrics, output: output)
        // Shut down in reverse: the daemon first (its uploads still reach the simulator), then the feed
        // (which takes a last look), then the simulator.
        let group = ServiceGroup(
            services: [simulator, feed, daemon], gracefulShutdownSignals: [.sigterm, .sigint], cancellationSignals: [],
            logger: logger)
        try await group.run()
        output("demo stopped; the folders stay in \(root)")
    }

    /// What the demo prints first: where the simulator listens and where to drop files.
    func banner(baseURL: String, dropped: [String]) -> String {
        var lines = [
            "heygen-dropd demo: HeyGen simulator at \(baseURL) (no API key needed), daemon on \(root)",
            "  drop files (png, jpeg, mp4, webm, mp3, wav, pdf) or folders into  \(settings.inbox)",
            "  a NAME.prompt beside a file, or a prompt.txt inside a folder, also makes a video",
            "  results appear in  \(settings.outbox);  sources then move to archive/ or failed/",
        ]
        if !dropped.isEmpty {
            lines.append("  samples dropped: \(dropped.joined(separator: ", "))")
        }
        lines.append("  press Ctrl-C to stop")
        return lines.joined(separator: "\n")
    }
}

/// The demo's daemon: waits for the simulator to listen, drops the samples, prints the banner, then runs
/// the daemon against the simulator until graceful shutdown.
private struct DemoDaemon: Service {
    let demo: Demo
    let simulator: SimulatorService
    let httpClient: HTTPClient
    let logger: Logger
    let metrics: MetricsRegistry
    let output: @Sendable (String) -> Void

    func run() async throws {
        let simulator = self.simulator
        let baseURL: String
        do {
            baseURL = try await cancelWhenGracefulShutdown { try await simulator.listeningBaseURL() }
        } catch is CancellationError {
            return  // stopped before the simulator listened
        }
        var settings = demo.settings
        settings.apiBaseURL = baseURL
        let dropped = try DemoSamples.drop(into: settings.inbox, staging: "\(demo.root)/.staging")
        output(demo.banner(baseURL: baseURL, dropped: dropped))
        let daemon = try DaemonService(settings: settings, httpClient: httpClient, notifier: nil, logger: logger)
        let queueService = daemon.queueService
        let endpoint: HTTPEndpoint?
        if let listen = settings.httpListen, let address = ListenAddress(parsing: listen) {
            let output = self.output
            endpoint = daemon.httpEndpoint(address: address, metrics: metrics) { port in
                output("  dashboard: http://\(ListenAddress(host: address.host, port: port))/  (metrics at /metrics)")
            }
        } else {
            endpoint = nil
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            // All end on the group's graceful shutdown; a failure of one ends the others.
            group.addTask { try await queueService.run() }
            if let endpoint { group.addTask { try await endpoint.run() } }
            group.addTask { try await daemon.run() }
            try await group.waitForAll()
        }
    }
}
