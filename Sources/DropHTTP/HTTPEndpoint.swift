import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import SystemSupport

/// The operator's HTTP endpoint (SPEC §7), one service of the daemon's service group: `GET /metrics`,
/// `GET /healthz`, `GET /api/jobs` and the dashboard at `GET /`. Read-only: no route changes anything.
///
/// `/healthz` answers 200 with `ok` when nothing is wrong, else 503 with a JSON body,
/// `{"status": "unavailable", "problems": [{"component", "state", "message", "since"}]}` (see `HealthProblem`).
///
/// It runs until the group shuts down gracefully (finishing the requests in hand) or is cancelled; it throws
/// when the address cannot be bound.
public struct HTTPEndpoint: Service, CustomStringConvertible {
    /// Where it listens.
    public let address: ListenAddress
    let source: any OperatorSource
    let metrics: MetricsRegistry
    let jobStates: [String]
    let logger: Logger
    let onListening: @Sendable (Int) async -> Void

    /// An endpoint on `address` showing what `source` says and the series in `metrics`. `jobStates` are the
    /// states the jobs gauge always lists (0 when none); `onListening` gets the bound port once it listens.
    public init(
        address: ListenAddress, source: any OperatorSource, metrics: MetricsRegistry, jobStates: [String],
        logger: Logger, onListening: @escaping @Sendable (Int) async -> Void = { _ in }
    ) {
        self.address = address
        self.source = source
        self.metrics = metrics
        self.jobStates = jobStates
        self.logger = logger
        self.onListening = onListening
    }

    /// A short name for logs.
    public var description: String { "HTTP endpoint on \(address)" }

    /// Serves until graceful shutdown or cancellation.
    public func run() async throws {
        let logger = self.logger
        let address = self.address
        let onListening = self.onListening
        let app = Application(
            router: makeRouter(),
            configuration: .init(address: .hostname(address.host, port: address.port), serverName: nil),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? address.port
                logger.info(
                    "HTTP endpoint listening",
                    metadata: ["url": "http://\(ListenAddress(host: address.host, port: port))/"])
                await onListening(port)
            },
            logger: logger
        )
        do {
            try await app.run()
        } catch {
            // Cancelled (not shut down gracefully): whatever the server threw says nothing about the address.
            if Task.isCancelled { throw error }
            throw HTTPEndpointError(description: "cannot serve the HTTP endpoint on \(address): \(error)")
        }
    }

    /// The routes.
    func makeRouter() -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        let source = self.source
        let metrics = self.metrics
        let states = self.jobStates
        let logger = self.logger
        router.get("/metrics") { _, _ -> Response in
            do {
                metrics.record(try await source.snapshot(), states: states)
            } catch {
                logger.warning("metrics: the queue did not answer", metadata: ["error": "\(error)"])
            }
            return Self.response(.ok, "text/plain; version=0.0.4; charset=utf-8", metrics.exposition())
        }
        router.get("/healthz") { _, _ -> Response in
            let problems = await source.healthProblems()
            if problems.isEmpty { return Self.response(.ok, "text/plain; charset=utf-8", Array("ok\n".utf8)) }
            return Self.response(.serviceUnavailable, "application/json", HealthJSON.encode(HealthReport(problems: problems)))
        }
        router.get("/api/jobs") { _, _ -> Response in
            do {
                let snapshot = try await source.snapshot()
                return Self.response(.ok, "application/json", SnapshotJSON.encode(snapshot))
            } catch {
                let text = "the queue did not answer: \(error)\n"
                return Self.response(.serviceUnavailable, "text/plain; charset=utf-8", Array(text.utf8))
            }
        }
        router.get("/") { _, _ -> Response in
            let snapshot = try? await source.snapshot()
            var response = Self.response(.ok, "text/html; charset=utf-8", DashboardPage.render(initial: snapshot))
            response.headers[HTTPFields.Element.Name("Content-Security-Policy")!] =
                "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src http: https: data:; connect-src 'self'"
            return response
        }
        return router
    }

    /// A response with `body` of `contentType`, not to be cached.
    static func response(_ status: HTTPResponse.Status, _ contentType: String, _ body: [UInt8]) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = contentType
        headers[.cacheControl] = "no-store"
        headers[HTTPFields.Element.Name("X-Content-Type-Options")!] = "nosniff"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }
}

/// The endpoint could not listen (the address is taken or not this machine's), in one line.
public struct HTTPEndpointError: Error, CustomStringConvertible, Sendable {
    /// The line.
    public let description: String
}

/// The health report as JSON, sorted keys, one line and a newline.
enum HealthJSON {
    /// The JSON bytes of `report`.
    static func encode(_ report: HealthReport) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let body = (try? Array(encoder.encode(report))) ?? Array(#"{"status":"unavailable"}"#.utf8)
        return body + Array("\n".utf8)
    }
}

/// The snapshot as JSON: snake_case keys, ISO 8601 dates, sorted keys.
enum SnapshotJSON {
    /// The JSON bytes of `snapshot`.
    static func encode(_ snapshot: DashboardSnapshot) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys]
        return (try? Array(encoder.encode(snapshot))) ?? Array("{}".utf8)
    }
}
