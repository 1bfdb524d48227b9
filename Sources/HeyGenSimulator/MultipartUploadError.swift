/// Why the multipart body of an upload was refused.
///
/// Errors of one kind compare equal whatever their message, so callers and tests can match on
/// ``malformed``, ``noFilePart`` and ``manyFileParts``.
struct MultipartUploadError: Error, CustomStringConvertible, Sendable, Equatable {
    private enum Code: Sendable, Equatable {
        case malformed
        case noFilePart
        case manyFileParts
    }

    private let code: Code
    /// What was wrong, in words.
    let message: String

    private init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// The message.
    var description: String { message }

    /// Kinds equal, whatever the message.
    static func == (lhs: MultipartUploadError, rhs: MultipartUploadError) -> Bool { lhs.code == rhs.code }

    /// The body is not valid multipart (refused by the parser, cut short, or a header block too large).
    static let malformed = MultipartUploadError(.malformed, "malformed multipart body")
    /// The body is valid but has no part named `file`.
    static let noFilePart = MultipartUploadError(.noFilePart, "missing multipart part named file")
    /// The body has more than one part named `file`.
    static let manyFileParts = MultipartUploadError(.manyFileParts, "more than one part named file")

    /// A malformed body, saying why.
    static func malformed(_ reason: String) -> MultipartUploadError {
        MultipartUploadError(.malformed, "malformed multipart body: \(reason)")
    }

    /// True when the body itself is not valid multipart (as opposed to lacking a single `file` part).
    var isMalformed: Bool { code == .malformed }
}
