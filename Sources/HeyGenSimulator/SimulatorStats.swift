import HeyGenAPI

/// What the simulator has seen since it was created (or since `resetStats()`).
///
/// Served as JSON by `GET /_admin/stats` with these property names.
public struct SimulatorStats: Sendable, Codable, Equatable {
    /// Requests received per route, keyed `"METHOD /route/pattern"` (e.g. `"GET /v3/videos/{id}"`);
    /// requests that matched no route count under `"METHOD other"`. Faulted requests count too.
    public var requests: [String: Int] = [:]
    /// Responses sent per HTTP status code (`"200"`, `"429"`, ...), admin routes included.
    public var responsesByStatus: [String: Int] = [:]
    /// Assets stored by `POST /v3/assets` (replays of an idempotent upload are not counted again).
    public var uploads: Int = 0
    /// Total size of the stored assets, in bytes.
    public var uploadedBytes: Int64 = 0
    /// Bytes of every `POST /v3/assets` multipart body read, refused ones included (a refused body is still
    /// read to its end, unparsed once it broke a limit).
    public var uploadBodyBytes: Int64 = 0
    /// Upload requests answered from the idempotency store instead of being processed again.
    public var idempotentReplays: Int = 0
    /// Upload requests per `Idempotency-Key` value (every request carrying the key, faulted ones included).
    public var uploadsByIdempotencyKey: [String: Int] = [:]
    /// Video Agent sessions created.
    public var agentsCreated: Int = 0
    /// Videos that reached `completed`.
    public var videosCompleted: Int = 0
    /// Videos that reached `failed`.
    public var videosFailed: Int = 0
    /// Injected faults per kind: `error`, `rate_limit`, `bad_gateway`, `session_not_found`,
    /// `error_body`, `video_failed`, `concurrency_limit`, `error_after_create`, `drop_after_create`,
    /// `unauthorized_poll`, `direct_put_error`, `direct_put_cut`, `direct_put_expired`, `direct_complete_error`,
    /// `direct_asset_failed`; of the file host and translations: `download_cut`, `download_stall`,
    /// `download_error`, `download_redirect`, `link_expired`, `translation_failed`.
    public var faultsInjected: [String: Int] = [:]
    /// Direct uploads begun (`POST /v3/assets/direct-uploads` answered with an upload URL).
    public var directUploadsBegun: Int = 0
    /// Requests to the storage path (`/_storage/…`), refused and faulted ones included.
    public var directPuts: Int = 0
    /// Storage requests per asset id, refused and faulted ones included (a resumed upload's "no second PUT").
    public var directPutsByAsset: [String: Int] = [:]
    /// Storage `PUT`s whose bytes were received in full and accepted.
    public var directPutsAccepted: Int = 0
    /// Bytes of the accepted storage `PUT`s.
    public var directPutBytes: Int64 = 0
    /// Direct uploads completed (`POST /v3/assets/{id}/complete`; a repeated complete is not counted again).
    public var directUploadsCompleted: Int = 0
    /// Storage requests that carried an `X-Api-Key` (refused: the key must never reach storage).
    public var storageKeyLeaks: Int = 0
    /// The header names (lowercased, sorted) of the last storage request, to check a client sends nothing more.
    public var lastStorageHeaderNames: [String] = []
    /// The JSON body of the last accepted `POST /v3/video-agents`, exactly as received.
    public var lastAgentRequestBody: JSONValue? = nil
    /// The JSON bodies of the accepted `POST /v3/video-agents`, oldest first, exactly as received (the last 100).
    public var agentRequestBodies: [JSONValue] = []
    /// File responses that began sending a body (`200` or `206`), from the simulator's file host.
    public var downloadsServed: Int = 0
    /// Of those, the `206` answers to a `Range` request.
    public var rangesServed: Int = 0
    /// Body bytes the file host sent (a cut response counts what it sent).
    public var downloadBytesServed: Int64 = 0
    /// File requests that carried an `X-Api-Key` header (the file host must never get one).
    public var fileRequestsWithAPIKey: Int = 0
    /// Translations created, per output language as asked (one per language of each create).
    public var translationsCreated: [String: Int] = [:]
    /// The JSON body of the last accepted `POST /v3/video-translations`, exactly as received.
    public var lastTranslationRequestBody: JSONValue? = nil

    /// Empty statistics.
    public init() {}
}
