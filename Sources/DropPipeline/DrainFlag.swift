import Synchronization

/// Set once when the daemon begins to shut down: workers stop taking new jobs.
package final class DrainFlag: Sendable {
    private let value = Atomic<Bool>(false)

    /// A flag not yet set.
    package init() {}

    /// Marks the start of the shutdown.
    package func set() { value.store(true, ordering: .releasing) }

    /// True once the shutdown began.
    package var isSet: Bool { value.load(ordering: .acquiring) }
}
