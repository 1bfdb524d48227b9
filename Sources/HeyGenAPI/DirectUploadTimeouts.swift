import SystemSupport
/// How long a direct upload's `PUT` to storage may take. A large body gets no fixed total: the upload is
/// aborted when fewer than `minimumBytes` moved during any `window`, or when no answer came `answerTimeout`
/// after the last byte was handed over; `maximumDuration` is only a last-resort ceiling.
public struct DirectUploadTimeouts: Sendable, Equatable {
    /// The least progress, in bytes, expected during each `window`.
    public var minimumBytes: Int64
    /// How often progress is measured.
    public var window: Duration
    /// How long storage may take to answer once the whole body was handed over.
    public var answerTimeout: Duration
    /// The longest a single `PUT` may take, however fast it moves.
    public var maximumDuration: Duration

    /// Defaults: at least 256 KiB per 60 s (about 4 KiB/s), an answer within 2 minutes of the last byte, and at
    /// most 12 hours in all.
    public init(
        minimumBytes: Int64 = 256 * 1024, window: Duration = .seconds(60), answerTimeout: Duration = .seconds(120),
        maximumDuration: Duration = .seconds(12 * 3600)
    ) {
        self.minimumBytes = minimumBytes
        self.window = window
        self.answerTimeout = answerTimeout
        self.maximumDuration = maximumDuration
    }
}
