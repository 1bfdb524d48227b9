import HeyGenAPI

/// The sizes the simulator accepts on `POST /v3/assets`, enforced while the body streams in.
///
/// By default they are HeyGen's: a file of at most `MediaType.maxUploadBytes` (32 MiB). Tests that only
/// check how a limit is applied can set smaller ones, so they need not send tens of MiB.
public struct SimulatorLimits: Sendable, Equatable {
    /// The largest `file` part accepted; a larger one is answered `413 file_too_large`.
    public var maxUploadBytes: Int64
    /// The most bytes a multipart body may carry beyond the file itself (other fields, part headers,
    /// delimiters). A body longer than `maxUploadBytes` plus this is answered `413 file_too_large` as soon
    /// as it is seen to be (from its `Content-Length`, or once that many bytes came), and parsed no further.
    public var maxEnvelopeBytes: Int64
    /// The largest header block of one part, and the longest run of bytes outside any part (preamble,
    /// epilogue); more is a `400 invalid_multipart`.
    public var maxPartHeaderBytes: Int

    /// Limits of `maxUploadBytes` (at least 1) for the file, `maxEnvelopeBytes` around it and
    /// `maxPartHeaderBytes` (at least 256) per part header block; by default 32 MiB, 64 KiB and 16 KiB.
    public init(
        maxUploadBytes: Int64 = MediaType.maxUploadBytes, maxEnvelopeBytes: Int64 = 64 * 1024,
        maxPartHeaderBytes: Int = 16 * 1024
    ) {
        self.maxUploadBytes = max(1, maxUploadBytes)
        self.maxEnvelopeBytes = max(0, maxEnvelopeBytes)
        self.maxPartHeaderBytes = max(256, maxPartHeaderBytes)
    }

    /// The longest multipart body read to its end and parsed.
    var maxBodyBytes: Int64 { maxUploadBytes + maxEnvelopeBytes }
}
