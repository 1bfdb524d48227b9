import Synchronization

/// Counts Video Agent creates in flight in this process, so that together with the videos already
/// waiting in the queue no more than the configured number are being made at once.
final class VideoSlots: Sendable {
    private let creating = Mutex(0)

    /// Takes a slot when fewer than `limit` videos are waiting plus being created; false when full.
    func tryAcquire(waiting: Int, limit: Int) -> Bool {
        creating.withLock { count in
            guard waiting + count < limit else { return false }
            count += 1
            return true
        }
    }

    /// Gives back a slot taken by `tryAcquire`.
    func release() {
        creating.withLock { $0 -= 1 }
    }
}
