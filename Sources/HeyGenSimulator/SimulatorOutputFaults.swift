/// How the simulator's files (what HeyGen made) and translations behave: sizes, link lifetime, faults of the
/// file host, translation progress and failures.
///
/// Part of `SimulatorFaults` (its `output`), but encoded flat among the other fault fields, so
/// `PUT /_admin/faults {"videoSizeBytes": 1073741824}` works. Counts (`downloadCuts`, `downloadErrors`,
/// `downloadExpirations`, `downloadRedirects`) go down by one with each file request they act on.
public struct SimulatorOutputFaults: Sendable, Codable, Equatable {
    /// The size of every video file served (`video_url`, `captioned_video_url`, a translation's `video_url`),
    /// in bytes; generated on the fly, never held in memory.
    public var videoSizeBytes: Int64
    /// How long a file URL stays valid after it was issued, in seconds (0: expired at once → 403).
    public var fileURLLifetimeSeconds: Int
    /// The next this many file responses are cut after `downloadCutAfterBytes` bytes of their body.
    public var downloadCuts: Int
    /// Where a cut response stops, in bytes of its body (a stalled one, too).
    public var downloadCutAfterBytes: Int64
    /// The next this many file responses stop sending after `downloadCutAfterBytes` bytes, hang for
    /// `downloadStallSeconds`, then are cut (a connection that went silent).
    public var downloadStalls: Int
    /// How long a stalled response hangs before it is cut, in seconds.
    public var downloadStallSeconds: Int
    /// The next this many file requests are answered `503`.
    public var downloadErrors: Int
    /// The next this many file requests are answered `403` as if their link had expired.
    public var downloadExpirations: Int
    /// The next this many file requests are answered `302` to the same URL on the same host.
    public var downloadRedirects: Int
    /// When set, file requests are answered `302` to this URL.
    public var downloadRedirectTarget: String?
    /// Whether the file host honours `Range` (false: it answers `200` with the whole file).
    public var downloadRangeSupport: Bool
    /// Polls (GET one, or an entry in the bulk statuses) before a translation is `completed` or `failed`.
    public var translationPollsUntilCompleted: Int
    /// Output languages (as asked, e.g. `German`, or as a code, e.g. `de-DE`) whose translations end `failed`.
    public var failingTranslationLanguages: [String]
    /// How long a translation create waits, after the translations exist, before it answers (in ms): room
    /// for a client to crash between sending a create and learning its ids.
    public var translationCreateDelayMs: Int

    /// Faults as given; the defaults describe a well-behaved file host.
    public init(
        videoSizeBytes: Int64 = 256 * 1024,
        fileURLLifetimeSeconds: Int = 7 * 24 * 3600,
        downloadCuts: Int = 0,
        downloadCutAfterBytes: Int64 = 64 * 1024,
        downloadStalls: Int = 0,
        downloadStallSeconds: Int = 5,
        downloadErrors: Int = 0,
        downloadExpirations: Int = 0,
        downloadRedirects: Int = 0,
        downloadRedirectTarget: String? = nil,
        downloadRangeSupport: Bool = true,
        translationPollsUntilCompleted: Int = 3,
        failingTranslationLanguages: [String] = [],
        translationCreateDelayMs: Int = 0
    ) {
        self.videoSizeBytes = videoSizeBytes
        self.fileURLLifetimeSeconds = fileURLLifetimeSeconds
        self.downloadCuts = downloadCuts
        self.downloadCutAfterBytes = downloadCutAfterBytes
        self.downloadStalls = downloadStalls
        self.downloadStallSeconds = downloadStallSeconds
        self.downloadErrors = downloadErrors
        self.downloadExpirations = downloadExpirations
        self.downloadRedirects = downloadRedirects
        self.downloadRedirectTarget = downloadRedirectTarget
        self.downloadRangeSupport = downloadRangeSupport
        self.translationPollsUntilCompleted = translationPollsUntilCompleted
        self.failingTranslationLanguages = failingTranslationLanguages
        self.translationCreateDelayMs = translationCreateDelayMs
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case videoSizeBytes, fileURLLifetimeSeconds, downloadCuts, downloadCutAfterBytes, downloadStalls, downloadStallSeconds
        case downloadErrors, downloadExpirations
        case downloadRedirects, downloadRedirectTarget, downloadRangeSupport, translationPollsUntilCompleted
        case failingTranslationLanguages, translationCreateDelayMs
    }

    /// The JSON field names these faults use (for the admin route's patching).
    static let fieldNames = Set(CodingKeys.allCases.map(\.rawValue))

