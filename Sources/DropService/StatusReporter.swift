import DropOperator
import DropPipeline
import DropQueue
import Foundation
import Logging
import SystemSupport

/// Tells systemd (`STATUS=`) how the queue stands whenever the counts change: it looks again each time the
/// pipeline's bell rings (a drop queued, a job claimed, put back or finished) and every two seconds while
/// work is under way, and not at all while the daemon is idle.
struct StatusReporter: Sendable {
    let queue: any QueueStore
    let notifier: SystemdNotifier?
    let bell: WorkBell
    let logger: Logger

    /// Runs until cancelled.
    func run() async {
        var last = ""
        while !Task.isCancelled {
            let ticket = bell.ticket
            var busy = true
            if let counts = try? await QueueReport.counts(queue, now: Date()) {
                busy = counts.queued + counts.inFlight + counts.waitingVideo > 0
                let line = counts.text
                if line != last {
                    notifier?.status(line)
                    logger.debug("queue: \(line)")
                    last = line
                }
            }
            // Every change of the counts is rung (a drop queued, a job claimed, put back or finished); while
            // work is under way the counts are also read again every two seconds, so the line never lags.
            await bell.wait(after: ticket, upTo: busy ? .seconds(2) : nil)
            try? await Task.sleep(for: .milliseconds(500))
        }
    }
}
