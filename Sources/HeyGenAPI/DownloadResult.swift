/// What a finished download wrote: the whole file's size and SHA-256, and its first bytes.
public struct DownloadResult: Sendable, Equatable {
    /// The file's size in bytes (a resumed prefix included).
    public var sizeBytes: Int64
    /// The SHA-256 of the whole file as lowercase hex (a resumed prefix re-read and included).
    public var sha256: String
    /// The file's first bytes (up to `FileDownloader.firstBytesCount`), to tell its type by content.
    public var firstBytes: [UInt8]
    /// Where this download continued from: 0 when the whole body was fetched, else the resumed prefix's size.
    public var resumedFrom: Int64

    /// Creates a result.
    public init(sizeBytes: Int64, sha256: String, firstBytes: [UInt8], resumedFrom: Int64) {
        self.sizeBytes = sizeBytes
        self.sha256 = sha256
        self.firstBytes = firstBytes
        self.resumedFrom = resumedFrom
    }
}
