import CSQLite
import TestSupport

/// A second connection to the daemon's queue database holding its write lock (`BEGIN EXCLUSIVE`), the way
/// another process (an operator's `sqlite3`, a backup) can, until `release`.
final class DatabaseWriteLock {
    private var handle: OpaquePointer?

    /// Opens `path` and takes the write lock, waiting up to 10 s for it.
    init(path: String) throws {
        guard sqlite3_open_v2(path, &handle, SQLITE_OPEN_READWRITE, nil) == SQLITE_OK else {
            let message = handle.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            sqlite3_close(handle)
            throw HarnessError("cannot open \(path): \(message)")
        }
        sqlite3_busy_timeout(handle, 10_000)
        guard sqlite3_exec(handle, "BEGIN EXCLUSIVE", nil, nil, nil) == SQLITE_OK else {
            let message = String(cString: sqlite3_errmsg(handle))
            sqlite3_close(handle)
            handle = nil
            throw HarnessError("cannot lock \(path): \(message)")
        }
    }

    /// Ends the transaction and closes the connection; the daemon can write again.
    func release() {
        guard let handle else { return }
        sqlite3_exec(handle, "COMMIT", nil, nil, nil)
        sqlite3_close(handle)
        self.handle = nil
    }

    deinit { release() }
}
