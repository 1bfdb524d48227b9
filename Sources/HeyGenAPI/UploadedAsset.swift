/// An asset the API stored: the answer to `POST /v3/assets` (`{"data": {...}}`), unknown fields ignored.
public struct UploadedAsset: Sendable, Equatable, Decodable {
    /// The asset's id, used in Video Agent requests.
    public var assetID: String
    /// Where the API serves the asset.
    public var url: String
    /// The MIME type the API detected from the bytes.
    public var mimeType: String
    /// The size the API stored, in bytes.
    public var sizeBytes: Int64
    /// Lower-case hex SHA-256 of the file bytes the request that made this answer sent, as they were sent;
    /// set by `HeyGenClient.uploadAsset` (nil when the body was not sent whole, or for a decoded answer).
    /// Compare it with the digest of the bytes that were checked before trusting the asset to hold them.
    public var sentSHA256: String?

    /// Creates an asset description.
    public init(assetID: String, url: String, mimeType: String, sizeBytes: Int64, sentSHA256: String? = nil) {
        self.sentSHA256 = sentSHA256
        self.assetID = assetID
        self.url = url
        self.mimeType = mimeType
        self.sizeBytes = sizeBytes
    }

    private enum CodingKeys: String, CodingKey {
        case assetID = "asset_id"
        case url
        case mimeType = "mime_type"
        case sizeBytes = "size_bytes"
    }

    /// Decodes the `data` object of the upload answer; `asset_id` is required, the rest default to empty/zero.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        assetID = try container.decode(String.self, forKey: .assetID)
        url = (try? container.decodeIfPresent(String.self, forKey: .url)) ?? ""
        mimeType = (try? container.decodeIfPresent(String.self, forKey: .mimeType)) ?? ""
        sizeBytes = (try? container.decodeIfPresent(Int64.self, forKey: .sizeBytes)) ?? 0
    }

    /// Reads the asset from the answer's `data` object, nil when `asset_id` is missing.
    init?(json: [String: JSONValue]) {
        guard let id = json["asset_id"]?.stringValue, !id.isEmpty else { return nil }
        self.init(
            assetID: id,
            url: json["url"]?.stringValue ?? "",
            mimeType: json["mime_type"]?.stringValue ?? "",
            sizeBytes: json["size_bytes"]?.int64Value ?? 0
        )
    }
}
