/// How the simulator misbehaves, and how fast its videos progress.
///
/// Rates are probabilities from 0 (never) to 1 (always), drawn per request. Fault rates apply to
/// the API routes (`/v3/...`) only, never to `/_admin`. Decoding accepts any subset of the fields
/// (the others keep their defaults), so `{"errorRate": 0.2}` is a valid value.
public struct SimulatorFaults: Sendable, Codable, Equatable {
    /// Share of API requests answered `500` with a JSON error body.
    public var errorRate: Double
    /// Share of API requests answered `429` with `Retry-After: retryAfterSeconds`.
    public var rateLimitRate: Double
    /// The integer `Retry-After` (seconds) sent with every `429`, including the video concurrency limit.
    public var retryAfterSeconds: Int
    /// Share of API requests answered `502` with an HTML page (`text/html`), as a gateway would.
    public var badGatewayRate: Double
    /// Delay added before every API request is answered, in milliseconds.
    public var latencyMs: Int
    /// Share of videos that end `failed` (with `failure_code` and `failure_message`) instead of `completed`.
    public var videoFailureRate: Double
    /// Share of `GET /v3/video-agents/{id}` answered `404` although the session exists.
    public var sessionNotFoundRate: Double
    /// Share of `GET /v3/videos/{id}` answered `200` with an `{"error": {...}}` body instead of the video.
    public var errorBodyRate: Double
    /// Session polls before a session has a `video_id` (0: the create response already carries it).
    public var pollsUntilVideoID: Int
    /// Video polls before a video is `completed` or `failed` (0 or 1: the first poll finishes it).
    public var pollsUntilCompleted: Int
    /// Videos allowed in progress at once; creating one more is answered `429`.
    public var maxConcurrentVideos: Int
    /// Answer the bulk status routes (`GET /v3/videos/statuses`, `GET /v3/video-translations/statuses`)
    /// `404`, as an API older than them would.
    public var bulkStatusMissing: Bool = false
    /// API keys answered `401` (any other non-empty key is accepted).
    public var rejectedKeys: [String]
    /// API keys whose video creation is answered `402` with code `insufficient_credit`.
    public var insufficientCreditKeys: [String]
    /// Share of `POST /v3/video-agents` answered `500` AFTER the session was created (a lost answer).
    public var agentCreateErrorAfterCreateRate: Double
    /// Share of `POST /v3/video-agents` whose connection is cut AFTER the session was created, before a
    /// complete answer.
    public var agentCreateDropAfterCreateRate: Double
    /// Delay between creating a session and answering `POST /v3/video-agents`, in milliseconds.
    public var agentCreateDelayMs: Int
    /// The next this many `GET /v3/videos/{id}` are answered `401` (the count goes down with each).
    public var unauthorizedVideoPolls: Int
    /// How direct uploads behave and misbehave (see `DirectUploadFaults`).
    public var directUpload: DirectUploadFaults
    /// The simulator's files and translations: sizes, link lifetime, file host faults, translation outcomes.
    /// Encoded flat among the other fields (see `SimulatorOutputFaults`).
    public var output: SimulatorOutputFaults
    /// Seed for the random draws; the same seed and the same requests give the same faults.
    /// nil: seeded from the system's random source.
    public var seed: UInt64?

    /// Faults as given; the defaults describe a well-behaved server.
    public init(
        errorRate: Double = 0,
        rateLimitRate: Double = 0,
        retryAfterSeconds: Int = 1,
        badGatewayRate: Double = 0,
        latencyMs: Int = 0,
        videoFailureRate: Double = 0,
        sessionNotFoundRate: Double = 0,
        errorBodyRate: Double = 0,
        pollsUntilVideoID: Int = 1,
        pollsUntilCompleted: Int = 2,
        maxConcurrentVideos: Int = 10,
        rejectedKeys: [String] = ["bad-key"],
        insufficientCreditKeys: [String] = [],
        agentCreateErrorAfterCreateRate: Double = 0,
        agentCreateDropAfterCreateRate: Double = 0,
        agentCreateDelayMs: Int = 0,
        unauthorizedVideoPolls: Int = 0,
        directUpload: DirectUploadFaults = DirectUploadFaults(),
        output: SimulatorOutputFaults = SimulatorOutputFaults(),
        seed: UInt64? = nil
    ) {
        self.errorRate = errorRate
        self.rateLimitRate = rateLimitRate
        self.retryAfterSeconds = retryAfterSeconds
        self.badGatewayRate = badGatewayRate
        self.latencyMs = latencyMs
        self.videoFailureRate = videoFailureRate
        self.sessionNotFoundRate = sessionNotFoundRate
        self.errorBodyRate = errorBodyRate
        self.pollsUntilVideoID = pollsUntilVideoID
        self.pollsUntilCompleted = pollsUntilCompleted
        self.maxConcurrentVideos = maxConcurrentVideos
        self.rejectedKeys = rejectedKeys
        self.insufficientCreditKeys = insufficientCreditKeys
        self.agentCreateErrorAfterCreateRate = agentCreateErrorAfterCreateRate
        self.agentCreateDropAfterCreateRate = agentCreateDropAfterCreateRate
        self.agentCreateDelayMs = agentCreateDelayMs
        self.unauthorizedVideoPolls = unauthorizedVideoPolls
        self.directUpload = directUpload
        self.output = output
        self.seed = seed
    }

