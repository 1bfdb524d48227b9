/// How a file's asset went up, as the result's `assets[].upload` says.
package enum UploadMethod: String, Sendable, Codable, CaseIterable {
    /// `POST /v3/assets` (multipart), for files up to `direct_upload_above_bytes`.
    case multipart
    /// The direct flow: begin, `PUT` to storage, complete, ready.
    case direct
    /// An earlier upload of the same bytes (same SHA-256) was used; nothing was sent.
    case reused
}
