import Foundation

extension JobResult {
    /// One file downloaded into the outbox for the job (version 2 of the result: `downloads[]`).
    public struct Download: Sendable, Equatable, Codable {
        /// What the file is.
        public enum Kind: String, Sendable, Codable, CaseIterable {
            case video
            case captionedVideo = "captioned_video"
            case subtitles
            case thumbnail
            case captionsVTT = "captions_vtt"
        }

        /// What the file is.
        public var kind: Kind
        /// Its absolute path in the outbox.
        public var path: String
        /// Its size in bytes.
        public var sizeBytes: Int64
        /// The lower-case hex SHA-256 of its bytes.
        public var sha256: String

        /// Creates a download entry.
        public init(kind: Kind, path: String, sizeBytes: Int64, sha256: String) {
            self.kind = kind
            self.path = path
            self.sizeBytes = sizeBytes
            self.sha256 = sha256
        }

        enum CodingKeys: String, CodingKey { case kind, path, sizeBytes = "size_bytes", sha256 }
    }

    /// One output language of a video translation (version 2 of the result: `translations[]`).
    public struct Translation: Sendable, Equatable, Codable {
        /// The language as the sidecar asked for it (`Spanish (Spain)`).
        public var language: String
        /// The API's code for it (`es-ES`), once known.
        public var outputLanguage: String?
        /// The translation's id, once created.
        public var videoTranslationID: String?
        /// The last status seen (`completed`, `failed`, `not_started`, ...).
        public var status: String
        /// The translated video's (presigned, expiring) URL, once completed.
        public var videoURL: String?
        /// Why it failed, when it did.
        public var failureMessage: String?
        /// The files downloaded for this language (also listed in the result's `downloads`).
        public var downloads: [Download]

        /// Creates a translation entry.
        public init(
            language: String, outputLanguage: String?, videoTranslationID: String?, status: String, videoURL: String?,
            failureMessage: String?, downloads: [Download]
        ) {
            self.language = language
            self.outputLanguage = outputLanguage
            self.videoTranslationID = videoTranslationID
            self.status = status
            self.videoURL = videoURL
            self.failureMessage = failureMessage
            self.downloads = downloads
        }

        enum CodingKeys: String, CodingKey {
            case language, outputLanguage = "output_language", videoTranslationID = "video_translation_id", status
            case videoURL = "video_url", failureMessage = "failure_message", downloads
        }

        /// Writes every key, with nulls for what is unknown.
        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(language, forKey: .language)
            try c.encode(outputLanguage, forKey: .outputLanguage)
            try c.encode(videoTranslationID, forKey: .videoTranslationID)
            try c.encode(status, forKey: .status)
            try c.encode(videoURL, forKey: .videoURL)
            try c.encode(failureMessage, forKey: .failureMessage)
            try c.encode(downloads, forKey: .downloads)
        }
    }
}
