import HeyGenAPI

/// Why a job failed, as written in the result's `error.code`; the set is fixed by the result schema.
public enum FailureCode: String, Sendable, Codable, CaseIterable {
    case unsupportedType = "unsupported_type"
    case tooLarge = "too_large"
    case emptyFile = "empty_file"
    case unreadable
    case vanished
    case invalidSidecar = "invalid_sidecar"
    case orphanSidecar = "orphan_sidecar"
    case unauthorized
    case insufficientCredit = "insufficient_credit"
    case rejected
    case rateLimited = "rate_limited"
    case serverError = "server_error"
    case networkError = "network_error"
    case videoFailed = "video_failed"
    case videoTimeout = "video_timeout"
    case translationFailed = "translation_failed"
    case downloadFailed = "download_failed"

    /// The code for an API error that ended a job (retries, where they apply, already spent).
    public init(_ error: HeyGenError) {
        switch error.category {
        case .unauthorized: self = .unauthorized
        case .insufficientCredit: self = .insufficientCredit
        case .rejected, .notFound: self = .rejected
        case .rateLimited: self = .rateLimited
        case .serverError: self = .serverError
        case .networkError: self = .networkError
        case .unreadable: self = .unreadable
        case .vanished: self = .vanished
        }
    }
}
