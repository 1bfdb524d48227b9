import DropQueue
import Synchronization
import SystemSupport

/// The workers' sign of life, for the systemd watchdog: each job in hand has its own heartbeat, beaten at
/// each step of the job (every check of a file, save, release or finish), and the API calls it waits on
/// are marked as such.
///
/// The pipeline counts as live (`isLive`) when every job in hand either waits on an API call (bounded by the
/// client's own timeouts) or made a step within the window; with no job in hand it is idle, hence live. A
/// worker stuck in a local step — blocked in a system call, say — makes the whole pipeline not live, however
/// busy the other workers are, so the watchdog stops being fed and systemd restarts the daemon. Thread-safe.
package final class Heartbeat: Sendable {
    private struct Slot {
        var lastBeat: Int64
        var callsInFlight = 0
    }

    private let slots = Mutex<(next: UInt64, byID: [UInt64: Slot])>((0, [:]))
    private let clock: @Sendable () -> Int64

    /// The slot of the job the current task works on.
    @TaskLocal private static var currentSlot: UInt64?

    /// A heartbeat with no job in hand. `clock` reads monotonic nanoseconds (tests pass their own).
    package init(clock: @escaping @Sendable () -> Int64 = LeaseClock.continuousNanoseconds) {
        self.clock = clock
    }

    /// The job the current task works on made a step (no effect outside `holdingJob`).
    package func beat() {
        guard let id = Self.currentSlot else { return }
        let now = clock()
        slots.withLock { $0.byID[id]?.lastBeat = now }
    }

    /// A step marker for the current job that works from any thread (blocking work handed to a thread pool
    /// has no task-local job): calling it counts as a step of the job in hand when it was made.
    package func stepper() -> @Sendable () -> Void {
        guard let id = Self.currentSlot else { return {} }
        return { [self] in
            let now = clock()
            slots.withLock { $0.byID[id]?.lastBeat = now }
        }
    }

    /// Runs `body` as the handling of one job, with a heartbeat of its own.
    package func holdingJob<T>(_ body: () async throws -> T) async rethrows -> T {
        let now = clock()
        let id = slots.withLock { state -> UInt64 in
            state.next += 1
            state.byID[state.next] = Slot(lastBeat: now)
            return state.next
        }
        defer { _ = slots.withLock { $0.byID.removeValue(forKey: id) } }
        return try await Self.$currentSlot.withValue(id) { try await body() }
    }

    /// Runs `body`, an API call whose wait is bounded by the client's own timeouts and retries; its start
    /// and its end are steps of the current job.
    package func remoteCall<T, E: Error>(_ body: () async throws(E) -> T) async throws(E) -> T {
        let id = Self.currentSlot
        let now = clock()
        if let id { slots.withLock { state in state.byID[id]?.callsInFlight += 1; state.byID[id]?.lastBeat = now } }
        defer {
            let end = clock()
            if let id { slots.withLock { state in state.byID[id]?.callsInFlight -= 1; state.byID[id]?.lastBeat = end } }
        }
        return try await body()
    }

    /// True when every job in hand waits on the API or made a step within `window` (so also when idle).
    package func isLive(within window: Duration) -> Bool {
        let parts = window.components
        let windowNanoseconds = parts.seconds * 1_000_000_000 + parts.attoseconds / 1_000_000_000
        let now = clock()
        return slots.withLock { state in
            state.byID.values.allSatisfy { $0.callsInFlight > 0 || now - $0.lastBeat <= windowNanoseconds }
        }
    }
}
