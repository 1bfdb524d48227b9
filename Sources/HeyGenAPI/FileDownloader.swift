import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import SystemSupport

/// Downloads what HeyGen made (a presigned `video_url`, `captioned_video_url`, `subtitle_url`, `thumbnail_url`,
/// or a translation's files) into a file descriptor the caller opened, streamed, never holding the body.
///
/// - The file host gets no `X-Api-Key` (the URL is the credential, and it is not the API).
/// - The body is written with `pwrite` at its offset (on a thread pool) while its SHA-256 is computed; a
///   download continues with `Range: bytes=N-` from `resumeFrom` when the host answers `206` with a matching
///   `Content-Range`, and starts over from 0 (emptying the file) when it answers `200`.
/// - Redirects are followed by hand, at most `maxRedirects`, only to `https` (or from a loopback `http` URL to
///   the same loopback host); the `HTTPClient` must have redirects disallowed (`HeyGenClient.makeHTTPClient()`).
/// - `headTimeout` bounds the wait for the response head; the body must then arrive at
///   `minimumBytesPerSecond` or more, measured over every `rateWindow`, else it is cut (`transient`).
/// - A body larger than `maxBytes` (announced or sent) is refused (`tooLarge`).
///
/// One call makes one download attempt (following redirects) and never retries; every failure is a
/// `DownloadError`, after which the file holds exactly `bytesOnDisk` valid bytes.
public struct FileDownloader: Sendable {
    /// How many of the file's first bytes a result carries.
    public static let firstBytesCount = 64

    /// Limits and timing of a download.
    public struct Configuration: Sendable {
        /// The largest file accepted, in bytes (default 20 GiB).
        public var maxBytes: Int64
        /// How long to wait for the response head (connecting included).
        public var headTimeout: Duration
        /// The slowest acceptable transfer, in bytes per second, averaged over each `rateWindow`.
        public var minimumBytesPerSecond: Int64
        /// The window over which the transfer rate is measured.
        public var rateWindow: Duration
        /// The most redirects followed for one download.
        public var maxRedirects: Int
        /// The `User-Agent` header.
        public var userAgent: String
        /// How many received bytes are gathered before one write (bounds the memory a download holds).
        public var writeChunkBytes: Int

        /// Creates a configuration; the defaults suit real downloads.
        public init(
            maxBytes: Int64 = 20 << 30,
            headTimeout: Duration = .seconds(60),
            minimumBytesPerSecond: Int64 = 10 * 1024,
            rateWindow: Duration = .seconds(30),
            maxRedirects: Int = 3,
            userAgent: String = HeyGenClient.Configuration.defaultUserAgent,
            writeChunkBytes: Int = 1 << 20
        ) {
            self.maxBytes = maxBytes
            self.headTimeout = headTimeout
            self.minimumBytesPerSecond = minimumBytesPerSecond
            self.rateWindow = rateWindow
            self.maxRedirects = maxRedirects
            self.userAgent = userAgent
            self.writeChunkBytes = writeChunkBytes
        }
    }

    /// The limits in force.
    public let configuration: Configuration
    let httpClient: HTTPClient
    let threadPool: NIOThreadPool
    let logger: Logger

    /// A downloader sending through `httpClient` (redirects disallowed), writing on `threadPool`.
    public init(
        configuration: Configuration = .init(), httpClient: HTTPClient, threadPool: NIOThreadPool = .singleton, logger: Logger
    ) {
        self.configuration = configuration
        self.httpClient = httpClient
        self.threadPool = threadPool
        self.logger = logger
    }

