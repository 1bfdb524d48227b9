import Synchronization

/// What the watcher thread reports (drops and `.ready`, in order), handed to the task that consumes it
/// in batches: everything reported since the consumer last looked, so that a start-up scan of many
/// entries can be queued many at a time. Unbounded, like the stream it replaces: the watcher thread never
/// waits on the consumer. Thread-safe.
final class WatchOutputBuffer: Sendable {
    private struct State {
        var outputs: [WatchOutput] = []
        var finished = false
        var waiter: CheckedContinuation<Void, Never>?
    }

    private let state = Mutex(State())
    private let discarding: Bool

    /// An empty buffer; a `discarding` one keeps nothing (for probes that only scan).
    init(discarding: Bool = false) {
        self.discarding = discarding
    }

    /// Adds `output` after those reported before it (called from the watcher thread).
    func yield(_ output: WatchOutput) {
        guard !discarding else { return }
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard !state.finished else { return nil }
            state.outputs.append(output)
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume()
    }

    /// No more outputs come; the consumer gets what is left, then nil.
    func finish() {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            state.finished = true
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume()
    }

    /// Everything reported since the last call, in order, waiting while there is nothing; nil once the
    /// buffer is finished and empty, or when the task is cancelled (one consumer at a time).
    func next() async -> [WatchOutput]? {
        while true {
            let taken = state.withLock { state -> [WatchOutput]? in
                if !state.outputs.isEmpty {
                    defer { state.outputs = [] }
                    return state.outputs
                }
                return state.finished ? [] : nil
            }
            if let taken { return taken.isEmpty ? nil : taken }
            if Task.isCancelled { return nil }
            await withTaskCancellationHandler {
                await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                    let resumeNow = state.withLock { state -> Bool in
                        if !state.outputs.isEmpty || state.finished || Task.isCancelled { return true }
                        state.waiter = continuation
                        return false
                    }
                    if resumeNow { continuation.resume() }
                }
            } onCancel: {
                let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
                    defer { state.waiter = nil }
                    return state.waiter
                }
                waiter?.resume()
            }
        }
    }
}
