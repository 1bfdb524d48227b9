import Foundation

/// The result document written once per finished job to `outbox/NAME.json` (schema version 1).
///
/// Every key the schema requires is always written, with `null` where a value is unknown.
public struct JobResult: Sendable, Equatable, Codable {
    /// The result format's version; always 1.
    public var schemaVersion: Int = 1
    /// The job's id in the queue, as a string.
    public var jobID: String
    /// The profile whose inbox the drop came from (`default` without profiles; nil in results decided before
    /// profiles existed, written as `default`).
    public var profile: String?
    /// Whether the job succeeded.
    public var status: Status
    /// What was dropped and where it went.
    public var source: Source
    /// One entry per file uploaded or checked, in upload order.
    public var assets: [Asset]
    /// The Video Agent part, nil when no prompt was given.
    public var videoAgent: VideoAgent?
    /// Why the job failed; nil on success.
    public var error: ResultError?
    /// API requests made for the job's own work (uploads and the agent's create), retries included.
    public var attempts: Int
    /// When the job was first seen.
    public var createdAt: Date
    /// When the job's outcome was decided.
    public var finishedAt: Date
    /// Every file downloaded into the outbox for the job (written as `[]` when none; nil in results read
    /// back from before downloads existed).
    public var downloads: [Download]? = []
    /// One entry per output language of a video translation; nil when the job translated nothing.
    public var translations: [Translation]?

    /// The two final states of a job.
    public enum Status: String, Sendable, Codable { case succeeded, failed }

    /// The dropped file or bundle.
    public struct Source: Sendable, Equatable, Codable {
        /// The name it had in the inbox.
        public var name: String
        /// `file` or `bundle`.
        public var kind: Kind
        /// Where it was moved (archive/ or failed/), nil when it was no longer there to move.
        public var movedTo: String?
        /// File or bundle.
        public enum Kind: String, Sendable, Codable { case file, bundle }