    /// Downloads `url` into `fd` (open for reading and writing; the caller keeps and closes it; no `fsync` is
    /// done here). With `resumeFrom` > 0 the first `resumeFrom` bytes already in the file (at most what it
    /// holds) are kept, re-read for the hash, and the rest is asked for with `Range`.
    ///
    /// Returns the whole file's size, SHA-256 and first bytes; the file is cut to that size. `progress`, when
    /// given, follows the bytes in the file (of the whole file's size once the host names it).
    public func download(
        from url: String, into fd: Int32, resumeFrom: Int64 = 0, progress: TransferProgress? = nil
    ) async throws(DownloadError) -> DownloadResult {
        var sink = DownloadSink(fd: fd, threadPool: threadPool)
        try await sink.adoptPrefix(resumeFrom)
        progress?.set(done: sink.written)
        var resumedFrom = sink.written
        guard var current = URL(string: url), DownloadRules.isAllowedStart(current) else {
            throw DownloadError(kind: .refused, message: "not an https URL (nor http on a loopback host): \(DownloadRules.redacted(url))")
        }
        var redirects = 0
        var rangeRefused = false
        let started = ContinuousClock.now
        while true {
            let askRange = sink.written > 0 && !rangeRefused
            let response = try await head(current, rangeFrom: askRange ? sink.written : nil, bytesOnDisk: sink.written)
            let status = Int(response.status.code)
            switch status {
            case 301, 302, 303, 307, 308:
                let target = try DownloadRules.redirectTarget(response, from: current, bytesOnDisk: sink.written)
                redirects += 1
                guard redirects <= configuration.maxRedirects else {
                    throw DownloadError(
                        kind: .refused, httpStatus: status, message: "more than \(configuration.maxRedirects) redirects",
                        bytesOnDisk: sink.written)
                }
                current = target
                continue
            case 200:
                if sink.written > 0 {
                    try await sink.restart()
                    resumedFrom = 0
                }
                let length = response.headers.first(name: "Content-Length").flatMap { Int64($0) }
                try checkSize(length, status: status, bytesOnDisk: 0)
                try await receive(response.body, into: &sink, expected: length, total: length, progress: progress)
            case 206:
                guard let range = DownloadRules.contentRange(response.headers), range.start == sink.written, askRange || range.start == 0 else {
                    // A range for other bytes (or one not asked for): ask again for the whole body, once.
                    guard !rangeRefused else {
                        throw DownloadError(
                            kind: .refused, httpStatus: status, message: "the file host answered a Content-Range that does not fit",
                            bytesOnDisk: sink.written)
                    }
                    rangeRefused = true
                    try await sink.restart()
                    resumedFrom = 0
                    continue
                }
                try checkSize(range.total ?? range.end + 1, status: status, bytesOnDisk: sink.written)
                try await receive(
                    response.body, into: &sink, expected: range.end - range.start + 1, total: range.total, progress: progress)
                if let total = range.total, sink.written < total {
                    throw DownloadError(
                        kind: .transient, httpStatus: status, message: "the file host sent bytes up to \(range.end) of \(total)",
                        bytesOnDisk: sink.written)
                }
            case 416 where askRange && DownloadRules.unsatisfiedRangeTotal(response.headers) == sink.written:
                // The file was already complete (e.g. a crash after the last byte): nothing is missing.
                break
            case 416 where askRange:
                rangeRefused = true
                try await sink.restart()
                resumedFrom = 0
                continue
            default:
                throw DownloadRules.statusError(response, bytesOnDisk: sink.written)
            }
            try await sink.truncateToWritten()
            logger.debug(
                "download done",
                metadata: [
                    "url": "\(DownloadRules.redacted(url))", "bytes": "\(sink.written)", "resumed_from": "\(resumedFrom)",
                    "redirects": "\(redirects)", "duration_ms": "\((ContinuousClock.now - started).nanoseconds / 1_000_000)",
                ])
            return DownloadResult(
                sizeBytes: sink.written, sha256: sink.sha256Hex, firstBytes: sink.firstBytes,
                resumedFrom: resumedFrom
            )
        }
    }

    /// Sends the GET (no API key) and waits up to `headTimeout` for the response head.
    private func head(_ url: URL, rangeFrom: Int64?, bytesOnDisk: Int64) async throws(DownloadError) -> HTTPClientResponse {
        var request = HTTPClientRequest(url: url.absoluteString)
        request.method = .GET
        request.headers.add(name: "User-Agent", value: configuration.userAgent)
        request.headers.add(name: "Accept", value: "*/*")
        request.headers.add(name: "Accept-Encoding", value: "identity")
        if let rangeFrom { request.headers.add(name: "Range", value: "bytes=\(rangeFrom)-") }
        do {
            return try await httpClient.execute(
                request, deadline: .now() + .nanoseconds(configuration.headTimeout.nanoseconds), logger: logger)
        } catch {
            let failure = HeyGenClient.transportError(error, timeout: configuration.headTimeout)
            throw DownloadError(kind: .transient, message: "the file host did not answer: \(failure.message)", bytesOnDisk: bytesOnDisk)
        }
    }

    /// Refuses a body whose announced size passes `maxBytes`.
    private func checkSize(_ total: Int64?, status: Int, bytesOnDisk: Int64) throws(DownloadError) {
        if let total, total > configuration.maxBytes {
            throw DownloadError(
                kind: .tooLarge, httpStatus: status,
                message: "the file is \(total) bytes, more than the \(configuration.maxBytes) allowed", bytesOnDisk: bytesOnDisk)
        }
    }
}
