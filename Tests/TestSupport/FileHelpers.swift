import Crypto
import Foundation

/// Creates (or replaces) the file at `path` with `bytes`.
public func writeFile(_ path: String, _ bytes: some DataProtocol) throws {
    try Data(bytes).write(to: URL(fileURLWithPath: path))
}

/// Creates (or replaces) the file at `path` with `text` in UTF-8.
public func writeFile(_ path: String, _ text: String) throws {
    try writeFile(path, Data(text.utf8))
}

/// The SHA-256 of `bytes` in lowercase hex.
public func sha256Hex(_ bytes: some DataProtocol) -> String {
    SHA256.hash(data: bytes).map { byte in byte < 16 ? "0" + String(byte, radix: 16) : String(byte, radix: 16) }.joined()
}