    /// Decodes the fields present; absent ones take their defaults.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = SimulatorOutputFaults()
        videoSizeBytes = try c.decodeIfPresent(Int64.self, forKey: .videoSizeBytes) ?? d.videoSizeBytes
        fileURLLifetimeSeconds = try c.decodeIfPresent(Int.self, forKey: .fileURLLifetimeSeconds) ?? d.fileURLLifetimeSeconds
        downloadCuts = try c.decodeIfPresent(Int.self, forKey: .downloadCuts) ?? d.downloadCuts
        downloadCutAfterBytes = try c.decodeIfPresent(Int64.self, forKey: .downloadCutAfterBytes) ?? d.downloadCutAfterBytes
        downloadStalls = try c.decodeIfPresent(Int.self, forKey: .downloadStalls) ?? d.downloadStalls
        downloadStallSeconds = try c.decodeIfPresent(Int.self, forKey: .downloadStallSeconds) ?? d.downloadStallSeconds
        downloadErrors = try c.decodeIfPresent(Int.self, forKey: .downloadErrors) ?? d.downloadErrors
        downloadExpirations = try c.decodeIfPresent(Int.self, forKey: .downloadExpirations) ?? d.downloadExpirations
        downloadRedirects = try c.decodeIfPresent(Int.self, forKey: .downloadRedirects) ?? d.downloadRedirects
        downloadRedirectTarget = try c.decodeIfPresent(String.self, forKey: .downloadRedirectTarget)
        downloadRangeSupport = try c.decodeIfPresent(Bool.self, forKey: .downloadRangeSupport) ?? d.downloadRangeSupport
        translationPollsUntilCompleted =
            try c.decodeIfPresent(Int.self, forKey: .translationPollsUntilCompleted) ?? d.translationPollsUntilCompleted
        failingTranslationLanguages =
            try c.decodeIfPresent([String].self, forKey: .failingTranslationLanguages) ?? d.failingTranslationLanguages
        translationCreateDelayMs =
            try c.decodeIfPresent(Int.self, forKey: .translationCreateDelayMs) ?? d.translationCreateDelayMs
    }

    /// Encodes every field (`downloadRedirectTarget` as null when unset).
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(videoSizeBytes, forKey: .videoSizeBytes)
        try c.encode(fileURLLifetimeSeconds, forKey: .fileURLLifetimeSeconds)
        try c.encode(downloadCuts, forKey: .downloadCuts)
        try c.encode(downloadCutAfterBytes, forKey: .downloadCutAfterBytes)
        try c.encode(downloadStalls, forKey: .downloadStalls)
        try c.encode(downloadStallSeconds, forKey: .downloadStallSeconds)
        try c.encode(downloadErrors, forKey: .downloadErrors)
        try c.encode(downloadExpirations, forKey: .downloadExpirations)
        try c.encode(downloadRedirects, forKey: .downloadRedirects)
        try c.encode(downloadRedirectTarget, forKey: .downloadRedirectTarget)
        try c.encode(downloadRangeSupport, forKey: .downloadRangeSupport)
        try c.encode(translationPollsUntilCompleted, forKey: .translationPollsUntilCompleted)
        try c.encode(failingTranslationLanguages, forKey: .failingTranslationLanguages)
        try c.encode(translationCreateDelayMs, forKey: .translationCreateDelayMs)
    }

    /// These faults with the named `field` taken from `patch`.
    mutating func take(_ field: String, from patch: SimulatorOutputFaults) {
        switch CodingKeys(rawValue: field) {
        case .videoSizeBytes?: videoSizeBytes = patch.videoSizeBytes
        case .fileURLLifetimeSeconds?: fileURLLifetimeSeconds = patch.fileURLLifetimeSeconds
        case .downloadCuts?: downloadCuts = patch.downloadCuts
        case .downloadCutAfterBytes?: downloadCutAfterBytes = patch.downloadCutAfterBytes
        case .downloadStalls?: downloadStalls = patch.downloadStalls
        case .downloadStallSeconds?: downloadStallSeconds = patch.downloadStallSeconds
        case .downloadErrors?: downloadErrors = patch.downloadErrors
        case .downloadExpirations?: downloadExpirations = patch.downloadExpirations
        case .downloadRedirects?: downloadRedirects = patch.downloadRedirects
        case .downloadRedirectTarget?: downloadRedirectTarget = patch.downloadRedirectTarget
        case .downloadRangeSupport?: downloadRangeSupport = patch.downloadRangeSupport
        case .translationPollsUntilCompleted?: translationPollsUntilCompleted = patch.translationPollsUntilCompleted
        case .failingTranslationLanguages?: failingTranslationLanguages = patch.failingTranslationLanguages
        case .translationCreateDelayMs?: translationCreateDelayMs = patch.translationCreateDelayMs
        case nil: break
        }
    }
}
