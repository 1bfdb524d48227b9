#if canImport(FoundationEssentials)
import FoundationEssentials
import SystemSupport
#else
import Foundation
#endif

/// The time leases are measured on: wall-clock time as it was when the clock was made, advanced by a
/// monotonic clock since. A step of the wall clock (an NTP correction, an operator's `date -s`) moves
/// neither way here, so a jump forward does not expire every lease at once and a jump back does not keep
/// leases alive for the length of the jump.
///
/// Leases are only compared within the process that claims them (start-up recovery frees a previous
/// process's leases whatever their times), so the readings need to agree with each other, not with the
/// wall clock. Thread-safe.
public final class LeaseClock: Sendable {
    private let anchorWall: Date
    private let anchorMonotonic: Int64
    private let monotonicNanoseconds: @Sendable () -> Int64

    /// A clock anchored at `wall()` now. `monotonicNanoseconds` (default: the system's continuous clock)
    /// is a reading in nanoseconds that only moves forward; tests pass their own two sources.
    public init(
        wall: @Sendable () -> Date = { Date() },
        monotonicNanoseconds: @escaping @Sendable () -> Int64 = LeaseClock.continuousNanoseconds
    ) {
        self.anchorWall = wall()
        self.anchorMonotonic = monotonicNanoseconds()
        self.monotonicNanoseconds = monotonicNanoseconds
    }

    /// The current reading: the anchor's wall time plus the monotonic time elapsed since.
    public func now() -> Date {
        let elapsed = max(0, monotonicNanoseconds() - anchorMonotonic)
        return anchorWall.addingTimeInterval(Double(elapsed) / 1e9)
    }

    /// Nanoseconds of the system's continuous (monotonic, counting suspend) clock since an arbitrary start.
    @Sendable
    public static func continuousNanoseconds() -> Int64 {
        let parts = ContinuousClock.Instant.zeroReference.duration(to: ContinuousClock.now).components
        return parts.seconds * 1_000_000_000 + parts.attoseconds / 1_000_000_000
    }
}

extension ContinuousClock.Instant {
    /// A fixed instant to measure from.
    fileprivate static let zeroReference: ContinuousClock.Instant = ContinuousClock.now
}
