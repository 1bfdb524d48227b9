import DropHTTP
import DropOperator
import DropQueue
import Foundation
import DropPipeline
import Synchronization

/// What the daemon's HTTP endpoint shows: the dashboard snapshot from the queue and the live transfers, read
/// through the queue store, and its health: the queue answers and the inbox is watched.
struct DaemonOperatorSource: OperatorSource {
    let reader: DashboardReader
    let inbox: String
    let watching: WatchingFlag

    func snapshot() async throws -> DashboardSnapshot {
        try await reader.read()
    }

    func healthProblems() async -> [String] {
        var problems: [String] = []
        let queue = reader.queue
        do {
            _ = try await queue.counts(now: Date())
        } catch {
            problems.append("queue not answering: \(error)")
        }
        if !watching.isSet { problems.append("inbox \(inbox) not watched") }
        return problems
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
