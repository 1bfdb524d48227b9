import DropOperator
import DropPipeline
import DropQueue
import Foundation
import Logging
import SystemSupport

/// Tells systemd (`STATUS=`) how the queue stands whenever the counts change: it looks again each time the
/// pipeline's bell rings (a drop queued, a job put back or finished), at most every two seconds, and not at
/// all while the daemon is idle.
struct StatusReporter: Sendable {
    let queue: JobQueue
    let notifier: SystemdNotifier?
    let bell: WorkBell
    let logger: Logger

    /// Runs until cancelled.
    func run() async {
        var last = ""
        while !Task.isCancelled {
            let ticket = bell.ticket
            if let counts = try? QueueReport.counts(queue, now: Date()) {
                let line = counts.text
                if line != last {
                    notifier?.status(line)
                    logger.debug("queue: \(line)")
                    last = line
                }
            }
            // Every change of the counts is rung: a drop queued, a job claimed, put back or finished.
            await bell.wait(after: ticket, upTo: nil)
            try? await Task.sleep(for: .seconds(2))
        }
    }
}
