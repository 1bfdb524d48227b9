import Synchronization

/// How far a streamed body has got (an upload handed to the HTTP client, or a download received), and
/// when it ended. Shared between the side that counts and the rate watchdog that reads.
final class TransferMeter: Sendable {
    private let state = Mutex<(moved: Int64, finishedAt: ContinuousClock.Instant?)>((0, nil))

    /// Counts `bytes` more as handed over; `finished` marks the body's end.
    func record(_ bytes: Int, finished: Bool) {
        state.withLock { state in
            state.moved += Int64(bytes)
            if finished { state.finishedAt = .now }
        }
    }

    /// Bytes handed over so far, and when the body ended (nil while it has not).
    var snapshot: (moved: Int64, finishedAt: ContinuousClock.Instant?) {
        state.withLock { $0 }
    }
}
