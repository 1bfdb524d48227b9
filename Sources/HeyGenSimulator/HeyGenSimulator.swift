import HeyGenAPI
import Hummingbird
import Logging
import Synchronization

/// A HeyGen-compatible API server for tests, benchmarks and the demo, with fault injection.
///
/// It serves `POST /v3/assets`, `POST /v3/video-agents`, `GET /v3/video-agents/{id}`,
/// `GET /v3/videos/{id}`, `GET /v3/videos/statuses` and the video translation calls like the real API (same
/// JSON shapes, `X-Api-Key`, `Idempotency-Key`, `X-Request-Id`), keeps everything in memory, and misbehaves as
/// its `SimulatorFaults` say. Direct uploads (`POST /v3/assets/direct-uploads`, `POST /v3/assets/{id}/complete`,
/// `GET /v3/assets/statuses`) send their bytes to its own signed `/_storage/…` path. The files a finished video
/// or translation names are served by the simulator itself under `/files/` (presigned, expiring URLs; no
/// `X-Api-Key`; `Range` honoured), generated on the fly.
/// `GET/PUT /_admin/faults` and `GET /_admin/stats` control and observe it over HTTP; the same is
/// available from Swift through `faults`, `setFaults(_:)` and `stats`.
public final class HeyGenSimulator: Sendable {
    /// The address the server binds.
    public let host: String
    /// The port asked for at init (0: any free port; see `port` for the real one).
    public let requestedPort: Int
    /// The sizes `POST /v3/assets` accepts.
    public let limits: SimulatorLimits
    let logger: Logger
    let state: Mutex<SimulatorState>

    /// A simulator that will listen on `host:port` (port 0 picks a free port) once `run` is called, keeping
    /// at most what `retention` allows in memory and accepting uploads within `limits`. Its `/_admin` routes answer only when `host` is a loopback
    /// address (`127.0.0.0/8`, `::1`, `localhost`); bound to any other address they answer `403`.
    public init(
        host: String = "127.0.0.1", port: Int = 0, faults: SimulatorFaults = .init(),
        retention: SimulatorRetention = .init(), limits: SimulatorLimits = .init(), logger: Logger
    ) {
        self.host = host
        self.limits = limits
        self.requestedPort = port
        self.logger = logger
        self.state = Mutex(SimulatorState(faults: faults, retention: retention))
    }

    /// How many assets, sessions and idempotency records the simulator holds now (for its memory bound).
    public var storedCounts: SimulatorStoredCounts {
        state.withLock {
            SimulatorStoredCounts(assets: $0.assets.count, sessions: $0.sessions.count, idempotencyKeys: $0.idempotency.count)
        }
    }

    /// The port the server listens on, once it is listening; nil before.
    public var port: Int? {
        state.withLock { $0.port }
    }

    /// `http://host:port` of the listening server (nil before it listens), to use as the API base URL.
    public var baseURL: String? {
        guard let port else { return nil }
        let hostPart = host.contains(":") ? "[\(host)]" : host
        return "http://\(hostPart):\(port)"
    }

    /// The faults in force.
    public var faults: SimulatorFaults {
        state.withLock { $0.faults }
    }

    /// Replaces the faults, effective from the next request. A non-nil `seed` restarts the random
    /// sequence from that seed.
    public func setFaults(_ faults: SimulatorFaults) {
        state.withLock { $0.apply(faults, reseed: true) }
    }

    /// Changes some of the faults in place, effective from the next request; the random sequence
    /// restarts only if the seed was changed.
    public func updateFaults(_ change: (inout SimulatorFaults) -> Void) {
        state.withLock { state in
            var faults = state.faults
            change(&faults)
            state.apply(faults, reseed: faults.seed != state.faults.seed)
        }
    }

    /// What the simulator has seen so far.
    public var stats: SimulatorStats {
        state.withLock { $0.stats }
    }

    /// Starts the statistics afresh (assets, sessions and videos are kept).
    public func resetStats() {
        state.withLock { $0.stats = SimulatorStats() }
    }

