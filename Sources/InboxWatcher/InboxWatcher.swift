import Foundation
import Logging
import Synchronization
import SystemSupport

/// Watches one inbox folder with inotify and reports each entry that has settled: a regular file
/// whose writer is done, or a bundle directory.
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
/// One `run` at a time per instance.
public final class InboxWatcher: Sendable {
    /// The inbox folder.
    public let directory: String
    /// How long a name must stay untouched before it is a drop.
    public let settle: Duration
    private let logger: Logger
    private let activeRun = Mutex<RunControl?>(nil)

    /// A watcher for `directory` (nothing happens before `run`).
    public init(directory: String, settle: Duration, logger: Logger) {
        self.directory = directory
        self.settle = max(settle, .zero)
        self.logger = logger
    }

    /// Watches first, then scans, then reports each settled regular file or directory (never
    /// symlinks, fifos, ...) through `onDrop`, one call at a time (awaited) in the order drops
    /// become ready. A drop may be reported again (rescan after overflow, rewrite of the same
    /// name): the queue de-duplicates. Runs until the task is cancelled; throws
    /// `InboxWatcherError` only if the inbox cannot be watched at start (missing, not a directory,
    /// no permission, an inotify limit reached).
    ///
    /// `onReady` is called once, when the watch is in place and every entry found by the start-up
    /// scan has been reported through `onDrop` — except entries that left, or changed again after
    /// the scan (those are reported when they settle, like any new drop). So it comes right away
    /// with an empty inbox and about one settle window after the start otherwise.
    public func run(
        onReady: @Sendable () async -> Void = {},
        onDrop: @Sendable (InboxDrop) async -> Void
    ) async throws {
        let (inotify, inboxWatch) = try InotifyDescriptor.watchingInbox(directory)
        let control: RunControl
        do {
            control = try RunControl()
        } catch {
            inotify.close()
            throw error
        }
        activeRun.withLock { $0 = control }
        defer {
            activeRun.withLock { current in
                if current === control { current = nil }
            }
        }

        let (outputs, continuation) = AsyncStream.makeStream(of: WatchOutput.self)
        let directory = directory
        let settle = settle
        let logger = logger
        let thread = Thread {
            WatchLoop(
                inbox: directory, inboxWatch: inboxWatch, settle: settle, logger: logger,
                inotify: inotify, control: control, output: continuation
            ).run()
        }
        thread.name = "inbox-watcher"
        thread.start()
        logger.debug("watching the inbox", metadata: ["inbox": "\(directory)", "settle_ms": "\(settle.milliseconds)"])

        await withTaskCancellationHandler {
            for await output in outputs {
                switch output {
                case .drop(let drop): await onDrop(drop)
                case .ready: await onReady()
                }
            }
        } onCancel: {
            control.requestStop()
        }
        control.requestStop()
        await control.waitUntilFinished()
    }

    /// Makes the running watcher rescan the inbox as it does after an inotify queue overflow.
    /// No effect when not running.
    package func rescanAsAfterOverflow() {
        activeRun.withLock { $0?.requestRescan() }
    }

    /// Stops reading inotify events, so they pile up in the kernel queue (to provoke a real queue
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
