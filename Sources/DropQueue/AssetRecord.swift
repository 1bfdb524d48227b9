#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// An uploaded asset, remembered by the SHA-256 of its bytes so the same bytes are not uploaded twice.
public struct AssetRecord: Sendable, Equatable {
    /// Lower-case hex SHA-256 of the file's bytes.
    public var sha256: String
    /// HeyGen's asset id.
    public var assetID: String
    /// HeyGen's URL for the asset.
    public var url: String
    /// The MIME type HeyGen reported.
    public var mimeType: String
    /// The size HeyGen reported.
    public var sizeBytes: Int64
    /// When it was uploaded (the start of its reuse window).
    public var uploadedAt: Date

    /// Describes an uploaded asset.
    public init(sha256: String, assetID: String, url: String, mimeType: String, sizeBytes: Int64, uploadedAt: Date) {
        self.sha256 = sha256
        self.assetID = assetID
        self.url = url
        self.mimeType = mimeType
        self.sizeBytes = sizeBytes
        self.uploadedAt = uploadedAt
    }
}