        /// Creates a source description.
        public init(name: String, kind: Kind, movedTo: String?) {
            self.name = name
            self.kind = kind
            self.movedTo = movedTo
        }
        enum CodingKeys: String, CodingKey { case name, kind, movedTo = "moved_to" }
        /// Writes every key, `moved_to` as null when unknown.
        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(name, forKey: .name)
            try c.encode(kind, forKey: .kind)
            try c.encode(movedTo, forKey: .movedTo)
        }
    }

    /// One file of the job and the HeyGen asset made (or reused) for it.
    public struct Asset: Sendable, Equatable, Codable {
        /// The file's name (inside the bundle for bundles).
        public var name: String
        /// Lower-case hex SHA-256 of the bytes, when they were read.
        public var sha256: String?
        /// The file's size in bytes, when known.
        public var sizeBytes: Int64?
        /// The detected MIME type, when known.
        public var mimeType: String?
        /// The HeyGen asset id, when uploaded or reused.
        public var assetID: String?
        /// The asset's URL, when known.
        public var url: String?
        /// True when an earlier upload of the same bytes was reused instead of uploading again.
        public var reused: Bool
        /// How the asset went up: `multipart`, `direct` or `reused`; nil (left out) when it did not.
        public var upload: String?

        /// Creates an asset entry.
        public init(
            name: String, sha256: String?, sizeBytes: Int64?, mimeType: String?,
            assetID: String?, url: String?, reused: Bool, upload: String? = nil
        ) {
            self.upload = upload
            self.name = name
            self.sha256 = sha256
            self.sizeBytes = sizeBytes
            self.mimeType = mimeType
            self.assetID = assetID
            self.url = url
            self.reused = reused
        }
        enum CodingKeys: String, CodingKey {
            case name, sha256, sizeBytes = "size_bytes", mimeType = "mime_type", assetID = "asset_id", url, reused, upload
        }
        /// Writes every key, with nulls for what is unknown.
        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(name, forKey: .name)
            try c.encode(sha256, forKey: .sha256)
            try c.encode(sizeBytes, forKey: .sizeBytes)
            try c.encode(mimeType, forKey: .mimeType)
            try c.encode(assetID, forKey: .assetID)
            try c.encode(url, forKey: .url)
            try c.encode(reused, forKey: .reused)
            try c.encodeIfPresent(upload, forKey: .upload)
        }
    }

    /// The Video Agent session and the video it made.
    public struct VideoAgent: Sendable, Equatable, Codable {
        /// The prompt sent.
        public var prompt: String
        /// The session id, once created.
        public var sessionID: String?
        /// The video id, once known.
        public var videoID: String?
        /// The last status seen (`completed`, `failed`, `not_started`, ...).
        public var status: String
        /// The finished video's URL.
        public var videoURL: String?
        /// The finished video's thumbnail URL.
        public var thumbnailURL: String?
        /// The video's duration in seconds.
        public var duration: Double?
        /// The API's failure code for a failed video.
        public var failureCode: String?
        /// The API's failure message for a failed video.
        public var failureMessage: String?

        /// Creates a Video Agent description.
        public init(
            prompt: String, sessionID: String? = nil, videoID: String? = nil, status: String,
            videoURL: String? = nil, thumbnailURL: String? = nil, duration: Double? = nil,
            failureCode: String? = nil, failureMessage: String? = nil
        ) {
            self.prompt = prompt
            self.sessionID = sessionID
            self.videoID = videoID
            self.status = status
            self.videoURL = videoURL
            self.thumbnailURL = thumbnailURL
            self.duration = duration
            self.failureCode = failureCode
            self.failureMessage = failureMessage
        }
        enum CodingKeys: String, CodingKey {
            case prompt, sessionID = "session_id", videoID = "video_id", status, videoURL = "video_url"
            case thumbnailURL = "thumbnail_url", duration, failureCode = "failure_code"
            case failureMessage = "failure_message"
        }
        /// Writes every key, with nulls for what is unknown.
        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(prompt, forKey: .prompt)
            try c.encode(sessionID, forKey: .sessionID)
            try c.encode(videoID, forKey: .videoID)
            try c.encode(status, forKey: .status)
            try c.encode(videoURL, forKey: .videoURL)
            try c.encode(thumbnailURL, forKey: .thumbnailURL)
            try c.encode(duration, forKey: .duration)
            try c.encode(failureCode, forKey: .failureCode)
            try c.encode(failureMessage, forKey: .failureMessage)
        }
    }

    /// Why a job failed.
    public struct ResultError: Sendable, Equatable, Codable {
        /// One of the schema's codes.
        public var code: FailureCode
        /// A human sentence; never contains the API key.
        public var message: String
        /// The HTTP status of the request that failed, when one did.
        public var httpStatus: Int?
        /// The API's `X-Request-Id` of that request, when known.
        public var requestID: String?

        /// Creates an error description.
        public init(code: FailureCode, message: String, httpStatus: Int? = nil, requestID: String? = nil) {
            self.code = code
            self.message = message
            self.httpStatus = httpStatus
            self.requestID = requestID
        }
        enum CodingKeys: String, CodingKey { case code, message, httpStatus = "http_status", requestID = "request_id" }
        /// Writes every key, with nulls for what is unknown.
        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(code, forKey: .code)
            try c.encode(message, forKey: .message)
            try c.encode(httpStatus, forKey: .httpStatus)
            try c.encode(requestID, forKey: .requestID)
        }
    }

    /// Creates a result.
    public init(
        jobID: String, status: Status, source: Source, assets: [Asset], videoAgent: VideoAgent?,
        error: ResultError?, attempts: Int, createdAt: Date, finishedAt: Date
    ) {
        self.jobID = jobID
        self.status = status
        self.source = source
        self.assets = assets
        self.videoAgent = videoAgent
        self.error = error
        self.attempts = attempts
        self.createdAt = createdAt
        self.finishedAt = finishedAt
    }

    enum CodingKeys: String, CodingKey {
        case schemaVersion = "schema_version", jobID = "job_id", profile, status, source, assets
        case videoAgent = "video_agent", error, attempts, createdAt = "created_at", finishedAt = "finished_at"
        case downloads, translations
    }

    /// Writes every key the schema requires, `video_agent`, `error` and `translations` as null when absent,
    /// `downloads` as `[]` when nothing was downloaded.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(schemaVersion, forKey: .schemaVersion)
        try c.encode(jobID, forKey: .jobID)
        try c.encode(profile ?? "default", forKey: .profile)
        try c.encode(status, forKey: .status)
        try c.encode(source, forKey: .source)
        try c.encode(assets, forKey: .assets)
        try c.encode(videoAgent, forKey: .videoAgent)
        try c.encode(error, forKey: .error)
        try c.encode(attempts, forKey: .attempts)
        try c.encode(createdAt, forKey: .createdAt)
        try c.encode(finishedAt, forKey: .finishedAt)
        try c.encode(downloads ?? [], forKey: .downloads)
        try c.encode(translations, forKey: .translations)
    }

    /// The JSON text of the result: pretty-printed, keys sorted, dates as RFC 3339 UTC.
    public func jsonData() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(Timestamp.rfc3339(date))
        }
        var data = try encoder.encode(self)
        data.append(0x0A)
        return data
    }

    /// Reads a result back (used by operator commands and tests).
    public static func decode(_ data: Data) throws -> JobResult {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let text = try decoder.singleValueContainer().decode(String.self)
            guard let date = Timestamp.parse(text) else {
                throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "bad date \(text)"))
            }
            return date
        }
        return try decoder.decode(JobResult.self, from: data)
    }
}
