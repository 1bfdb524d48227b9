import DropQueue
import Synchronization
import SystemSupport

/// What a worker knows about its claim on the job in hand: when the lease was last known held (claimed or
/// renewed), on the monotonic clock. Past three quarters of a lease without a renewal the claim may be lost
/// — another worker could take the job once the lease runs out — so the work stops before sending anything
/// more to the API (`checkHeld`), whatever the database can still be asked. Thread-safe.
final class LeaseGuard: Sendable {
    /// The lease length.
    let lease: Duration
    private let heldAt: Atomic<Int64>
    private let lost = Atomic<Bool>(false)
    private let clock: @Sendable () -> Int64

    /// A guard for a claim made just now. `clock` reads monotonic nanoseconds (tests pass their own).
    init(lease: Duration, clock: @escaping @Sendable () -> Int64 = LeaseClock.continuousNanoseconds) {
        self.lease = lease
        self.clock = clock
        self.heldAt = Atomic(clock())
    }

    /// The current monotonic reading, to pass to `renewed(at:)` for a renewal about to be tried.
    func reading() -> Int64 { clock() }

    /// A renewal begun at `reading` succeeded.
    func renewed(at reading: Int64) {
        heldAt.store(max(reading, heldAt.load(ordering: .relaxed)), ordering: .relaxed)
    }

    /// The claim is known lost (the job was claimed again).
    func markLost() { lost.store(true, ordering: .relaxed) }

    /// True while the claim is not known lost and was last held less than three quarters of a lease ago.
    var isHeld: Bool {
        if lost.load(ordering: .relaxed) { return false }
        let parts = (lease * 3 / 4).components
        let limit = parts.seconds * 1_000_000_000 + parts.attoseconds / 1_000_000_000
        return clock() - heldAt.load(ordering: .relaxed) < limit
    }

    /// The guard of the claim the current task works under, if any.
    @TaskLocal static var current: LeaseGuard?

    /// Throws `CancellationError` when the task is cancelled or its claim is not (surely) held any more:
    /// called before each request to the API.
    static func checkHeld() throws {
        try Task.checkCancellation()
        if let current, !current.isHeld { throw CancellationError() }
    }
}
