import DropQueue

/// The one-line queue summary sent to systemd as `STATUS=` and shown by `status`.
enum StatusLine {
    /// e.g. `queued 3, in flight 2, waiting for video 1, succeeded 40, failed 0`.
    static func text(_ counts: QueueCounts) -> String {
        let queued = (counts.byState[.queued] ?? 0)
        return [
            "queued \(max(0, queued - counts.leased))",
            "in flight \(counts.leased)",
            "waiting for video \(counts.byState[.waitingVideo] ?? 0)",
            "succeeded \(counts.byState[.succeeded] ?? 0)",
            "failed \(counts.byState[.failed] ?? 0)",
        ].joined(separator: ", ")
    }
}
