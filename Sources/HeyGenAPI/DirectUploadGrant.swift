/// The answer to `POST /v3/assets/direct-uploads`: where and how to `PUT` the file's bytes.
public struct DirectUploadGrant: Sendable, Equatable {
    /// The asset's id, known before any byte is sent.
    public var assetID: String
    /// Where to `PUT` the bytes. It is a credential (signed): keep it out of logs and results.
    public var uploadURL: String
    /// The headers the `PUT` must carry, exactly as given.
    public var uploadHeaders: [String: String]
    /// How long `uploadURL` stays valid from when the answer was received, in seconds, when given.
    public var expiresInSeconds: Int64?
    /// The largest file this upload may be, in bytes, when given.
    public var maxBytes: Int64?
    /// The upload's state, `pending_upload` at first (kept as sent).
    public var status: String

    /// Creates a grant.
    public init(
        assetID: String, uploadURL: String, uploadHeaders: [String: String] = [:], expiresInSeconds: Int64? = nil,
        maxBytes: Int64? = nil, status: String = "pending_upload"
    ) {
        self.assetID = assetID
        self.uploadURL = uploadURL
        self.uploadHeaders = uploadHeaders
        self.expiresInSeconds = expiresInSeconds
        self.maxBytes = maxBytes
        self.status = status
    }

    /// Reads the grant from the answer's `data` object; nil when `asset_id` or `upload_url` is missing or
    /// `upload_headers` holds anything but strings.
    init?(json: [String: JSONValue]) {
        guard let id = json["asset_id"]?.nonEmptyString, let url = json["upload_url"]?.nonEmptyString else { return nil }
        var headers: [String: String] = [:]
        switch json["upload_headers"] {
        case nil, .null?:
            break
        case .object(let members)?:
            for (name, value) in members {
                guard let text = value.stringValue else { return nil }
                headers[name] = text
            }
        default:
            return nil
        }
        self.init(
            assetID: id, uploadURL: url, uploadHeaders: headers, expiresInSeconds: json["expires_in_seconds"]?.int64Value,
            maxBytes: json["max_bytes"]?.int64Value, status: json["status"]?.nonEmptyString ?? "pending_upload"
        )
    }
}

/// The answer to `POST /v3/assets/{id}/complete`: the stored asset, and whether it is ready yet.
public struct CompletedDirectUpload: Sendable, Equatable {
    /// The asset (id, URL, MIME type checked against the stored bytes, size).
    public var asset: UploadedAsset
    /// `completed` when ready to use; `queued` or `processing` while it is still being processed
    /// (wait with `waitForAsset`); kept as sent, empty when absent.
    public var status: String

    /// Creates a completion.
    public init(asset: UploadedAsset, status: String) {
        self.asset = asset
        self.status = status
    }

    /// Whether the asset can be used now.
    public var isReady: Bool { status == "completed" }
}

/// One entry of `GET /v3/assets/statuses`.
public struct AssetStatus: Sendable, Equatable {
    /// The asset's id (sent in a field named `video_id`).
    public var assetID: String
    /// `queued`, `processing`, `completed`, `failed` or `not_found` (kept as sent).
    public var status: String
    /// The error's `code` for a failed asset, when given.
    public var errorCode: String?
    /// The error's `message` for a failed asset, when given.
    public var errorMessage: String?

    /// Creates a status.
    public init(assetID: String, status: String, errorCode: String? = nil, errorMessage: String? = nil) {
        self.assetID = assetID
        self.status = status
        self.errorCode = errorCode
        self.errorMessage = errorMessage
    }

    /// Reads one entry; nil when it has no id or status.
    init?(json: JSONValue) {
        guard let members = json.objectValue,
            let id = members["video_id"]?.nonEmptyString ?? members["asset_id"]?.nonEmptyString ?? members["id"]?.nonEmptyString,
            let status = members["status"]?.nonEmptyString
        else { return nil }
        let error = members["error"]?.objectValue
        self.init(
            assetID: id, status: status, errorCode: error?["code"]?.nonEmptyString,
            errorMessage: error?["message"]?.nonEmptyString
        )
    }
}
