import Foundation
import Logging
import Synchronization
import SystemSupport

/// Watches one inbox folder and reports each entry that has settled: a regular file whose writer is done,
/// or a bundle directory.
///
/// How (`WatchMode`, decided at each `run` and logged with the reason): inotify, or, on a file system where
/// inotify does not see other hosts' writes (NFS, SMB/CIFS, FUSE, 9p; see `WatchChoice`), polling. The
/// rules below are inotify's; polling keeps the same guarantees (files present at start taken, names left
/// alone the same, one report per settled version) with its own test of "settled": see "Polling".
///
/// Rules (see the product contract, "The folders"):
/// - A file is a drop once it was closed after writing (`IN_CLOSE_WRITE`) or moved in
///   (`IN_MOVED_TO`) and then nothing happened to its name for the settle window. A new write
///   (`IN_MODIFY`) means a writer is active again: the file waits for its next close.
/// - A directory moved in is a drop at once; one created in place, or found by a scan, is a drop
///   once nothing changed at its top level for the settle window and no file in it is being written.
/// - Names starting with `.` or ending in `~`, `.tmp`, `.part`, `.partial`, `.crdownload`, `.swp`,
///   symlinks (never followed), fifos, sockets and devices are left alone (logged once at debug).
/// - Sidecars (`X.prompt`, `X.agent.json`) are reported as ordinary files.
/// - Entries already present at start, and entries missed during an inotify queue overflow, are
///   found by a scan and settle like new ones. If the inbox itself is removed or moved away, the
///   watcher waits for it to come back, then rescans.
///
/// Polling lists the inbox every `pollInterval`, looking at metadata only (never reading a file): a file or
/// bundle is a drop once its size, modification time and inode (for a bundle, also those of every entry at
/// its top level) are unchanged across two scans at least the settle window apart. A renamed entry is seen
/// under its new name only (settling from the scan that first sees it); one that is gone at a scan is
/// forgotten (it is a new drop if it comes back). So a drop is reported between one settle window and one
/// settle window plus two intervals after its last change.
///
/// One `run` at a time per instance.
public final class InboxWatcher: Sendable {
    /// The inbox folder.
    public let directory: String
    /// How long a name must stay untouched before it is a drop.
    public let settle: Duration
    /// How the inbox is watched: `auto` decides by the inbox's file system at each `run`.
    public let mode: WatchMode
    /// Polling: the time between the starts of two scans of the inbox (at least a millisecond).
    public let pollInterval: Duration
    private let logger: Logger
    private let activeRun = Mutex<RunControl?>(nil)

    /// The default `pollInterval`: two seconds.
    public static let defaultPollInterval: Duration = .seconds(2)

    /// A watcher for `directory` in `mode`, polling every `pollInterval` if it polls (nothing happens
    /// before `run`).
    public init(
        directory: String, settle: Duration, mode: WatchMode = .auto,
        pollInterval: Duration = InboxWatcher.defaultPollInterval, logger: Logger
    ) {
        self.directory = directory
        self.settle = max(settle, .zero)
        self.mode = mode
        self.pollInterval = max(pollInterval, .milliseconds(1))
        self.logger = logger
    }

    /// How a watcher in `mode` would watch `directory` now, and why (`statfs` of the inbox); throws
    /// `InboxWatcherError` when it is missing, not a directory, or cannot be examined.
    public static func choice(for directory: String, mode: WatchMode) throws(InboxWatcherError) -> WatchChoice {
        try InboxCheck.requireDirectory(directory)
        return WatchChoice.decide(mode: mode, fileSystem: try InboxCheck.fileSystem(of: directory))
    }

    /// Decides how to watch (`choice(for:mode:)`, logged at info with the reason; at warning when inotify
    /// is forced on a shared file system), then watches first, then scans (or, polling, scans every
    /// interval), then reports each settled regular file or directory (never
    /// symlinks, fifos, ...) through `onDrop`, one call at a time (awaited) in the order drops
    /// become ready. A drop may be reported again (rescan after overflow, rewrite of the same
    /// name): the queue de-duplicates. Runs until the task is cancelled; throws
    /// `InboxWatcherError` only if the inbox cannot be watched at start (missing, not a directory,
    /// no permission, an inotify limit reached).
    ///
    /// Polling, the inbox is looked at again every `pollInterval`, so `onReady` comes about one settle
    /// window (rounded up to whole intervals) after the start.
    ///
    /// `onReady` is called once, when the watch is in place and every entry found by the start-up
    /// scan has been reported through `onDrop` — except entries that left, or changed again after
    /// the scan (those are reported when they settle, like any new drop). So it comes right away
    /// with an empty inbox and about one settle window after the start otherwise.
    public func run(
        onReady: @Sendable () async -> Void = {},
        onDrop: @Sendable (InboxDrop) async -> Void
    ) async throws {
        try await runBatched(onReady: onReady, onDrops: { drops in
            for drop in drops { await onDrop(drop) }
        })
    }

