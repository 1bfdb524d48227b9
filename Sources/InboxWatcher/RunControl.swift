import Glibc
import Synchronization

/// The link between one `run` call and its watcher thread: stop, rescan and pause requests, a
/// self-pipe that wakes the thread's `poll`, and the signal that the thread has ended.
final class RunControl: Sendable {
    private struct State {
        var stopRequested = false
        var rescanRequested = false
        var readingPaused = false
        var pauseAcknowledged = false
        var wakeWriteEnd: Int32
        var finished = false
        var finishWaiters: [CheckedContinuation<Void, Never>] = []
    }

    /// What the thread should do next.
    struct Requests {
        var stop: Bool
        var rescan: Bool
        var readingPaused: Bool
    }

    /// The read end of the wake pipe, polled by the thread (non-blocking).
    let wakeReadEnd: Int32
    private let state: Mutex<State>

    init() throws(InboxWatcherError) {
        var ends: [Int32] = [0, 0]
        guard pipe(&ends) == 0 else {
            throw .systemError("", operation: "pipe", errno: errno)
        }
        for end in ends {
            _ = fcntl(end, F_SETFD, FD_CLOEXEC)
            _ = fcntl(end, F_SETFL, O_NONBLOCK)
        }
        wakeReadEnd = ends[0]
        state = Mutex(State(wakeWriteEnd: ends[1]))
    }

    /// Asks the thread to stop (idempotent).
    func requestStop() {
        update { $0.stopRequested = true }
    }

    /// Asks the thread to rescan the inbox as after an inotify queue overflow.
    func requestRescan() {
        update { $0.rescanRequested = true }
    }

    /// Stops or resumes reading the inotify descriptor (events then queue up in the kernel).
    func setReadingPaused(_ paused: Bool) {
        update { state in
            state.readingPaused = paused
            state.pauseAcknowledged = false
        }
    }

    /// True once the thread has seen the pause request (it reads no more events until resumed),
    /// or when it has ended.
    var isPauseAcknowledged: Bool {
        state.withLock { $0.pauseAcknowledged || $0.finished }
    }

    /// Takes the pending requests (a rescan request is consumed).
    func takeRequests() -> Requests {
        state.withLock { state in
            defer {
                state.rescanRequested = false
                if state.readingPaused { state.pauseAcknowledged = true }
            }
            return Requests(stop: state.stopRequested, rescan: state.rescanRequested, readingPaused: state.readingPaused)
        }
    }

    /// Empties the wake pipe.
    func drainWakePipe() {
        var scratch = [UInt8](repeating: 0, count: 64)
        while read(wakeReadEnd, &scratch, scratch.count) > 0 {}
    }

    /// Called by the thread as its last act: closes the pipe and releases everyone waiting in `waitUntilFinished`.
    func markFinished() {
        let waiters = state.withLock { state in
            state.finished = true
            _ = close(state.wakeWriteEnd)
            state.wakeWriteEnd = -1
            defer { state.finishWaiters = [] }
            return state.finishWaiters
        }
        _ = close(wakeReadEnd)
        for waiter in waiters { waiter.resume() }
    }

    /// Returns once the thread has ended (not cancellable: the thread ends soon after a stop request).
    func waitUntilFinished() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let alreadyFinished = state.withLock { state in
                if state.finished { return true }
                state.finishWaiters.append(continuation)
                return false
            }
            if alreadyFinished { continuation.resume() }
        }
    }

    private func update(_ change: (inout State) -> Void) {
        state.withLock { state in
            change(&state)
            // The write end is only closed under the lock, so this never writes into a reused descriptor.
            if state.wakeWriteEnd >= 0 {
                var byte: UInt8 = 1
                _ = write(state.wakeWriteEnd, &byte, 1)
            }
        }
    }
}
