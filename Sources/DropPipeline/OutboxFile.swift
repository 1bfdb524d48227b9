import Foundation
import SystemSupport
#if canImport(Glibc)
import Glibc
#endif

/// The files a download writes in the outbox: a dot-named temporary file, made durable and renamed into
/// place once complete, so whoever sees the final name finds the whole file. The outbox is the daemon's own
/// folder. The calls block: run them through `BlockingIO`.
enum OutboxFile {
    /// Why a file in the outbox could not be written; `diskFull` for `ENOSPC`/`EDQUOT`.
    struct Failure: Error, CustomStringConvertible {
        var diskFull: Bool
        var message: String
        var description: String { message }

        init(_ code: Int32, _ what: String) {
            diskFull = code == ENOSPC || code == EDQUOT
            message = "\(what): \(errnoText(code))"
        }
    }

    /// Opens (creating it when missing) the temporary file at `path` for reading and writing, never through
    /// a symlink; returns the descriptor and how many bytes it already holds (a download to resume).
    static func openTemporary(_ path: String) throws(Failure) -> (descriptor: Int32, size: Int64) {
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o644)
        guard fd >= 0 else { throw Failure(errno, "cannot open \(path)") }
        var info = stat()
        guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else {
            let code = errno
            close(fd)
            throw Failure(code == 0 ? EINVAL : code, "\(path) is not a regular file")
        }
        return (fd, Int64(info.st_size))
    }

    /// Flushes the complete file `fd` to disk, closes it, renames `temporary` over `final` (replacing an
    /// earlier file of that name) and flushes the outbox folder. The descriptor is closed either way.
    static func commit(_ fd: Int32, temporary: String, final: String, outbox: String) throws(Failure) {
        if fsync(fd) != 0 {
            let code = errno
            close(fd)
            throw Failure(code, "cannot flush \(temporary) to disk")
        }
        close(fd)
        guard rename(temporary, final) == 0 else { throw Failure(errno, "cannot rename \(temporary) to \(final)") }
        FileIO.syncDirectory(outbox)
    }

    /// Removes the temporary file at `path`, if there is one.
    static func remove(_ path: String) {
        unlink(path)
    }
}