    private enum CodingKeys: String, CodingKey {
        case errorRate, rateLimitRate, retryAfterSeconds, badGatewayRate, latencyMs, videoFailureRate
        case sessionNotFoundRate, errorBodyRate, pollsUntilVideoID, pollsUntilCompleted, maxConcurrentVideos
        case bulkStatusMissing
        case rejectedKeys, insufficientCreditKeys, seed
        case agentCreateErrorAfterCreateRate, agentCreateDropAfterCreateRate, agentCreateDelayMs, unauthorizedVideoPolls
        case directUpload
    }

    /// Decodes the fields present; absent ones take their defaults.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = SimulatorFaults()
        errorRate = try c.decodeIfPresent(Double.self, forKey: .errorRate) ?? d.errorRate
        rateLimitRate = try c.decodeIfPresent(Double.self, forKey: .rateLimitRate) ?? d.rateLimitRate
        retryAfterSeconds = try c.decodeIfPresent(Int.self, forKey: .retryAfterSeconds) ?? d.retryAfterSeconds
        badGatewayRate = try c.decodeIfPresent(Double.self, forKey: .badGatewayRate) ?? d.badGatewayRate
        latencyMs = try c.decodeIfPresent(Int.self, forKey: .latencyMs) ?? d.latencyMs
        videoFailureRate = try c.decodeIfPresent(Double.self, forKey: .videoFailureRate) ?? d.videoFailureRate
        sessionNotFoundRate = try c.decodeIfPresent(Double.self, forKey: .sessionNotFoundRate) ?? d.sessionNotFoundRate
        errorBodyRate = try c.decodeIfPresent(Double.self, forKey: .errorBodyRate) ?? d.errorBodyRate
        pollsUntilVideoID = try c.decodeIfPresent(Int.self, forKey: .pollsUntilVideoID) ?? d.pollsUntilVideoID
        pollsUntilCompleted = try c.decodeIfPresent(Int.self, forKey: .pollsUntilCompleted) ?? d.pollsUntilCompleted
        maxConcurrentVideos = try c.decodeIfPresent(Int.self, forKey: .maxConcurrentVideos) ?? d.maxConcurrentVideos
        bulkStatusMissing = try c.decodeIfPresent(Bool.self, forKey: .bulkStatusMissing) ?? d.bulkStatusMissing
        rejectedKeys = try c.decodeIfPresent([String].self, forKey: .rejectedKeys) ?? d.rejectedKeys
        insufficientCreditKeys =
            try c.decodeIfPresent([String].self, forKey: .insufficientCreditKeys) ?? d.insufficientCreditKeys
        agentCreateErrorAfterCreateRate =
            try c.decodeIfPresent(Double.self, forKey: .agentCreateErrorAfterCreateRate) ?? d.agentCreateErrorAfterCreateRate
        agentCreateDropAfterCreateRate =
            try c.decodeIfPresent(Double.self, forKey: .agentCreateDropAfterCreateRate) ?? d.agentCreateDropAfterCreateRate
        agentCreateDelayMs = try c.decodeIfPresent(Int.self, forKey: .agentCreateDelayMs) ?? d.agentCreateDelayMs
        unauthorizedVideoPolls = try c.decodeIfPresent(Int.self, forKey: .unauthorizedVideoPolls) ?? d.unauthorizedVideoPolls
        directUpload = try c.decodeIfPresent(DirectUploadFaults.self, forKey: .directUpload) ?? d.directUpload
        seed = try c.decodeIfPresent(UInt64.self, forKey: .seed)
        output = try SimulatorOutputFaults(from: decoder)
    }

    /// Encodes every field (`seed` as null when unset).
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(errorRate, forKey: .errorRate)
        try c.encode(rateLimitRate, forKey: .rateLimitRate)
        try c.encode(retryAfterSeconds, forKey: .retryAfterSeconds)
        try c.encode(badGatewayRate, forKey: .badGatewayRate)
        try c.encode(latencyMs, forKey: .latencyMs)
        try c.encode(videoFailureRate, forKey: .videoFailureRate)
        try c.encode(sessionNotFoundRate, forKey: .sessionNotFoundRate)
        try c.encode(errorBodyRate, forKey: .errorBodyRate)
        try c.encode(pollsUntilVideoID, forKey: .pollsUntilVideoID)
        try c.encode(pollsUntilCompleted, forKey: .pollsUntilCompleted)
        try c.encode(maxConcurrentVideos, forKey: .maxConcurrentVideos)
        try c.encode(bulkStatusMissing, forKey: .bulkStatusMissing)
        try c.encode(rejectedKeys, forKey: .rejectedKeys)
        try c.encode(insufficientCreditKeys, forKey: .insufficientCreditKeys)
        try c.encode(agentCreateErrorAfterCreateRate, forKey: .agentCreateErrorAfterCreateRate)
        try c.encode(agentCreateDropAfterCreateRate, forKey: .agentCreateDropAfterCreateRate)
        try c.encode(agentCreateDelayMs, forKey: .agentCreateDelayMs)
        try c.encode(unauthorizedVideoPolls, forKey: .unauthorizedVideoPolls)
        try c.encode(directUpload, forKey: .directUpload)
        try c.encode(seed, forKey: .seed)
        try output.encode(to: encoder)
    }
}
