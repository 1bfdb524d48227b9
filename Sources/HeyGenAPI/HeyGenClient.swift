import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import Crypto
import NIOHTTP1
import SystemSupport

/// A client for the HeyGen API calls the daemon makes: asset upload (multipart, or direct to storage for large
/// files), asset statuses, Video Agent creation, session and video status.
///
/// Each call makes exactly ONE request and never retries; wrap calls in `withRetries`. Every failure is a
/// `HeyGenError`. The `HTTPClient` given must not follow redirects (a redirect would forward the API key and
/// cannot replay a streamed upload): create it with `HeyGenClient.makeHTTPClient()` or with
/// `redirectConfiguration: .disallow`. The caller owns it and shuts it down.
public struct HeyGenClient: Sendable {
    /// The client's version, sent in the default `User-Agent`.
    public static let version = "0.1.0"

    /// Where and how the client talks to the API.
    public let configuration: Configuration
    let httpClient: HTTPClient
    let logger: Logger

    /// Creates a client sending its requests through `httpClient` (which must have redirects disallowed).
    public init(configuration: Configuration, httpClient: HTTPClient, logger: Logger) {
        self.configuration = configuration
        self.httpClient = httpClient
        self.logger = logger
    }

    /// An `HTTPClient` set up the way this client needs: redirects disallowed, a 10 s connect timeout,
    /// up to 16 connections per host, no decompression, on the shared event loop group. Shut it down when done.
    public static func makeHTTPClient() -> HTTPClient {
        var configuration = HTTPClient.Configuration(
            redirectConfiguration: .disallow,
            timeout: .init(connect: .seconds(10)),
            connectionPool: .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: 16),
            decompression: .disabled
        )
        configuration.httpVersion = .automatic
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }

    /// Uploads `file` (an open descriptor and the number of bytes to send) as `POST /v3/assets` (multipart part
    /// `file`, named `fileName`), with a `Content-Length`, under `configuration.uploadTimeout`.
    ///
    /// The bytes are read with `pread` from offset 0, at most `file.size` of them, on NIO's thread pool; a file
    /// that ends sooner fails the upload (category `unreadable`). The descriptor is never closed here. The answer's
    /// `sentSHA256` is the SHA-256 of exactly the bytes this request sent.
    ///
    /// `idempotencyKey` (1–255 of `[A-Za-z0-9_:.-]`) must be the same for every retry of one file's upload:
    /// the API then replays the first answer instead of storing the file twice.
    public func uploadAsset(file: UploadFile, fileName: String, idempotencyKey: String) async throws(HeyGenError) -> UploadedAsset {
        guard HeyGenClient.isValidIdempotencyKey(idempotencyKey) else {
            throw HeyGenError(
                category: .rejected,
                message: "invalid Idempotency-Key (1–255 characters of A-Z a-z 0-9 _ : . - required)",
                isRetryable: false
            )
        }
        guard file.size >= 0 else {
            throw HeyGenError(category: .rejected, message: "\(fileName): a negative size cannot be uploaded", isRetryable: false)
        }
        let deadline = ContinuousClock.now + configuration.uploadTimeout
        let envelope = MultipartEnvelope(fileName: fileName)
        var request = makeRequest(.POST, "/v3/assets")
        request.headers.add(name: "Idempotency-Key", value: idempotencyKey)
        request.headers.add(name: "Content-Type", value: envelope.contentType)
        let digest = SentDigest()
        if file.size <= Int64(MultipartFileBody.chunkLength) {
            // A file no larger than one chunk goes out in a single buffer, read in one go.
            let content: ByteBuffer
            do {
                content = try await file.read(at: 0, length: Int(file.size))
            } catch {
                throw HeyGenClient.fileError(error, fileName: fileName)
            }
            var hasher = SHA256()
            content.withUnsafeReadableBytes { hasher.update(bufferPointer: $0) }
            digest.finish(hasher)
            request.body = .bytes(envelope.body(containing: content))
        } else {
            let body = MultipartFileBody(file: file, envelope: envelope, digest: digest)
            request.body = .stream(body, length: .known(body.contentLength))
        }
        let data = try await exchange(request, deadline: deadline, timeout: configuration.uploadTimeout).get()
        guard var asset = UploadedAsset(json: data) else {
            throw malformed("the upload answer has no asset_id")
        }
        asset.sentSHA256 = digest.hex
        return asset
    }

    /// Starts a Video Agent video: `POST /v3/video-agents` with the prompt, the assets as
    /// `files: [{"type":"asset_id","asset_id":...}]` and the extra fields at the top level.
    /// Not idempotent: a retry after a lost answer may start a second session.
    public func createVideoAgent(_ request: VideoAgentRequest) async throws(HeyGenError) -> VideoAgentSession {
        let data = try await send(jsonRequest(.POST, "/v3/video-agents", request.jsonBody))
        guard let session = VideoAgentSession(json: data, fallbackID: nil) else {
            throw malformed("the Video Agent answer has no session_id or status")
        }
        return session
    }

    /// The state of a Video Agent session: `GET /v3/video-agents/{id}`. This endpoint is known to answer 404
    /// intermittently (category `notFound`): callers polling it should tolerate that.
    public func videoAgentSession(id: String) async throws(HeyGenError) -> VideoAgentSession {
        let segment = try HeyGenClient.pathSegment(id, what: "session id")
        let data = try await send(makeRequest(.GET, "/v3/video-agents/\(segment)"))
        guard let session = VideoAgentSession(json: data, fallbackID: id) else {
            throw malformed("the session answer has no status")
        }
        return session
    }

    /// The state of a video: `GET /v3/videos/{id}`. A 200 carrying an `error` body is an error, not a status.
    public func video(id: String) async throws(HeyGenError) -> VideoStatus {
        let segment = try HeyGenClient.pathSegment(id, what: "video id")
        let data = try await send(makeRequest(.GET, "/v3/videos/\(segment)"))
        guard let video = VideoStatus(json: data, fallbackID: id) else {
            throw malformed("the video answer has no status")
        }
        return video
    }

    /// Whether `key` is acceptable as an `Idempotency-Key`: 1–255 characters of `[A-Za-z0-9_:.-]`.
    public static func isValidIdempotencyKey(_ key: String) -> Bool {
        let bytes = key.utf8
        guard (1...255).contains(bytes.count) else { return false }
        return bytes.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "_"), UInt8(ascii: ":"), UInt8(ascii: "."), UInt8(ascii: "-"):
                true
            default:
                false
            }
        }
    }
}
