import Synchronization
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Whether a queue's server answers, as its store last saw it: every call the store makes records its
/// outcome here, so `/healthz` can say at once that the queue is unreachable (and since when, and why)
/// without waiting for a call of its own to time out. Thread-safe.
///
/// Only a failure to reach the server (`QueueError.unavailable`) counts against it; a server that answers
/// with an error is reachable. The first success after failures makes it reachable again.
public final class QueueHealth: Sendable {
    /// What the store last saw.
    public enum State: Sendable, Equatable {
        /// No call has finished yet.
        case unknown
        /// The last call that finished reached the server.
        case reachable
        /// The calls since `since` could not reach the server; `message` is the last failure (one line,
        /// naming the server without any password).
        case unreachable(since: Date, message: String)
    }

    private let state = Mutex<State>(.unknown)

    /// A signal that has seen nothing yet.
    public init() {}

    /// What the store last saw.
    public var current: State { state.withLock { $0 } }

    /// Records a call that reached the server.
    public func recordSuccess() {
        state.withLock { $0 = .reachable }
    }

    /// Records a call that failed with `error` at `now`: only `.unavailable` makes the queue unreachable
    /// (keeping the time of the first such failure in a row); other failures mean the server answered.
    public func recordFailure(_ error: QueueError, now: Date = Date()) {
        state.withLock { state in
            guard error == .unavailable else {
                state = .reachable
                return
            }
            if case .unreachable(let since, _) = state {
                state = .unreachable(since: since, message: error.description)
            } else {
                state = .unreachable(since: now, message: error.description)
            }
        }
    }
}
