import Crypto
import Foundation
import HeyGenAPI

/// The simulator's presigned file URLs: `http://HOST:PORT/files/{owner}/{name}?expires=UNIX&signature=HEX`,
/// signed with HMAC-SHA256 over the path and the expiry, valid until `expires` (Unix seconds).
struct FileLinks: Sendable {
    let baseURL: String
    let key: SymmetricKey
    let lifetimeSeconds: Int
    let now: Date

    /// A fresh signed URL for `kind` of `ownerID`.
    func url(_ kind: SimulatedFile.Kind, of ownerID: String) -> JSONValue {
        let path = FileLinks.path(ownerID: ownerID, kind: kind)
        let expires = Int64(now.timeIntervalSince1970.rounded(.down)) + Int64(max(0, lifetimeSeconds))
        return .string("\(baseURL)\(path)?expires=\(expires)&signature=\(FileLinks.signature(path: path, expires: expires, key: key))")
    }

    /// `/files/{owner}/{name}`.
    static func path(ownerID: String, kind: SimulatedFile.Kind) -> String {
        "/files/\(ownerID)/\(kind.rawValue)"
    }

    /// The hex HMAC-SHA256 of `path` and `expires`.
    static func signature(path: String, expires: Int64, key: SymmetricKey) -> String {
        let code = HMAC<SHA256>.authenticationCode(for: Array("GET\n\(path)\n\(expires)".utf8), using: key)
        return code.map { byte in byte < 16 ? "0" + String(byte, radix: 16) : String(byte, radix: 16) }.joined()
    }

    /// Whether `signature` is right for `path` and `expires` (compared in constant time).
    static func isValid(path: String, expires: Int64, signature: String, key: SymmetricKey) -> Bool {
        let expected = Array(self.signature(path: path, expires: expires, key: key).utf8)
        let given = Array(signature.utf8)
        guard expected.count == given.count else { return false }
        return zip(expected, given).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }
}

extension HeyGenSimulator {
    /// Links signed now, lasting as the faults say; the simulator must be listening.
    func fileLinks(now: Date = Date()) -> FileLinks {
        let (key, lifetime) = state.withLock { ($0.fileSigningKey, $0.faults.output.fileURLLifetimeSeconds) }
        return FileLinks(baseURL: baseURL ?? "http://\(host)", key: key, lifetimeSeconds: lifetime, now: now)
    }
}