    /// Runs the server until the calling task is cancelled (or, when run inside a ServiceLifecycle
    /// service, until graceful shutdown), then stops listening and returns.
    ///
    /// `onListening` is called once with the bound port (the real one when `port` was 0) as soon as
    /// the server accepts connections. Throws if the address cannot be bound.
    public func run(onListening: @Sendable (Int) async -> Void = { _ in }) async throws {
        let router = Router(context: BasicRequestContext.self)
        router.add(middleware: SimulatorMiddleware(simulator: self))
        addRoutes(to: router)

        let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
        let app = Application(
            router: router,
            configuration: .init(address: .hostname(host, port: requestedPort), serverName: nil),
            onServerRunning: { channel in
                portContinuation.yield(channel.localAddress?.port ?? 0)
                portContinuation.finish()
            },
            logger: logger
        )
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                defer { portContinuation.finish() }
                try await app.run()
            }
            for await port in ports {
                state.withLock { $0.port = port }
                logger.info("HeyGen simulator listening", metadata: ["host": "\(host)", "port": "\(port)"])
                await onListening(port)
            }
            do {
                try await group.waitForAll()
            } catch is CancellationError {
                // Cancellation is how the server is asked to stop.
            }
        }
        state.withLock { $0.port = nil }
    }

    /// Runs the server while `body` runs, handing it the bound port, and stops the server when `body`
    /// returns or throws. Throws the bind error if the server cannot start.
    public func withRunning<T>(_ body: (_ port: Int) async throws -> T) async throws -> T {
        try await withThrowingTaskGroup(of: Void.self) { group in
            let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
            group.addTask {
                defer { continuation.finish() }
                try await self.run { port in
                    continuation.yield(port)
                    continuation.finish()
                }
            }
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next() else {
                try await group.waitForAll()  // surfaces the bind error
                throw SimulatorDidNotStart()
            }
            defer { group.cancelAll() }
            return try await body(port)
        }
    }

    /// Registers every route; the middleware must already be in place.
    private func addRoutes(to router: Router<BasicRequestContext>) {
        router.post("/v3/assets") { request, _ in try await self.uploadAsset(request) }
        router.post("/v3/video-agents") { request, _ in try await self.createVideoAgent(request) }
        router.get("/v3/video-agents") { request, _ in try self.listVideoAgents(request) }
        router.get("/v3/video-agents/:id") { request, context in
            try self.videoAgentSession(id: context.parameters.require("id"))
        }
        router.get("/v3/videos/:id") { request, context in
            try self.video(id: context.parameters.require("id"))
        }
        // Direct uploads: begin, complete, statuses, and the storage path the bytes go to.
        router.post("/v3/assets/direct-uploads") { request, _ in try await self.beginDirectUpload(request) }
        router.post("/v3/assets/:id/complete") { request, context in
            try await self.completeDirectUpload(id: context.parameters.require("id"), request)
        }
        router.get("/v3/assets/statuses") { request, _ in try self.assetStatuses(request) }
        router.put("/_storage/:id") { request, context in try await self.storagePut(id: context.parameters.require("id"), request) }
        // What HeyGen made: bulk statuses, video translations, and the file host.
        router.get("/v3/videos/statuses") { request, _ in try self.videoStatuses(request) }
        router.post("/v3/video-translations") { request, _ in try await self.createVideoTranslation(request) }
        router.get("/v3/video-translations") { request, _ in try self.listVideoTranslations(request) }
        router.get("/v3/video-translations/statuses") { request, _ in try self.videoTranslationStatuses(request) }
        router.get("/v3/video-translations/languages") { _, _ in self.translationLanguages() }
        router.get("/v3/video-translations/:id") { _, context in
            try self.videoTranslation(id: context.parameters.require("id"))
        }
        router.get("/files/:owner/:name") { request, context in
            try self.serveFile(request, owner: context.parameters.require("owner"), name: context.parameters.require("name"))
        }
        router.get("/_admin/faults") { _, _ in JSONResponse.make(self.faults) }
        router.put("/_admin/faults") { request, _ in try await self.replaceFaults(request) }
        router.get("/_admin/stats") { _, _ in JSONResponse.make(self.stats) }
    }
}

/// The simulator's server ended before it ever listened.
struct SimulatorDidNotStart: Error, CustomStringConvertible {
    var description: String { "the HeyGen simulator stopped before it listened" }
}
