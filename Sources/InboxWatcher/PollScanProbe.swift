import Logging

/// For benchmarks: the polling watcher's scan, one at a time on the calling thread, without a run.
/// The first scan is the start-up one. Not for production use: nothing is reported anywhere.
package final class PollScanProbe {
    private let loop: PollLoop
    private let continuation: WatchOutputBuffer
    private let control: RunControl
    private var scans = 0

    /// A probe for `inbox`, settling for `settle`; nil when the run control's pipe cannot be made.
    package init?(inbox: String, settle: Duration, logger: Logger) {
        guard let control = try? RunControl() else { return nil }
        let continuation = WatchOutputBuffer(discarding: true)
        self.control = control
        self.continuation = continuation
        self.loop = PollLoop(
            inbox: inbox, settle: settle, interval: .seconds(1), logger: logger, control: control, output: continuation)
    }

    deinit {
        continuation.finish()
        control.markFinished()
    }

    /// Scans the inbox once (listing, a look at every entry, the table's decisions); false when it could
    /// not be listed.
    package func scan() -> Bool {
        scans += 1
        return loop.scan(scans == 1 ? .startup : .poll, now: ContinuousClock.now)
    }

    /// How many entries have been reported as drops and are still in the inbox.
    package var reportedCount: Int { loop.table.reported.count }

    /// How many entries are settling.
    package var pendingCount: Int { loop.table.pending.count }
}
