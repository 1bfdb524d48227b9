import Foundation
import HeyGenAPI

/// What a job keeps of one file's direct upload, saved before each next step so a restart goes on from it:
/// the grant (asset id, upload URL and headers, expiry), then whether storage took the bytes, then what the
/// complete answered.
///
/// The upload URL is a credential for this one upload: it is kept in the queue (the state directory), never
/// logged nor written to a result, and dropped once the asset is ready.
package struct DirectUploadProgress: Sendable, Codable, Equatable {
    /// The asset's id, known from the begin.
    package var assetID: String
    /// Where the bytes go (signed; a credential).
    package var uploadURL: String
    /// The headers the `PUT` carries, exactly as given.
    package var uploadHeaders: [String: String]
    /// When the URL stops being valid, when the begin said.
    package var expiresAt: Date?
    /// True once storage accepted the bytes.
    package var sent: Bool = false
    /// When the complete was answered; the wait for readiness is measured from it.
    package var completedAt: Date?
    /// The asset's URL and MIME type, as the complete answered.
    package var url: String?
    package var mimeType: String?
    /// True when the complete already said the asset is ready (no poll needed).
    package var ready: Bool = false

    /// The progress right after `grant` was received at `now`.
    package init(grant: DirectUploadGrant, now: Date) {
        assetID = grant.assetID
        uploadURL = grant.uploadURL
        uploadHeaders = grant.uploadHeaders
        expiresAt = grant.expiresInSeconds.map { now.addingTimeInterval(TimeInterval($0)) }
    }

    /// Whether the URL can still be used at `now`, with `margin` to spare (a URL without an expiry always can).
    /// Storage checks the expiry when a request arrives, so a `PUT` begun just before it is still taken.
    package func urlValid(at now: Date, margin: TimeInterval = 1) -> Bool {
        guard let expiresAt else { return true }
        return now.addingTimeInterval(margin) < expiresAt
    }
}
