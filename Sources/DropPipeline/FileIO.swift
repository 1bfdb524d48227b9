import Foundation
#if canImport(Glibc)
import Glibc
import SystemSupport
#endif

/// A failed file operation, described in one line naming the path.
public struct FileIOError: Error, CustomStringConvertible, Sendable {
    /// The line to show.
    public let description: String
    /// An error whose line is `description`.
    public init(_ description: String) { self.description = description }
}

/// Small POSIX file helpers shared by the result writer, the source mover and the demo.
public enum FileIO {
    /// The text of the current `errno`.
    public static func lastError() -> String {
        lastErrnoText()
    }

    /// Writes `data` to `path` (created or truncated, mode 0644) and flushes it to disk before returning.
    public static func writeDurably(_ data: Data, to path: String, mode: mode_t = 0o644) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode)
        guard fd >= 0 else { throw FileIOError("cannot create \(path): \(lastError())") }
        defer { close(fd) }
        try data.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = Glibc.write(fd, raw.baseAddress! + offset, raw.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw FileIOError("cannot write \(path): \(lastError())")
                }
                offset += n
            }
        }
        guard fsync(fd) == 0 else { throw FileIOError("cannot flush \(path): \(lastError())") }
    }

    /// Flushes a directory's entries (after a rename or create in it); failures are ignored.
    static func syncDirectory(_ path: String) {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return }
        fsync(fd)
        close(fd)
    }

    /// What is at `path`, without following a symlink; nil when nothing is there.
    static func kind(_ path: String) -> EntryKind? {
        var info = stat()
        guard lstat(path, &info) == 0 else { return nil }
        switch info.st_mode & S_IFMT {
        case S_IFREG: return .file
        case S_IFDIR: return .directory
        case S_IFLNK: return .symlink
        default: return .other
        }
    }

    /// True when anything (even a dangling symlink) exists at `path`.
    public static func exists(_ path: String) -> Bool {
        kind(path) != nil
    }

    /// The kinds of directory entry the daemon tells apart.
    enum EntryKind: Equatable { case file, directory, symlink, other }
}
