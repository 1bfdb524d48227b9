import AsyncHTTPClient
import Foundation
import HeyGenAPI
import HeyGenSimulator
import Logging
import TestSupport

/// A simulator listening on a free loopback port, and an HTTP client to reach it.
struct ClientHarness: Sendable {
    let simulator: HeyGenSimulator
    let baseURL: String
    let httpClient: HTTPClient

    /// A logger that drops everything (tests never bootstrap logging).
    static let quietLogger = TestSupport.quietLogger("test.heygen")

    /// A client for the simulator using `apiKey`.
    func client(apiKey: String = "test-key", requestTimeout: Duration = .seconds(20)) -> HeyGenClient {
        HeyGenClient(
            configuration: .init(baseURL: baseURL, apiKey: apiKey, requestTimeout: requestTimeout),
            httpClient: httpClient,
            logger: ClientHarness.quietLogger
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
            logger: ClientHarness.quietLogger
        )
    }

    /// An HTTP client with a short connect timeout (AsyncHTTPClient keeps retrying a refused connection until then).
    let fastFailingHTTPClient: HTTPClient
}

/// Runs `body` against a fresh simulator on port 0, stopping it and the HTTP client afterwards.
func withSimulator<T: Sendable>(
    faults: SimulatorFaults = SimulatorFaults(), limits: SimulatorLimits = SimulatorLimits(),
    _ body: @Sendable (ClientHarness) async throws -> T
) async throws -> T {
    let simulator = HeyGenSimulator(faults: faults, limits: limits, logger: ClientHarness.quietLogger)
    let httpClient = HeyGenClient.makeHTTPClient()
    let fastFailingHTTPClient = HTTPClient(
        eventLoopGroup: HTTPClient.defaultEventLoopGroup,
        configuration: .init(redirectConfiguration: .disallow, timeout: .init(connect: .milliseconds(300)))
    )
    let result: Result<T, any Error>
    do {
        result = .success(
            try await simulator.withRunning { port in
                let harness = ClientHarness(
                    simulator: simulator, baseURL: "http://127.0.0.1:\(port)", httpClient: httpClient,
                    fastFailingHTTPClient: fastFailingHTTPClient
                )
                return try await body(harness)
            }
        )
    } catch {
        result = .failure(error)
    }
    try await httpClient.shutdown()
    try await fastFailingHTTPClient.shutdown()
    return try result.get()
}
