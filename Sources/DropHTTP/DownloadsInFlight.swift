import Foundation

/// How far a job's downloads into the outbox have got (the job is in its `downloading` phase): the files
/// in place of all it fetches, their bytes, the file being fetched now, and since when it waits for space
/// on a full outbox.
public struct DownloadsInFlight: Codable, Sendable, Equatable {
    /// Files downloaded and in place.
    public var filesDone: Int
    /// Files to download in all.
    public var filesTotal: Int
    /// Bytes of the files in place.
    public var bytesDone: Int64
    /// What is being fetched now (`video`, `captioned_video`, `subtitles`, `thumbnail`, `captions_vtt`);
    /// nil once all are in place.
    public var current: String?
    /// When the job began to wait for space on a full outbox; nil while it does not wait.
    public var waitingForSpaceSince: Date?

    /// The downloads of a job; `filesDone` is clamped to 0...`filesTotal`.
    public init(
        filesDone: Int, filesTotal: Int, bytesDone: Int64, current: String? = nil, waitingForSpaceSince: Date? = nil
    ) {
        self.filesTotal = max(0, filesTotal)
        self.filesDone = min(max(0, filesDone), max(0, filesTotal))
        self.bytesDone = max(0, bytesDone)
        self.current = current
        self.waitingForSpaceSince = waitingForSpaceSince
    }
}
