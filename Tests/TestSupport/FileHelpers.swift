import Crypto
import Foundation
#if canImport(Glibc)
import Glibc
#endif

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

/// The size of what is at `path` (lstat: a symbolic link's own size), nil when nothing is there.
public func fileSize(_ path: String) -> Int64? {
    var info = stat()
    return lstat(path, &info) == 0 ? Int64(info.st_size) : nil
}
