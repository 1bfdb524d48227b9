/// How the simulator's direct uploads (`POST /v3/assets/direct-uploads`, the `PUT` to its storage path,
/// `POST /v3/assets/{id}/complete`, `GET /v3/assets/statuses`) behave and misbehave.
///
/// Part of `SimulatorFaults` as its `directUpload` member (`{"directUpload": {"putErrors": 1}}` in
/// `PUT /_admin/faults` changes only the fields given). The `…Errors`, `putCuts` and `putExpired` counts act on
/// the next requests of their kind and go down by one with each, so a test knows exactly which request fails.
public struct DirectUploadFaults: Sendable, Codable, Equatable {
    /// The `max_bytes` begin answers; a larger `size_bytes` is refused with `413 file_too_large`.
    public var maxBytes: Int64
    /// How long an `upload_url` stays valid, in seconds (0: it has expired by the time it is used).
    public var urlExpiresInSeconds: Int
    /// `GET /v3/assets/statuses` polls answered `processing` after complete before the asset is ready
    /// (0: complete already answers `completed`).
    public var pollsUntilReady: Int
    /// The next this many `PUT`s to storage are read in full and answered `500`.
    public var putErrors: Int
    /// The next this many `PUT`s to storage have their connection cut about halfway through the body.
    public var putCuts: Int
    /// The next this many `PUT`s to storage are answered `403` as if their URL had expired.
    public var putExpired: Int
    /// The next this many `POST /v3/assets/{id}/complete` complete the asset, then answer `500` (a lost answer).
    public var completeErrors: Int
    /// Share of completed direct uploads whose asset ends `failed` instead of `completed`.
    public var assetFailureRate: Double

    /// Faults as given; the defaults describe a well-behaved server (5 GiB uploads, URLs valid for an hour,
    /// one `processing` poll).
    public init(
        maxBytes: Int64 = 5 * 1024 * 1024 * 1024, urlExpiresInSeconds: Int = 3600, pollsUntilReady: Int = 1,
        putErrors: Int = 0, putCuts: Int = 0, putExpired: Int = 0, completeErrors: Int = 0, assetFailureRate: Double = 0
    ) {
        self.maxBytes = maxBytes
        self.urlExpiresInSeconds = urlExpiresInSeconds
        self.pollsUntilReady = pollsUntilReady
        self.putErrors = putErrors
        self.putCuts = putCuts
        self.putExpired = putExpired
        self.completeErrors = completeErrors
        self.assetFailureRate = assetFailureRate
    }

    private enum CodingKeys: String, CodingKey, CaseIterable {
        case maxBytes, urlExpiresInSeconds, pollsUntilReady, putErrors, putCuts, putExpired, completeErrors, assetFailureRate
    }

    /// Decodes the fields present; absent ones take their defaults.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = DirectUploadFaults()
        maxBytes = try c.decodeIfPresent(Int64.self, forKey: .maxBytes) ?? d.maxBytes
        urlExpiresInSeconds = try c.decodeIfPresent(Int.self, forKey: .urlExpiresInSeconds) ?? d.urlExpiresInSeconds
        pollsUntilReady = try c.decodeIfPresent(Int.self, forKey: .pollsUntilReady) ?? d.pollsUntilReady
        putErrors = try c.decodeIfPresent(Int.self, forKey: .putErrors) ?? d.putErrors
        putCuts = try c.decodeIfPresent(Int.self, forKey: .putCuts) ?? d.putCuts
        putExpired = try c.decodeIfPresent(Int.self, forKey: .putExpired) ?? d.putExpired
        completeErrors = try c.decodeIfPresent(Int.self, forKey: .completeErrors) ?? d.completeErrors
        assetFailureRate = try c.decodeIfPresent(Double.self, forKey: .assetFailureRate) ?? d.assetFailureRate
    }

    /// These faults with the named `fields` taken from `patch`; an unknown field name is an error.
    func merging(_ patch: DirectUploadFaults, fields: Set<String>) throws -> DirectUploadFaults {
        var merged = self
        for field in fields.sorted() {
            switch CodingKeys(stringValue: field) {
            case .maxBytes: merged.maxBytes = patch.maxBytes
            case .urlExpiresInSeconds: merged.urlExpiresInSeconds = patch.urlExpiresInSeconds
            case .pollsUntilReady: merged.pollsUntilReady = patch.pollsUntilReady
            case .putErrors: merged.putErrors = patch.putErrors
            case .putCuts: merged.putCuts = patch.putCuts
            case .putExpired: merged.putExpired = patch.putExpired
            case .completeErrors: merged.completeErrors = patch.completeErrors
            case .assetFailureRate: merged.assetFailureRate = patch.assetFailureRate
            case nil:
                throw SimulatorAPIError.badRequest(
                    "invalid_parameter", "unknown fault field directUpload.\(field)", param: "directUpload.\(field)")
            }
        }
        return merged
    }
}
