/// A small, fast, seedable random number generator (SplitMix64): the one source of reproducible randomness
/// for the simulator's faults and files, the sample media and the tests.
///
/// The same seed gives the same sequence, so a simulator started with a seed injects the same faults for the
/// same sequence of requests, and a test drawing from it sees the same values on every run.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var state: UInt64

    /// A generator whose sequence is fixed by `seed`.
    public init(seed: UInt64) {
        state = seed
    }

    /// A generator seeded from the system's random source.
    public init() {
        var system = SystemRandomNumberGenerator()
        state = system.next()
    }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// True with probability `rate` (0 never, 1 always). Draws nothing when `rate` is 0 or less,
    /// so unused fault kinds do not shift the sequence of the others.
    public mutating func chance(_ rate: Double) -> Bool {
        guard rate > 0 else { return false }
        if rate >= 1 { return true }
        return Double.random(in: 0..<1, using: &self) < rate
    }
}
