import SystemSupport
/// Why a download from a file host (a presigned `video_url`, `subtitle_url`, ...) failed, classified for the caller.
///
/// After any `DownloadError` the file holds exactly `bytesOnDisk` bytes, a correct prefix of the body: pass that
/// as `resumeFrom` to continue with a `Range` request (or start over with 0). The message never contains the
/// URL's query (the presigned signature is a credential).
public struct DownloadError: Error, CustomStringConvertible, Sendable {
    /// What kind of failure this is; the caller acts on it.
    public enum Kind: String, Sendable, CaseIterable {
        /// 403, 404 or 410 from the file host: the link expired or was revoked. Fetch a fresh URL (e.g.
        /// `GET /v3/videos/{id}`) and download again.
        case linkExpired = "link_expired"
        /// Writing the file failed with `ENOSPC` or `EDQUOT`: wait for space, then resume.
        case diskFull = "disk_full"
        /// The body is larger than the `maxBytes` bound (announced or actually sent).
        case tooLarge = "too_large"
        /// No (complete) answer: connection refused, reset or cut mid-body, too slow, 408, 429 or 5xx.
        /// Repeating (resuming) the download may succeed.
        case transient
        /// A redirect that is not allowed (not https, too many), another 4xx, or an answer that makes no
        /// sense (a `Content-Range` for other bytes). Repeating the same download will not help.
        case refused
        /// The local file could not be read or written for another reason than a full disk.
        case localFile = "local_file"
    }

    /// What kind of failure this is.
    public var kind: Kind
    /// The file host's HTTP status, nil when there was no answer.
    public var httpStatus: Int?
    /// A one-line explanation, without the URL's query.
    public var message: String
    /// The host's `Retry-After` (whole seconds), when it sent one with a 429 or 503.
    public var retryAfter: Duration?
    /// How many bytes of the body the file holds now, from its start (a valid prefix).
    public var bytesOnDisk: Int64

    /// Creates an error; the message is collapsed to one line.
    public init(kind: Kind, httpStatus: Int? = nil, message: String, retryAfter: Duration? = nil, bytesOnDisk: Int64 = 0) {
        self.kind = kind
        self.httpStatus = httpStatus
        self.message = HeyGenError.oneLine(message)
        self.retryAfter = retryAfter
        self.bytesOnDisk = bytesOnDisk
    }

    /// True for `transient` failures: the same download (resumed from `bytesOnDisk`) may succeed.
    /// `linkExpired` needs a fresh URL first and `diskFull` needs space first, so neither counts.
    public var isRetryable: Bool { kind == .transient }

    /// One line: `kind: message (HTTP status, N bytes on disk)`.
    public var description: String {
        var details: [String] = []
        if let httpStatus { details.append("HTTP \(httpStatus)") }
        if let retryAfter { details.append("retry after \(retryAfter.components.seconds) s") }
        details.append("\(bytesOnDisk) bytes on disk")
        return "\(kind.rawValue): \(message) (\(details.joined(separator: ", ")))"
    }
}
