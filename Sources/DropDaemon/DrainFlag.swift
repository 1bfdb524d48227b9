import Synchronization

/// Set once when the daemon begins to shut down: workers stop taking new jobs.
final class DrainFlag: Sendable {
    private let value = Atomic<Bool>(false)

    /// Marks the start of the shutdown.
    func set() { value.store(true, ordering: .releasing) }

    /// True once the shutdown began.
    var isSet: Bool { value.load(ordering: .acquiring) }
}
