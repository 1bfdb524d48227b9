#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Finds the queue's password: in the `queue_password_file`, else the systemd credential
/// `heygen-queue-password` in `$CREDENTIALS_DIRECTORY`. Surrounding whitespace is trimmed; what remains
/// must be non-empty and hold no control characters. The password never appears in an error.
enum QueuePasswordLoader {
    /// The credential's name.
    static let credential = "heygen-queue-password"

    /// The password, or nil when none is set (a server that needs none, or SQLite).
    static func load(file: String?, environment: [String: String]) throws(SettingsError) -> QueuePassword? {
        if let file {
            switch SettingsLoader.readFile(file) {
            case .success(let bytes): return try validated(bytes, source: "file \(file)")
            case .failure(let reason): throw .queuePasswordUnreadable(path: file, reason: reason.message)
            }
        }
        guard let directory = environment["CREDENTIALS_DIRECTORY"] else { return nil }
        let path = directory.hasSuffix("/") ? directory + credential : directory + "/" + credential
        switch SettingsLoader.readFile(path) {
        case .success(let bytes): return try validated(bytes, source: "systemd credential \(credential)")
        case .failure(let reason) where reason.number == ENOENT: return nil
        case .failure(let reason): throw .queuePasswordUnreadable(path: path, reason: reason.message)
        }
    }

    private static func validated(_ bytes: [UInt8], source: String) throws(SettingsError) -> QueuePassword {
        let isSpace: (UInt8) -> Bool = { $0 == 0x20 || (0x09...0x0D).contains($0) }
        guard let first = bytes.firstIndex(where: { !isSpace($0) }), let last = bytes.lastIndex(where: { !isSpace($0) })
        else {
            throw .queuePasswordUnusable(source: source, problem: "it is empty")
        }
        let trimmed = bytes[first...last]
        guard !trimmed.contains(where: { $0 < 0x20 || $0 == 0x7F }) else {
            throw .queuePasswordUnusable(source: source, problem: "it contains control characters")
        }
        return QueuePassword(String(decoding: trimmed, as: UTF8.self), source: source)
    }
}
