import HeyGenAPI
import Hummingbird
import SystemSupport

/// What every request goes through: a request id, counting, injected latency and faults, the API key
/// check, and errors rendered in the API's JSON error shape.
struct SimulatorMiddleware: RouterMiddleware {
    typealias Context = BasicRequestContext

    let simulator: HeyGenSimulator

    func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let requestID = makeIdentifier("req_")
        var response: Response
        do {
            response = try await simulator.screen(request, context: context, next: next)
        } catch let error as SimulatorAPIError {
            response = error.response
        } catch let error as ErrorBodyFault {
            response = error.response
        } catch let error as HTTPError {
            response = SimulatorAPIError(
                error.status,
                code: error.status == .notFound ? "not_found" : "invalid_request",
                message: error.body ?? error.status.reasonPhrase
            ).response
        } catch let error as CancellationError {
            throw error
        } catch {
            simulator.logger.debug("request failed", metadata: ["error": "\(error)"])
            response = SimulatorAPIError(.internalServerError, code: "internal_error", message: "internal error").response
        }
        response.headers[.xRequestID] = requestID
        let status = response.status.code
        simulator.state.withLock { $0.stats.responsesByStatus["\(status)", default: 0] += 1 }
        return response
    }
}

extension HeyGenSimulator {
    /// Counts the request, then lets it through to `next` unless latency, a fault or the key check
    /// decides otherwise. Admin routes are counted but never faulted nor key-checked.
    func screen(
        _ request: Request,
        context: BasicRequestContext,
        next: (Request, BasicRequestContext) async throws -> Response
    ) async throws -> Response {
        let route = "\(request.method) \(context.endpointPath ?? "other")"
        let idempotencyKey = request.headers[.idempotencyKey]
        let faults = state.withLock { state in
            state.stats.requests[route, default: 0] += 1
            if route == "POST /v3/assets", let idempotencyKey {
                state.stats.uploadsByIdempotencyKey[idempotencyKey, default: 0] += 1
            }
            return state.faults
        }
        guard request.uri.path.hasPrefix("/v3/") else {
            if request.uri.path.hasPrefix("/_admin"), !LoopbackHost.isLoopback(host) {
                try await request.body.drain()
                throw SimulatorAPIError(
                    .forbidden, code: "admin_forbidden",
                    message: "the admin routes answer only when the simulator is bound to a loopback address")
            }
            return try await next(request, context)
        }
        if faults.latencyMs > 0 {
            try await Task.sleep(for: .milliseconds(faults.latencyMs))
        }
        if state.withLock({ $0.inject("bad_gateway", rate: faults.badGatewayRate) }) {
            try await request.body.drain()
            return Self.badGatewayPage
        }
        let key = request.headers[.xAPIKey] ?? ""
        if key.isEmpty {
            try await request.body.drain()
            throw SimulatorAPIError(.unauthorized, code: "unauthorized", message: "missing X-Api-Key header")
        }
        if faults.rejectedKeys.contains(key) {
            try await request.body.drain()
            throw SimulatorAPIError(.unauthorized, code: "unauthorized", message: "invalid API key")
        }
        if state.withLock({ $0.inject("rate_limit", rate: faults.rateLimitRate) }) {
            try await request.body.drain()
            throw Self.rateLimited(faults, message: "too many requests")
        }
        if state.withLock({ $0.inject("error", rate: faults.errorRate) }) {
            try await request.body.drain()
            throw SimulatorAPIError(.internalServerError, code: "internal_error", message: "simulated internal error")
        }
        return try await next(request, context)
    }

    /// A `429` with the configured integer `Retry-After`.
    static func rateLimited(_ faults: SimulatorFaults, message: String, code: String = "rate_limit_exceeded")
        -> SimulatorAPIError
    {
        SimulatorAPIError(
            .tooManyRequests, code: code, message: message,
            headers: [.retryAfter: String(max(0, faults.retryAfterSeconds))]
        )
    }

    /// The HTML page a gateway answers with when the API behind it is unreachable.
    static var badGatewayPage: Response {
        let html = """
            <html>
            <head><title>502 Bad Gateway</title></head>
            <body>
            <center><h1>502 Bad Gateway</h1></center>
            </body>
            </html>

            """
        return Response(
            status: .badGateway,
            headers: [.contentType: "text/html"],
            body: .init(byteBuffer: ByteBuffer(string: html))
        )
    }
}
