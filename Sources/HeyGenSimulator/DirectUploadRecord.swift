import Crypto
import Foundation
import HeyGenAPI

/// A direct upload the simulator has begun: what was announced, what storage received, and how far its
/// processing has got.
struct DirectUploadRecord: Sendable {
    var id: String
    var fileName: String
    var contentType: String
    var sizeBytes: Int64
    /// The SHA-256 announced at begin (lowercase hex), when one was.
    var checksum: String?
    /// When the upload URL stops being valid (whole Unix seconds, as signed into it).
    var expiresAt: Int64
    var createdAt: Date
    /// What storage received, once a `PUT` was accepted.
    var received: ReceivedUpload?
    /// Set by the first complete: how it will end, and after how many status polls.
    var completion: Completion?

    /// The bytes an accepted `PUT` delivered, reduced to what the simulator keeps: their hash and first bytes.
    struct ReceivedUpload: Sendable {
        var sha256: String
        var prefix: [UInt8]
    }

    /// How processing goes after complete.
    struct Completion: Sendable {
        var mediaType: MediaType
        var pollsUntilReady: Int
        var polls = 0
        var fails: Bool
    }

    /// The headers the `PUT` must carry exactly: the announced content type, and the checksum when given.
    var uploadHeaders: [String: String] {
        var headers = ["Content-Type": contentType]
        if let checksum { headers[DirectUploadRecord.checksumHeader] = checksum }
        return headers
    }

    /// The header carrying the announced SHA-256 on the `PUT`.
    static let checksumHeader = "X-Checksum-Sha256"

    /// The status `GET /v3/assets/statuses` reports now (counting this poll when `counting`).
    mutating func status(counting: Bool) -> String {
        guard var completion else { return "queued" }
        if counting { completion.polls += 1 }
        self.completion = completion
        if completion.pollsUntilReady > 0, completion.polls <= completion.pollsUntilReady { return "processing" }
        return completion.fails ? "failed" : "completed"
    }
}

/// Signing and checking storage URLs: `HMAC-SHA256(secret, "PUT\n<asset id>\n<expires>\n<size>")` as hex.
enum StorageSignature {
    /// The signature for an upload of `size` bytes to `assetID`, valid until `expires` (Unix seconds).
    static func sign(assetID: String, expires: Int64, size: Int64, secret: [UInt8]) -> String {
        let message = Array("PUT\n\(assetID)\n\(expires)\n\(size)".utf8)
        let code = HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: secret))
        return hex(Array(code))
    }

    /// Whether `signature` is the one for these values (compared in constant time).
    static func isValid(_ signature: String, assetID: String, expires: Int64, size: Int64, secret: [UInt8]) -> Bool {
        let expected = Array(sign(assetID: assetID, expires: expires, size: size, secret: secret).utf8)
        let given = Array(signature.utf8)
        guard given.count == expected.count else { return false }
        var difference: UInt8 = 0
        for index in expected.indices { difference |= expected[index] ^ given[index] }
        return difference == 0
    }

    /// Lowercase hex of `bytes`.
    static func hex(_ bytes: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}

extension SimulatorState {
    /// Keeps at most `retention.maxCount` direct uploads, dropping the oldest first.
    mutating func pruneDirectUploads() {
        let excess = directUploads.count - max(1, retention.maxCount)
        guard excess > 0 else { return }
        let oldest = directUploads.values.sorted { $0.createdAt < $1.createdAt }.prefix(excess)
        for record in oldest { directUploads.removeValue(forKey: record.id) }
    }
}
