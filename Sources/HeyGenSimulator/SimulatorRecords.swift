import Foundation
import HeyGenAPI

/// An uploaded asset.
struct StoredAsset: Sendable {
    var id: String
    var mediaType: MediaType
    var sizeBytes: Int64
    var fileName: String?
    /// The SHA-256 of the asset's bytes, lowercase hex.
    var sha256: String
    var storedAt = Date()
}

/// What an `Idempotency-Key` stands for: a request still running, or the answer to replay.
enum IdempotencyEntry: Sendable {
    case inProgress
    case completed(StoredResponse, at: Date)
}

/// A response kept for idempotent replay.
struct StoredResponse: Sendable {
    var status: Int
    var body: [UInt8]
}

/// A Video Agent session and how far it has got.
struct AgentSession: Sendable {
    var id: String
    var createdAt: Date
    var polls = 0
    var pollsUntilVideoID: Int
    var pollsUntilCompleted: Int
    var videoID: String?
    /// The `callback_id` the session was created with.
    var callbackID: String?
}

/// A video made by a session.
struct SimulatedVideo: Sendable {
    /// How a finished video ended.
    enum Outcome: Sendable { case completed, failed }

    var id: String
    var sessionID: String
    var createdAt: Date
    var polls = 0
    var pollsUntilCompleted: Int
    var outcome: Outcome?
}

/// Thrown by a response body to cut the connection before the answer is complete.
struct ConnectionCut: Error {}
