import Hummingbird

/// Header names the API uses beyond the standard ones.
extension HTTPFields.Element.Name {
    static let xRequestID = Self("X-Request-Id")!
    static let xAPIKey = Self("X-Api-Key")!
    static let idempotencyKey = Self("Idempotency-Key")!
    static let idempotentReplayed = Self("Idempotent-Replayed")!
}
