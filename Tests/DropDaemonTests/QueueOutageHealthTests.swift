import DropQueue
import Foundation
import HeyGenAPI
import TestSupport
import Testing

/// `/healthz` of a daemon on a PostgreSQL queue while its server is down: the real binary, a throw-away
/// cluster stopped and started again, and the simulator.
@Suite("Queue outage health", .serialized, .timeLimit(.minutes(6)))
struct QueueOutageHealthTests {
    /// The queue's entry of a `/healthz` answer of 503, or nil for any other answer.
    static func queueProblem(_ answer: (status: Int, body: String)) throws -> [String: Any]? {
        guard answer.status == 503,
            let object = try JSONSerialization.jsonObject(with: Data(answer.body.utf8)) as? [String: Any],
            object["status"] as? String == "unavailable"
        else { return nil }
        return (object["problems"] as? [[String: Any]])?.first { $0["component"] as? String == "queue" }
    }

    @Test("healthz is 503 naming the queue unreachable while PostgreSQL is down, 200 once it is back; the daemon carries on")
    func healthDuringOutage() async throws {
        try await PostgresTestCluster.with { cluster in
            let url = try await cluster.createDatabase("health")
            try await DaemonHarness.with { h in
                try cluster.password.write(toFile: h.root.file("queue-password"), atomically: true, encoding: .utf8)
                h.environment["HEYGEN_DROPD_QUEUE_URL"] = url
                h.environment["HEYGEN_DROPD_QUEUE_PASSWORD_FILE"] = h.root.file("queue-password")
                h.environment["HEYGEN_DROPD_HTTP_LISTEN"] = "127.0.0.1:0"
                let daemon = try await h.startDaemon()
                let endpoint = try await EndpointClient.of(daemon)
                let healthy = try await endpoint.get("/healthz")
                #expect(healthy.status == 200)
                #expect(healthy.body == "ok\n")
                try h.drop("before.png", SampleMedia.bytes(.png, seed: 1))
                #expect(try await h.waitForResults(["before.png"])["before.png"]?.status == "succeeded")

                // The server goes away: healthz says the queue is unreachable, naming it, never the password.
                try await cluster.stop()
                let problem = try await eventually("healthz names the queue unreachable", timeout: .seconds(120)) {
                    () -> [String: Any]? in
                    let problem = try Self.queueProblem(try await endpoint.get("/healthz"))
                    return problem?["state"] as? String == "unreachable" ? problem : nil
                }
                let message = problem["message"] as? String ?? ""
                #expect(message.contains("127.0.0.1:\(cluster.port)/health"), "\(message)")
                #expect(message.contains("unavailable"), "\(message)")
                #expect(!message.contains(cluster.password))
                let since = try #require(problem["since"] as? String)
                #expect(ISO8601DateFormatter().date(from: since) != nil, "\(since)")
                // It keeps running meanwhile; a drop waits for the queue.
                try h.drop("during.png", SampleMedia.bytes(.png, seed: 2))
                #expect(try Self.queueProblem(try await endpoint.get("/healthz")) != nil)

                // The server is back: healthz is ok again, and the daemon works the drop made meanwhile.
                try await cluster.start()
                _ = try await eventually("healthz is ok again", timeout: .seconds(120)) { () -> Bool? in
                    let answer = try await endpoint.get("/healthz")
                    return answer.status == 200 && answer.body == "ok\n" ? true : nil
                }
                #expect(try await h.waitForResults(["during.png"], timeout: .seconds(120))["during.png"]?.status == "succeeded")
                #expect(try await daemon.stop() == 0)
                #expect(!daemon.logText.contains(cluster.password))
            }
        }
    }
}
