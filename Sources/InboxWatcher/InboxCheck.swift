import CSystemCalls
import Glibc

/// What is checked of the inbox when a watcher starts, whichever way it watches: that it is a directory,
/// and which file system holds it.
enum InboxCheck {
    /// Throws a clear error naming `path` unless it is a directory (a symlink to one is followed).
    static func requireDirectory(_ path: String) throws(InboxWatcherError) {
        var info = stat()
        if stat(path, &info) != 0 {
            throw failure(path, operation: "stat", errno: errno)
        }
        guard info.st_mode & S_IFMT == S_IFDIR else { throw .notADirectory(path) }
    }

    /// The file system holding the directory `path` (`statfs`).
    static func fileSystem(of path: String) throws(InboxWatcherError) -> FileSystemKind {
        let type = cstatfs_type(path)
        if type < 0 {
            throw failure(path, operation: "statfs", errno: errno)
        }
        return FileSystemKind(magic: UInt32(truncatingIfNeeded: type))
    }

    /// Opens the directory `path` for listing (read-only, close-on-exec); a clear error when it cannot be.
    static func openDirectory(_ path: String) throws(InboxWatcherError) -> Int32 {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NONBLOCK)
        if fd < 0 { throw failure(path, operation: "open", errno: errno) }
        return fd
    }

    /// The error for a failed `operation` on the inbox.
    static func failure(_ path: String, operation: String, errno number: Int32) -> InboxWatcherError {
        switch number {
        case ENOENT: .inboxMissing(path)
        case ENOTDIR: .notADirectory(path)
        case EACCES: .permissionDenied(path)
        default: .systemError(path, operation: operation, errno: number)
        }
    }
}
