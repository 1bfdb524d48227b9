import Logging
import ServiceLifecycle

/// Keeps systemd's watchdog fed: sends `WATCHDOG=1` at once and then every `interval` (by default the
/// notifier's `watchdogInterval`, half of `WatchdogSec`) until the task is cancelled or a graceful
/// shutdown begins — but only while `isHealthy` answers true (by default always): a daemon whose work
/// is stuck stops feeding the watchdog, so systemd restarts it.
///
/// When the watchdog is not enabled (no interval) it sends nothing and simply waits for shutdown,
/// because a service returning early would end its whole `ServiceGroup`. Place it first in the
/// group's service list: services are shut down in reverse order, so it is stopped last and keeps
/// pinging while the others drain.
public struct WatchdogService: Service {
    private let notifier: SystemdNotifier
    private let interval: Duration?
    private let logger: Logger
    private let isHealthy: @Sendable () -> Bool

    /// A watchdog for `notifier`; `interval` overrides `notifier.watchdogInterval` (must be positive).
    /// `isHealthy` is asked before each ping; a ping is skipped (and logged once per stall) when it is false.
    public init(
        notifier: SystemdNotifier, interval: Duration? = nil, logger: Logger,
        isHealthy: @escaping @Sendable () -> Bool = { true }
    ) {
        self.notifier = notifier
        self.interval = interval ?? notifier.watchdogInterval
        self.logger = logger
        self.isHealthy = isHealthy
    }

    /// Runs until cancelled or graceful shutdown. Never throws.
    public func run() async {
        guard let interval, interval > .zero else {
            logger.debug("systemd watchdog not enabled")
            try? await gracefulShutdown()
            return
        }
        logger.debug("feeding the systemd watchdog", metadata: ["interval": "\(interval)"])
        let notifier = self.notifier
        let isHealthy = self.isHealthy
        let logger = self.logger
        await cancelWhenGracefulShutdown {
            var stalled = false
            while !Task.isCancelled {
                if isHealthy() {
                    if stalled { logger.notice("work moves again; feeding the systemd watchdog again") }
                    stalled = false
                    notifier.watchdog()
                } else if !stalled {
                    stalled = true
                    logger.error("no progress in the work in hand; no longer feeding the systemd watchdog")
                }
                do {
                    try await Task.sleep(for: interval)
                } catch {
                    return
                }
            }
        }
    }
}
