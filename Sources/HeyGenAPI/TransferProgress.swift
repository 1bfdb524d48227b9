import Synchronization

/// How far one transfer of a job has got (a file being uploaded, a result being downloaded), for the
/// operator's views; the client moves it as bytes are read from the file or written to disk.
///
/// `onAdvance` is called with each new position, on whatever thread moved it: keep it short (the pipeline
/// logs a percentage at most every few seconds from it).
public final class TransferProgress: Sendable {
    private let state: Mutex<(done: Int64, total: Int64)>
    private let onAdvance: @Sendable (_ done: Int64, _ total: Int64) -> Void

    /// A transfer of `total` bytes (0 when not known yet), none moved so far.
    public init(total: Int64, onAdvance: @escaping @Sendable (_ done: Int64, _ total: Int64) -> Void = { _, _ in }) {
        state = Mutex((0, max(0, total)))
        self.onAdvance = onAdvance
    }

    /// Bytes moved so far, and the total (0 when not known).
    public var snapshot: (done: Int64, total: Int64) { state.withLock { $0 } }

    /// Sets the position (a retry starts over, so it may go back) and, when known, the total.
    public func set(done: Int64, total: Int64? = nil) {
        let now = state.withLock { state in
            if let total { state.total = max(0, total) }
            state.done = max(0, done)
            return state
        }
        onAdvance(now.done, now.total)
    }
}
