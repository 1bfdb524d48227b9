import DropHTTP
import DropOperator
import AsyncHTTPClient
import DropQueue
import Foundation
import HeyGenAPI
import InboxWatcher
import Logging
import ServiceLifecycle
import Synchronization
import SystemSupport
import DropPipeline
import DropSettings

/// The daemon (`heygen-dropd run`): watches the inbox, queues drops, and works them through the pipeline.
///
/// Start-up: take the state directory's lock, open the queue, make the previous process's jobs due again,
/// watch then scan the inbox, then tell systemd it is ready. On graceful shutdown (SIGTERM/SIGINT) it stops
/// taking new work, lets the jobs in hand finish within the grace period, leaves the rest queued, and returns.
public struct DaemonService: Service, CustomStringConvertible {
    let settings: Settings
    let httpClient: HTTPClient
    let notifier: SystemdNotifier?
    let logger: Logger
    let lock: DaemonLock
    let queue: any QueueStore
    /// The uploads in flight, shown by the HTTP endpoint.
    let transfers = LiveTransfers()
    /// Set once the inbox is watched (for `/healthz`).
    let watching = WatchingFlag()

    /// A daemon for the given settings; `httpClient` is shared and shut down by the caller.
    ///
    /// Takes the state directory's lock and opens the queue at once, so that a second daemon, or a
    /// database that is corrupt or unreadable, is refused with one line before anything starts.
    public init(settings: Settings, httpClient: HTTPClient, notifier: SystemdNotifier?, logger: Logger) throws {
        self.settings = settings
        self.httpClient = httpClient
        self.notifier = notifier
        self.logger = logger
        self.lock = try DaemonLock(stateDir: settings.stateDir)
        do {
            self.queue = try OperatorQueue.store(settings, logger: logger, create: true)
        } catch {
            lock.release()
            throw error
        }
    }

