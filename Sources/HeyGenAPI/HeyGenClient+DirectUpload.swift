import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

extension HeyGenClient {
    /// Starts a direct upload (for files too large for `uploadAsset`): `POST /v3/assets/direct-uploads` with
    /// the file's name, its content type (from the local check), its exact size and, when given, its SHA-256 as
    /// 64 lowercase hex digits (so storage refuses a torn copy).
    ///
    /// The grant's `uploadURL` is then given to `putDirectUpload`, and the asset finished with
    /// `completeDirectUpload`. A file larger than the grant's `maxBytes` must not be sent.
    public func beginDirectUpload(
        filename: String, contentType: String, sizeBytes: Int64, checksumSHA256: String?
    ) async throws(HeyGenError) -> DirectUploadGrant {
        guard sizeBytes >= 0 else {
            throw HeyGenError(category: .rejected, message: "a file size cannot be negative", isRetryable: false)
        }
        var members: [String: JSONValue] = [
            "filename": .string(filename),
            "content_type": .string(contentType),
            "size_bytes": .number(Double(sizeBytes)),
        ]
        if let checksumSHA256 {
            members["checksum_sha256"] = .string(try HeyGenClient.validChecksum(checksumSHA256))
        }
        let data = try await send(try jsonRequest(.POST, "/v3/assets/direct-uploads", .object(members)))
        guard let grant = DirectUploadGrant(json: data) else {
            throw malformed("the direct upload answer has no asset_id or upload_url")
        }
        return grant
    }

    /// Finishes a direct upload after its `PUT`: `POST /v3/assets/{id}/complete` with the SHA-256 given to
    /// `beginDirectUpload`. Idempotent: completing twice answers the same asset. The asset may still be
    /// `processing` (see `CompletedDirectUpload.isReady` and `waitForAsset`).
    public func completeDirectUpload(assetID: String, checksumSHA256: String?) async throws(HeyGenError) -> CompletedDirectUpload {
        let segment = try HeyGenClient.pathSegment(assetID, what: "asset id")
        var members: [String: JSONValue] = [:]
        if let checksumSHA256 {
            members["checksum_sha256"] = .string(try HeyGenClient.validChecksum(checksumSHA256))
        }
        let data = try await send(try jsonRequest(.POST, "/v3/assets/\(segment)/complete", .object(members)))
        guard let asset = UploadedAsset(json: data) else {
            throw malformed("the complete answer has no asset_id")
        }
        return CompletedDirectUpload(asset: asset, status: data["status"]?.nonEmptyString ?? "")
    }

    /// `checksum` when it is a SHA-256 as 64 hex digits (returned in lowercase); a rejected error otherwise.
    static func validChecksum(_ checksum: String) throws(HeyGenError) -> String {
        let lower = checksum.lowercased()
        guard lower.utf8.count == 64, lower.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }) else {
            throw HeyGenError(category: .rejected, message: "checksum_sha256 must be 64 hexadecimal digits", isRetryable: false)
        }
        return lower
    }
}
