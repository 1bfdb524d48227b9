import DropService
import HeyGenSimulator
import ServiceLifecycle

/// The HeyGen simulator as a service of a `ServiceGroup`, telling one waiting party where it listens.
///
/// It runs until the group shuts down gracefully (or is cancelled). `listeningBaseURL()` waits until the
/// server is bound, so a service that needs the API can start after it in the same group.
public struct SimulatorService: Service, CustomStringConvertible {
    /// The simulator served.
    public let simulator: HeyGenSimulator
    private let ports: AsyncStream<Int>
    private let portContinuation: AsyncStream<Int>.Continuation

    /// A service running `simulator`.
    public init(simulator: HeyGenSimulator) {
        self.simulator = simulator
        (ports, portContinuation) = AsyncStream.makeStream(of: Int.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// A short name for logs.
    public var description: String { "HeyGen simulator" }

    /// Serves until graceful shutdown; throws when the address cannot be bound.
    public func run() async throws {
        defer { portContinuation.finish() }
        let continuation = portContinuation
        try await simulator.run { port in continuation.yield(port) }
    }

    /// Waits until the simulator listens and returns its base URL (`http://127.0.0.1:PORT`).
    /// For one caller only. Throws `CancellationError` when the simulator stopped or never started.
    public func listeningBaseURL() async throws -> String {
        for await port in ports {
            let host = simulator.host.contains(":") ? "[\(simulator.host)]" : simulator.host
            return "http://\(host):\(port)"
        }
        throw CancellationError()
    }
}
