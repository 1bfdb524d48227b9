import Synchronization

/// Wakes idle loops when there may be work, so that nothing polls on a timer while the daemon is idle.
///
/// Whoever makes work (intake queueing a drop, the pipeline putting a job back with a new due time, a
/// job leaving the video slots) rings the bell; the idle workers, the video poller, the status reporter
/// and the intake's retries wait on it, each also until the next time it knows of (a job's due time).
/// A ring is never lost: a loop reads `ticket` before it looks for work and waits with that ticket, so a
/// ring in between ends the wait at once. Thread-safe.
package final class WorkBell: Sendable {
    private struct State {
        var rings: UInt64 = 0
        var nextWaiter: UInt64 = 0
        var waiters: [UInt64: CheckedContinuation<Void, Never>] = [:]
        var cancelled: Set<UInt64> = []
    }

    private let state = Mutex(State())

    /// A bell nobody has rung yet.
    package init() {}

    /// The rings so far: pass it to `wait` to be woken by any ring after this reading.
    package var ticket: UInt64 { state.withLock { $0.rings } }

    /// Wakes every loop waiting now, and any that waits with an earlier ticket.
    package func ring() {
        let waiting = state.withLock { state in
            state.rings &+= 1
            defer { state.waiters = [:] }
            return state.waiters
        }
        for continuation in waiting.values { continuation.resume() }
    }

    /// Returns when the bell rang after `ticket`, after `timeout` (nil: no limit), or when the task is
    /// cancelled, whichever comes first.
    package func wait(after ticket: UInt64, upTo timeout: Duration?) async {
        guard let timeout else {
            await rung(after: ticket)
            return
        }
        guard timeout > .zero else { return }
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.rung(after: ticket) }
            group.addTask { try? await Task.sleep(for: timeout) }
            await group.next()
            group.cancelAll()
        }
    }

    private func rung(after ticket: UInt64) async {
        let id = state.withLock { state in
            state.nextWaiter &+= 1
            return state.nextWaiter
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let now = state.withLock { state -> Bool in
                    if state.rings != ticket || state.cancelled.remove(id) != nil { return true }
                    state.waiters[id] = continuation
                    return false
                }
                if now { continuation.resume() }
            }
        } onCancel: {
            let waiting = state.withLock { state in
                let continuation = state.waiters.removeValue(forKey: id)
                if continuation == nil { state.cancelled.insert(id) }
                return continuation
            }
            waiting?.resume()
        }
        // A cancellation that came after the wait ended leaves a mark nobody will look at again.
        _ = state.withLock { $0.cancelled.remove(id) }
    }
}
