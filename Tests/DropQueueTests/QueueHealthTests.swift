@testable import DropQueue
import Foundation
import Testing

/// The queue-health signal a store keeps of its calls, which `/healthz` reads.
@Suite("queue health signal")
struct QueueHealthTests {
    @Test("unreachable after a failure to reach the server, since the first of a run; reachable after any answer")
    func transitions() {
        let health = QueueHealth()
        #expect(health.current == .unknown)
        let first = Date(timeIntervalSince1970: 1_800_000_000)
        health.recordFailure(.unavailable(location: "postgres://q@h:5/q", message: "connection refused"), now: first)
        #expect(health.current == .unreachable(since: first, message: "queue database postgres://q@h:5/q unavailable: connection refused"))
        // Still down: the first failure's time is kept, the message is the last one.
        health.recordFailure(.unavailable(location: "postgres://q@h:5/q", message: "no answer within 15 s"), now: first + 30)
        #expect(health.current == .unreachable(since: first, message: "queue database postgres://q@h:5/q unavailable: no answer within 15 s"))
        health.recordSuccess()
        #expect(health.current == .reachable)
        // A server that answers with an error is reachable.
        health.recordFailure(.unavailable(location: "postgres://q@h:5/q", message: "x"), now: first + 60)
        health.recordFailure(.server(location: "postgres://q@h:5/q", message: "unique violation"), now: first + 61)
        #expect(health.current == .reachable)
        health.recordFailure(.unavailable(location: "postgres://q@h:5/q", message: "y"), now: first + 90)
        #expect(health.current == .unreachable(since: first + 90, message: "queue database postgres://q@h:5/q unavailable: y"))
    }
}