    /// As `run(onReady:onDrop:)`, but the drops come in batches: each call of `onDrops` carries every drop
    /// that became ready since the last one (in order, never empty), so many drops at once — a start-up
    /// scan of a full inbox — can be queued many at a time. One call at a time (awaited); `onReady` comes
    /// after the batch holding the start-up scan's last drop has been handled.
    public func runBatched(
        onReady: @Sendable () async -> Void = {},
        onDrops: @Sendable ([InboxDrop]) async -> Void
    ) async throws {
        let choice = try Self.choice(for: directory, mode: mode)
        let control = try RunControl()
        let outputs = WatchOutputBuffer()
        let loop: @Sendable () -> Void
        do {
            loop = try makeLoop(choice, control: control, output: outputs)
        } catch {
            outputs.finish()
            control.markFinished()
            throw error
        }
        activeRun.withLock { $0 = control }
        defer {
            activeRun.withLock { current in
                if current === control { current = nil }
            }
        }

        let thread = Thread(block: loop)
        thread.name = "inbox-watcher"
        thread.start()

        await withTaskCancellationHandler {
            while let batch = await outputs.next() {
                var drops: [InboxDrop] = []
                for output in batch {
                    switch output {
                    case .drop(let drop):
                        drops.append(drop)
                    case .ready:
                        if !drops.isEmpty { await onDrops(drops) }
                        drops = []
                        await onReady()
                    }
                }
                if !drops.isEmpty { await onDrops(drops) }
            }
        } onCancel: {
            control.requestStop()
        }
        control.requestStop()
        await control.waitUntilFinished()
    }

    /// The body of the watcher thread for `choice`, its watch in place (inotify) or the inbox found listable
    /// (polling); the choice logged.
    private func makeLoop(
        _ choice: WatchChoice, control: RunControl, output: WatchOutputBuffer
    ) throws(InboxWatcherError) -> @Sendable () -> Void {
        let directory = directory
        let settle = settle
        let logger = logger
        let metadata: Logger.Metadata = [
            "inbox": "\(directory)", "settle_ms": "\(settle.milliseconds)", "watch": "\(choice.method.rawValue)",
        ]
        switch choice.method {
        case .inotify:
            let (inotify, inboxWatch) = try InotifyDescriptor.watchingInbox(directory)
            logger.log(
                level: choice.missesOtherHostsWrites ? .warning : .info,
                "watching the inbox with inotify: \(choice.reason)", metadata: metadata)
            return {
                WatchLoop(
                    inbox: directory, inboxWatch: inboxWatch, settle: settle, logger: logger,
                    inotify: inotify, control: control, output: output
                ).run()
            }
        case .poll:
            let fd = try InboxCheck.openDirectory(directory)
            close(fd)
            let interval = pollInterval
            logger.info(
                "polling the inbox every \(interval.milliseconds) ms: \(choice.reason)", metadata: metadata)
            return {
                PollLoop(
                    inbox: directory, settle: settle, interval: interval, logger: logger, control: control,
                    output: output
                ).run()
            }
        }
    }

    /// Makes the running watcher rescan the inbox as it does after an inotify queue overflow.
    /// No effect when not running.
    package func rescanAsAfterOverflow() {
        activeRun.withLock { $0?.requestRescan() }
    }

    /// Stops reading inotify events (polling: no effect), so they pile up in the kernel queue (to provoke a real queue
    /// overflow); returns once the watcher thread reads no more. Deadlines keep being served.
    /// No effect when not running.
    package func pauseReading() async {
        guard let control = activeRun.withLock({ $0 }) else { return }
        control.setReadingPaused(true)
        while !control.isPauseAcknowledged {
            try? await Task.sleep(for: .milliseconds(5))
        }
    }

    /// Resumes reading inotify events after `pauseReading`.
    package func resumeReading() {
        activeRun.withLock { $0?.setReadingPaused(false) }
    }
}
