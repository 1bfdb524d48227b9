import DropQueue
import Synchronization

/// The workers' sign of life, for the systemd watchdog: a worker beats at each turn of its loop and at each
/// step of a job (every save, release or finish), and marks the API calls it is waiting on.
///
/// The pipeline counts as live (`isLive`) when no job is in hand (idle), when an API call is in flight
/// (its own timeouts bound it), or when some worker beat within the window. A worker stuck in a local step
/// — blocked in a system call, say — stops the beats, and the watchdog then stops being fed. Thread-safe.
final class Heartbeat: Sendable {
    private let lastBeat: Atomic<Int64>
    private let jobsInHand = Atomic<Int>(0)
    private let callsInFlight = Atomic<Int>(0)
    private let clock: @Sendable () -> Int64

    /// A heartbeat that has just beaten. `clock` reads monotonic nanoseconds (tests pass their own).
    init(clock: @escaping @Sendable () -> Int64 = LeaseClock.continuousNanoseconds) {
        self.clock = clock
        self.lastBeat = Atomic(clock())
    }

    /// A worker made progress.
    func beat() {
        lastBeat.store(clock(), ordering: .relaxed)
    }

    /// Runs `body` as the handling of one job: the pipeline is not idle meanwhile.
    func holdingJob<T>(_ body: () async throws -> T) async rethrows -> T {
        jobsInHand.add(1, ordering: .relaxed)
        beat()
        defer {
            jobsInHand.subtract(1, ordering: .relaxed)
            beat()
        }
        return try await body()
    }

    /// Runs `body`, an API call whose wait is bounded by the client's own timeouts and retries.
    func remoteCall<T, E: Error>(_ body: () async throws(E) -> T) async throws(E) -> T {
        callsInFlight.add(1, ordering: .relaxed)
        beat()
        defer {
            callsInFlight.subtract(1, ordering: .relaxed)
            beat()
        }
        return try await body()
    }

    /// True when idle, waiting on the API, or a worker beat within `window`.
    func isLive(within window: Duration) -> Bool {
        if jobsInHand.load(ordering: .relaxed) == 0 || callsInFlight.load(ordering: .relaxed) > 0 { return true }
        let parts = window.components
        let windowNanoseconds = parts.seconds * 1_000_000_000 + parts.attoseconds / 1_000_000_000
        return clock() - lastBeat.load(ordering: .relaxed) <= windowNanoseconds
    }
}
