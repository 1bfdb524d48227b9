import AsyncHTTPClient
import DropHTTP
import Foundation
import Logging
import NIOCore
import ServiceLifecycle
import SystemSupport
import TestSupport

/// A fixed answer for the endpoint: a snapshot and a list of health problems.
struct FixedSource: OperatorSource {
    var fixed: DashboardSnapshot
    var problems: [HealthProblem] = []
    var queueDown = false

    func snapshot() async throws -> DashboardSnapshot {
        if queueDown { throw HarnessError("database is locked") }
        return fixed
    }

    func healthProblems() async -> [HealthProblem] { problems }
}

/// One answer of the endpoint.
struct Fetched {
    var status: Int
    var contentType: String
    var body: String
}

/// Runs an `HTTPEndpoint` on a free loopback port in a service group while `body` runs, then shuts the group
/// down gracefully and waits for it to end.
func withEndpoint<T: Sendable>(
    source: any OperatorSource, metrics: MetricsRegistry = MetricsRegistry(),
    _ body: @Sendable (_ get: @Sendable (String) async throws -> Fetched) async throws -> T
) async throws -> T {
    let (ports, continuation) = AsyncStream.makeStream(of: Int.self, bufferingPolicy: .bufferingNewest(1))
    let endpoint = HTTPEndpoint(
        address: ListenAddress(host: "127.0.0.1", port: 0), source: source, metrics: metrics,
        jobStates: ["queued", "waiting_video", "succeeded", "failed"], logger: quietLogger(),
        onListening: { port in continuation.yield(port) })
    let group = ServiceGroup(
        configuration: .init(services: [.init(service: endpoint)], gracefulShutdownSignals: [], logger: quietLogger()))
    return try await withThrowingTaskGroup(of: Void.self) { tasks in
        tasks.addTask { try await group.run() }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else { throw HarnessError("the endpoint never listened") }
        let get: @Sendable (String) async throws -> Fetched = { path in
            let response = try await HTTPClient.shared.execute(
                HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)"), timeout: .seconds(30))
            let body = try await response.body.collect(upTo: 4 << 20)
            return Fetched(
                status: Int(response.status.code), contentType: response.headers.first(name: "content-type") ?? "",
                body: String(buffer: body))
        }
        let value: T
        do {
            value = try await body(get)
        } catch {
            await group.triggerGracefulShutdown()
            throw error
        }
        await group.triggerGracefulShutdown()
        try await tasks.waitForAll()
        return value
    }
}

/// The samples of a Prometheus text exposition: `name{labels}` → value. Throws on a line that is neither a
/// comment nor a sample.
func parsePrometheus(_ text: String) throws -> [String: Double] {
    var samples: [String: Double] = [:]
    for line in text.split(separator: "\n") where !line.hasPrefix("#") && !line.isEmpty {
        guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else {
            throw HarnessError("not a Prometheus sample: \(line)")
        }
        let series = line[..<space]
        let name = series.prefix { $0 != "{" }
        guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == ":" }) else {
            throw HarnessError("not a metric name: \(line)")
        }
        samples[String(series)] = value
    }
    return samples
}
