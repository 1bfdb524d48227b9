import DropHTTP
import DropOperator
import DropQueue
import Foundation
import DropPipeline
import Synchronization

/// What the daemon's HTTP endpoint shows: the dashboard snapshot from the queue and the live transfers, read
/// through the queue store, and its health: the queue answers and the inbox is watched.
///
/// The queue is asked for its counts, bounded by `probeTimeout`, so `/healthz` answers within a few seconds
/// even while the server is down (a store call may wait much longer for a connection). When that fails, the
/// store's own health signal (a PostgreSQL store records whether its calls reach the server) says whether the
/// server is unreachable, since when and why; the daemon meanwhile keeps running and its store reconnects.
struct DaemonOperatorSource: OperatorSource {
    let reader: DashboardReader
    let inbox: String
    let watching: WatchingFlag
    var probeTimeout: Duration = .seconds(3)

    func snapshot() async throws -> DashboardSnapshot {
        try await reader.read()
    }

    func healthProblems() async -> [HealthProblem] {
        var problems: [HealthProblem] = []
        if let problem = await queueProblem() { problems.append(problem) }
        if !watching.isSet {
            problems.append(HealthProblem(component: "inbox", state: "not_watched", message: "inbox \(inbox) not watched"))
        }
        return problems
    }

    /// The queue's problem, if it has one: unreachable (as its store found), or not answering the probe.
    private func queueProblem() async -> HealthProblem? {
        let queue = reader.queue
        let timeout = probeTimeout
        let failure: String? = await withTaskGroup(of: String?.self) { group in
            group.addTask {
                do {
                    _ = try await queue.counts(now: Date())
                    return nil
                } catch {
                    return "\(error)"
                }
            }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return "queue \(queue.location) did not answer within \(timeout.components.seconds) s"
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
        guard let failure else { return nil }
        if case .unreachable(let since, let message) = queue.health?.current {
            return Self.unreachable(since: since, message: message)
        }
        return HealthProblem(component: "queue", state: "not_answering", message: "queue not answering: \(failure)")
    }

    /// The problem of a queue whose server cannot be reached since `since`.
    private static func unreachable(since: Date, message: String) -> HealthProblem {
        HealthProblem(
            component: "queue", state: "unreachable", message: message,
            since: since.formatted(.iso8601))
    }
}

/// Set once the inbox is watched (and cleared if the watch ends). Thread-safe.
final class WatchingFlag: Sendable {
    private let value = Atomic<Bool>(false)

    /// Whether the inbox is watched now.
    var isSet: Bool { value.load(ordering: .acquiring) }

    /// Records whether the inbox is watched.
    func set(_ watched: Bool) { value.store(watched, ordering: .releasing) }
}
