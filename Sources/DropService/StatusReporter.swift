import DropOperator
import DropQueue
import Foundation
import Logging
import SystemSupport

/// Tells systemd (`STATUS=`) how the queue stands whenever the counts change, checking every two seconds.
struct StatusReporter: Sendable {
    let queue: any QueueStore
    let notifier: SystemdNotifier?
    let logger: Logger

    /// Runs until cancelled.
    func run() async {
        var last = ""
        while !Task.isCancelled {
            if let counts = try? await QueueReport.counts(queue, now: Date()) {
                let line = counts.text
                if line != last {
                    notifier?.status(line)
                    logger.debug("queue: \(line)")
                    last = line
                }
            }
            try? await Task.sleep(for: .seconds(2))
        }
    }
}