    /// The operator's HTTP endpoint for this daemon on `address`: its queue, its transfers in flight and the
    /// series in `metrics`. Run it as a service of the same group, before the daemon, so that it is shut
    /// down after the daemon's drain and shows it to the end.
    public func httpEndpoint(
        address: ListenAddress, metrics: MetricsRegistry, onListening: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> HTTPEndpoint {
        let source = DaemonOperatorSource(
            reader: DashboardReader(queue: queue, transfers: transfers, profiles: settings.profiles.map(\.name)), inbox: settings.inbox, watching: watching)
        return HTTPEndpoint(
            address: address, source: source, metrics: metrics, jobStates: DashboardReader.states, logger: logger,
            onListening: onListening)
    }

    /// The service running this daemon's queue store (a PostgreSQL connection pool). Run it in the same
    /// group, before the daemon (and before its HTTP endpoint), so that it is shut down after them: the
    /// jobs in hand still reach the queue while the daemon drains. The daemon's queue calls wait for it.
    public var queueService: QueueStoreService { QueueStoreService(store: queue) }

    /// A short name for logs (the settings are logged separately, without the key).
    public var description: String { "heygen-dropd daemon" }

    /// Runs until graceful shutdown completes; throws a one-line error when it cannot start. `queueService`
    /// must run alongside (see there).
    public func run() async throws {
        defer { lock.release() }
        try await queue.prepare()
        try await runWithQueue()
        logger.info("stopped")
    }

    /// The daemon's work, once the queue runs (a PostgreSQL pool, its schema up to date).
    private func runWithQueue() async throws {
        let queue = self.queue
        let recovered = try await queue.recoverAbandonedLeases(ownerPrefix: Self.ownerPrefix(stateDir: settings.stateDir), now: Date())
        if recovered > 0 {
            logger.notice("resuming \(recovered) job(s) the previous run left unfinished")
        }
        guard let apiKey = settings.apiKey else {
            throw FileIOError("no API key: set HEYGEN_API_KEY, --api-key-file, or the systemd credential heygen-api-key")
        }
        let client = HeyGenClient(
            configuration: .init(baseURL: settings.apiBaseURL, apiKey: apiKey.value, userAgent: Version.userAgent),
            httpClient: httpClient, logger: logger)
        var options = PipelineOptions(settings)
        if settings.queue.url != nil {
            // Other hosts add work this process hears nothing of: look at the shared queue now and then.
            options.idleRecheck = .seconds(1)
        }
        let pipeline = Pipeline(
            options: options, queue: queue, client: client, owner: Self.ownerName(stateDir: settings.stateDir),
            transfers: transfers, logger: logger)
        let pruner = ProgressPruner(queue: queue, retention: settings.progressRetention, logger: logger)
        let notifier = self.notifier
        let logger = self.logger
        let profiles = settings.profiles
        let intakes = profiles.map { profile in
            Intake(
                queue: queue, inbox: profile.inbox, profile: profile.name,
                orphanSidecarTimeout: settings.orphanSidecarTimeout, bell: pipeline.bell, logger: logger)
        }
        // READY=1 once every inbox is watched.
        let ready = ReadyCounter(count: profiles.count)
        let watching = self.watching

        try await withThrowingTaskGroup(of: Void.self) { group in
            for (profile, intake) in zip(profiles, intakes) {
                let watcher = InboxWatcher(
                    directory: profile.inbox, settle: profile.settle, mode: profile.watchMode,
                    pollInterval: profile.pollInterval, logger: logger)
                let named = settings.declaredProfiles != nil
                group.addTask {
                    try await cancelWhenGracefulShutdown {
                        try await watcher.runBatched(
                            onReady: {
                                logger.info("watching \(profile.inbox)\(named ? " (profile \(profile.name))" : "")")
                                if ready.arrived() {
                                    watching.set(true)
                                    notifier?.ready()
                                }
                            },
                            onDrops: { drops in await intake.accept(drops) })
                    }
                }
                group.addTask {
                    await cancelWhenGracefulShutdown { await intake.runRetries() }
                }
            }
            group.addTask {
                await cancelWhenGracefulShutdown {
                    await StatusReporter(queue: queue, notifier: notifier, bell: pipeline.bell, logger: logger).run()
                }
            }
            group.addTask {
                await cancelWhenGracefulShutdown { await pruner.run() }
            }
            if let notifier, let interval = notifier.watchdogInterval {
                // WatchdogSec is twice the interval: a worker silent for that long (while not idle and not
                // waiting on the API) is stuck.
                let heartbeat = pipeline.heartbeat
                group.addTask {
                    await WatchdogService(
                        notifier: notifier, logger: logger, isHealthy: { heartbeat.isLive(within: interval * 2) }
                    ).run()
                }
            }
            group.addTask {
                try await drain(pipeline)
            }
            try await group.waitForAll()
        }
    }

    /// Runs the workers; on graceful shutdown they finish the jobs in hand, cut short when the grace period ends.
    private func drain(_ pipeline: Pipeline) async throws {
        let draining = DrainFlag()
        let grace = settings.shutdownGrace
        let notifier = self.notifier
        let logger = self.logger
        try await withGracefulShutdownHandler {
            try await withThrowingTaskGroup(of: Bool.self) { group in
                group.addTask {
                    await pipeline.runWorkers(draining: draining)
                    return true
                }
                group.addTask {
                    try await gracefulShutdown()
                    try await Task.sleep(for: grace)
                    return false
                }
                let finishedInTime = try await group.next() ?? true
                group.cancelAll()
                if !finishedInTime {
                    logger.notice("grace period of \(grace) is over; unfinished jobs stay queued for the next start")
                }
            }
        } onGracefulShutdown: {
            logger.info("shutting down: finishing the jobs in hand, taking no new ones")
            draining.set()
            pipeline.bell.ring()  // idle workers wake, see the flag and end
            notifier?.stopping()
        }
    }

    /// This process's name on its leases: host, state dir, pid and a random part.
    static func ownerName(stateDir: String) -> String {
        "\(ownerPrefix(stateDir: stateDir))\(getpid()):\(UUID().uuidString.prefix(8))"
    }

    /// The start of the lease owners of this daemon: the host and a short hash of its state dir (one daemon
    /// per state dir, under its lock). At start-up the leases under it are a previous run's; on a queue
    /// shared by several daemons, the others' leases are left to expire.
    static func ownerPrefix(stateDir: String) -> String {
        var hash: UInt32 = 2_166_136_261  // FNV-1a
        for byte in stateDir.utf8 {
            hash ^= UInt32(byte)
            hash = hash &* 16_777_619
        }
        return "\(ProcessInfo.processInfo.hostName):\(String(hash, radix: 16)):"
    }
}

extension PipelineOptions {
    /// The pipeline options the settings ask for.
    init(_ settings: Settings) {
        self.init(inbox: settings.inbox, outbox: settings.outbox, archive: settings.archive, failed: settings.failed)
        workers = settings.workers
        retryPolicy = RetryPolicy(
            maxAttempts: settings.maxAttempts, baseDelay: settings.retryBaseDelay, maxRetryAfter: settings.maxRetryAfter)
        reuseWindow = settings.reuseWindow
        videoConcurrency = settings.videoConcurrency
        videoTimeout = settings.videoTimeout
        orphanSidecarTimeout = settings.orphanSidecarTimeout
        videoPollInitial = settings.videoPollInitial
        videoPollMax = settings.videoPollMax
        maxBundleFiles = settings.maxBundleFiles
        maxFileBytes = Int64(settings.maxFileBytes)
        directUploadAboveBytes = Int64(settings.directUploadAboveBytes)
        download = settings.outputs.download
        downloadMaxBytes = Int64(settings.outputs.downloadMaxBytes)
        lease = settings.lease
        profiles = Dictionary(uniqueKeysWithValues: settings.profiles.map { ($0.name, $0) })
        spendWindow = settings.spend.window
    }
}

/// Counts inboxes becoming watched; says when the last one did.
final class ReadyCounter: Sendable {
    private let remaining: Mutex<Int>

    /// A counter of `count` inboxes.
    init(count: Int) { remaining = Mutex(count) }

    /// One more inbox is watched; true exactly once, when it was the last.
    func arrived() -> Bool {
        remaining.withLock { remaining in
            remaining -= 1
            return remaining == 0
        }
    }
}
