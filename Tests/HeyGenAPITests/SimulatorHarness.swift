import AsyncHTTPClient
import Foundation
import HeyGenAPI
import HeyGenSimulator
import Logging
import TestSupport

/// The one harness of the client and simulator tests: a simulator listening on a free loopback port for the
/// duration of one test, the client's own HTTP client to reach it (`client()`), and plain HTTP helpers for
/// requests the client would never send (`send`, `upload`, … in `SimulatorHarness+HTTP.swift`).
struct SimulatorHarness: Sendable {
    let simulator: HeyGenSimulator
    let port: Int
    /// The HTTP client `HeyGenClient.makeHTTPClient()` makes, as the daemon uses it.
    let httpClient: HTTPClient
    /// An HTTP client with a short connect timeout (AsyncHTTPClient keeps retrying a refused connection until then).
    let fastFailingHTTPClient: HTTPClient

    /// A logger that drops everything (tests never bootstrap logging).
    static let quietLogger = TestSupport.quietLogger("test.heygen")

    /// `http://127.0.0.1:port`, the API base URL.
    var baseURL: String { "http://127.0.0.1:\(port)" }

    /// A client for the simulator using `apiKey`.
    func client(apiKey: String = "test-key", requestTimeout: Duration = .seconds(20)) -> HeyGenClient {
        HeyGenClient(
            configuration: .init(baseURL: baseURL, apiKey: apiKey, requestTimeout: requestTimeout),
            httpClient: httpClient,
            logger: Self.quietLogger
        )
    }

    /// Requests the simulator received on routes starting with `route` (e.g. `"POST /v3/assets"`, `"GET /v3/videos/"`).
    func requests(_ route: String) -> Int {
        simulator.stats.requests.filter { $0.key.hasPrefix(route) }.map(\.value).reduce(0, +)
    }

    /// A client for an address where nothing listens, failing fast.
    func unreachableClient(apiKey: String = "k") -> HeyGenClient {
        HeyGenClient(
            configuration: .init(baseURL: "http://127.0.0.1:1", apiKey: apiKey),
            httpClient: fastFailingHTTPClient,
            logger: Self.quietLogger
        )
    }
}

/// Runs `body` against a fresh simulator on port 0 with `faults`, `limits` and `retention`, stopping it and the
/// HTTP clients afterwards.
func withSimulator<T: Sendable>(
    faults: SimulatorFaults = SimulatorFaults(seed: 42), limits: SimulatorLimits = SimulatorLimits(),
    retention: SimulatorRetention = SimulatorRetention(),
    _ body: (SimulatorHarness) async throws -> T
) async throws -> T {
    let simulator = HeyGenSimulator(faults: faults, retention: retention, limits: limits, logger: SimulatorHarness.quietLogger)
    return try await withSimulator(running: simulator, body)
}

/// Runs `body` against `simulator`, started on its port for the call and stopped afterwards, with the HTTP clients.
func withSimulator<T: Sendable>(running simulator: HeyGenSimulator, _ body: (SimulatorHarness) async throws -> T) async throws -> T {
    let httpClient = HeyGenClient.makeHTTPClient()
    let fastFailingHTTPClient = HTTPClient(
        eventLoopGroup: HTTPClient.defaultEventLoopGroup,
        configuration: .init(redirectConfiguration: .disallow, timeout: .init(connect: .milliseconds(300)))
    )
    let result: Result<T, any Error>
    do {
        result = .success(
            try await simulator.withRunning { port in
                try await body(
                    SimulatorHarness(
                        simulator: simulator, port: port, httpClient: httpClient, fastFailingHTTPClient: fastFailingHTTPClient))
            }
        )
    } catch {
        result = .failure(error)
    }
    try await httpClient.shutdown()
    try await fastFailingHTTPClient.shutdown()
    return try result.get()
}
