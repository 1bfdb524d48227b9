import Foundation
#if canImport(Glibc)
import Glibc
import DropPipeline
#endif

/// An exclusive lock on the state directory, held by the running daemon for its whole life.
///
/// It keeps two daemons off one queue, and lets `status` tell whether a daemon holds the queue.
/// The lock is an `flock` on `STATE_DIR/daemon.lock`, released by the kernel when the process ends,
/// even after `kill -9`.
public final class DaemonLock: Sendable {
    private let fd: Int32

    /// The lock file's path in a state directory.
    public static func path(stateDir: String) -> String { "\(stateDir)/daemon.lock" }

    /// Takes the lock, or throws a one-line error naming the other process when it is taken.
    public init(stateDir: String) throws {
        let path = Self.path(stateDir: stateDir)
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o640)
        guard fd >= 0 else { throw FileIOError("cannot open lock file \(path): \(FileIO.lastError())") }
        // `status` takes a shared lock for a moment to see whether a daemon runs: try a few times.
        var locked = flock(fd, LOCK_EX | LOCK_NB) == 0
        for _ in 0..<10 where !locked {
            usleep(50_000)
            locked = flock(fd, LOCK_EX | LOCK_NB) == 0
        }
        guard locked else {
            close(fd)
            let holder = Self.holder(stateDir: stateDir).map { " (pid \($0))" } ?? ""
            throw FileIOError("another heygen-dropd is already running on \(stateDir)\(holder)")
        }
        ftruncate(fd, 0)
        let pid = "\(getpid())\n"
        _ = pid.withCString { write(fd, $0, strlen($0)) }
        self.fd = fd
    }

    /// Gives the lock back (also happens when the process ends).
    public func release() {
        flock(fd, LOCK_UN)
        close(fd)
    }

    /// The pid of the daemon holding the lock on `stateDir`, or nil when no daemon holds it.
    public static func holder(stateDir: String) -> Int32? {
        let path = path(stateDir: stateDir)
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        if flock(fd, LOCK_SH | LOCK_NB) == 0 {
            flock(fd, LOCK_UN)
            return nil
        }
        var buffer = [UInt8](repeating: 0, count: 32)
        let n = read(fd, &buffer, buffer.count)
        let text = n > 0 ? String(decoding: buffer[0..<n], as: UTF8.self) : ""
        return Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
    }
}
