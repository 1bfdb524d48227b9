import Synchronization

/// The workers' API request slots: at most `count` of their requests in flight at once, handed out first
/// come, first served.
///
/// The workers hold more jobs than there are slots, so that one job's local work (checks and hashing
/// ahead of its request; result, fsyncs, moves and queue commits behind it) overlaps the requests of
/// others: a job takes a slot only for its API call, and every slot is busy whenever there is work.
/// Thread-safe.
package final class RequestSlots: Sendable {
    private struct State {
        var free: Int
        var nextWaiter: UInt64 = 0
        var waiters: [(id: UInt64, continuation: CheckedContinuation<Void, any Error>)] = []
    }

    private let state: Mutex<State>
    /// How many requests may be in flight at once.
    package let count: Int

    /// Whether the current task's API calls take a slot (set for the workers' jobs; the poller has its own
    /// pace and is not counted).
    @TaskLocal package static var current: RequestSlots?

    /// `count` slots (at least one), all free.
    package init(count: Int) {
        self.count = max(1, count)
        state = Mutex(State(free: max(1, count)))
    }

    /// Takes a slot, waiting first (in order of arrival) while all are taken; give it back with `giveBack()`.
    /// Throws `CancellationError`, holding no slot, when the task is cancelled while it waits.
    package func take() async throws {
        try await acquire()
    }

    /// Gives back a slot taken with `take()`: the longest waiter gets it.
    package func giveBack() {
        release()
    }

    /// How many slots are taken now.
    package var inUse: Int { state.withLock { count - $0.free } }

    /// How many tasks wait for a slot now.
    package var waitingCount: Int { state.withLock { $0.waiters.count } }

    private func acquire() async throws {
        try Task.checkCancellation()
        let id = state.withLock { state -> UInt64? in
            if state.free > 0 {
                state.free -= 1
                return nil
            }
            state.nextWaiter += 1
            return state.nextWaiter
        }
        guard let id else { return }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let outcome = state.withLock { state -> Result<Void, any Error>? in
                    // Cancelled before the waiter was listed: do not wait.
                    if Task.isCancelled { return .failure(CancellationError()) }
                    // A slot freed in between: take it.
                    if state.free > 0 {
                        state.free -= 1
                        return .success(())
                    }
                    state.waiters.append((id, continuation))
                    return nil
                }
                if let outcome { continuation.resume(with: outcome) }
            }
        } onCancel: {
            let cancelled = state.withLock { state -> CheckedContinuation<Void, any Error>? in
                guard let index = state.waiters.firstIndex(where: { $0.id == id }) else { return nil }
                return state.waiters.remove(at: index).continuation
            }
            cancelled?.resume(throwing: CancellationError())
        }
    }

    private func release() {
        let next = state.withLock { state -> CheckedContinuation<Void, any Error>? in
            guard !state.waiters.isEmpty else {
                state.free += 1
                return nil
            }
            // The slot passes straight to the longest waiter.
            return state.waiters.removeFirst().continuation
        }
        next?.resume()
    }
}
