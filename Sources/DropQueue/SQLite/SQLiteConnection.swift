import CSQLite
#if canImport(Glibc)
import Glibc
import SystemSupport
#elseif canImport(Darwin)
import Darwin
#endif

/// One connection to an SQLite database file, set up for a durable queue: WAL journal, a 5 s busy timeout,
/// `synchronous=NORMAL`, foreign keys on. Statements are prepared once per SQL text and cached until
/// `close()`. Not thread-safe: the owner serializes access (see `JobQueue`).
final class SQLiteConnection {
    /// The database file's path, as given.
    let path: String
    private var handle: OpaquePointer?
    private var statements: [String: SQLiteStatement] = [:]

    /// How long a statement waits for another connection's lock before failing with SQLITE_BUSY.
    static let busyTimeoutMilliseconds: Int32 = 5000

    private init(path: String, handle: OpaquePointer) {
        self.path = path
        self.handle = handle
    }

    deinit {
        close()
    }

    /// Opens (creating if needed) the database at `path` and configures it. Any failure, including a file
    /// that is not a database, becomes one `QueueError` naming the file; nothing is left open.
    static func open(path: String) throws(QueueError) -> SQLiteConnection {
        var db: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
        let rc = sqlite3_open_v2(path, &db, flags, nil)
        guard rc == SQLITE_OK, let db else {
            let code = db.map { sqlite3_extended_errcode($0) } ?? rc
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? String(cString: sqlite3_errstr(rc))
            sqlite3_close_v2(db)
            throw .openFailure(path: path, code: code, message: explainOpenFailure(path: path, message: message))
        }
        sqlite3_extended_result_codes(db, 1)
        let connection = SQLiteConnection(path: path, handle: db)
        do {
            try connection.configure()
        } catch {
            connection.close()
            let message =
                (error.sqliteCode.map { $0 & 0xff } == SQLITE_CANTOPEN)
                ? explainOpenFailure(path: path, message: error.message) : error.message
            throw .openFailure(path: path, code: error.sqliteCode, message: message)
        }
        return connection
    }

    private func configure() throws(QueueError) {
        guard let handle else { return }
        sqlite3_busy_timeout(handle, Self.busyTimeoutMilliseconds)
        // Reading the header and the schema surfaces SQLITE_NOTADB / SQLITE_CORRUPT here, not later.
        _ = try query("SELECT count(*) FROM sqlite_schema") { $0.int(0) }
        let mode = try query("PRAGMA journal_mode=WAL") { $0.string(0) }.first ?? nil
        if mode?.lowercased() != "wal" {
            throw .sqlite(
                path: path, code: SQLITE_ERROR,
                message: "cannot switch to WAL journal mode (got \(mode ?? "nothing"))")
        }
        // A page cache of up to 32 MiB (SQLite's default is 2 MiB): the name indexes of a queue of many
        // thousands of jobs stay in memory, so a big start-up scan is queued without reading them back.
        try executeScript("PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; PRAGMA cache_size=-32768;")
    }

    /// SQLite says only "unable to open database file"; say why when the file system can tell.
    private static func explainOpenFailure(path: String, message: String) -> String {
        var info = stat()
        if stat(path, &info) == 0 {
            if (info.st_mode & S_IFMT) == S_IFDIR { return "\(message) (it is a directory)" }
            if access(path, R_OK | W_OK) != 0 { return "\(message) (\(lastErrnoText()))" }
            return message
        }
        let reason = lastErrnoText()
        var parent = path
        if let slash = parent.lastIndex(of: "/") {
            parent = String(parent[..<slash])
            if parent.isEmpty { parent = "/" }
        } else {
            parent = "."
        }
        if stat(parent, &info) != 0 {
            return "\(message) (folder \(parent): \(lastErrnoText()))"
        }
        if access(parent, W_OK | X_OK) != 0 {
            return "\(message) (folder \(parent): \(lastErrnoText()))"
        }
        return "\(message) (\(reason))"
    }

    /// Finalizes every cached statement and closes the connection. Safe to call more than once.
    func close() {
        for statement in statements.values { statement.finalize() }
        statements.removeAll()
        if let handle {
            sqlite3_close_v2(handle)
            self.handle = nil
        }
    }

    // MARK: - Errors

    /// The connection's current error as a `QueueError`.
    func error(_ rc: Int32) -> QueueError {
        guard let handle else {
            return .sqlite(path: path, code: SQLITE_MISUSE, message: "the database connection is closed")
        }
        let code = sqlite3_extended_errcode(handle)
        let message = String(cString: sqlite3_errmsg(handle))
        return .sqlite(path: path, code: code == SQLITE_OK ? rc : code, message: message)
    }

    // MARK: - Statements

    /// The cached prepared statement for `sql`, preparing it on first use.
    func prepare(_ sql: String) throws(QueueError) -> SQLiteStatement {
        if let cached = statements[sql] { return cached }
        guard let handle else { throw error(SQLITE_MISUSE) }
        var statement: OpaquePointer?
        let rc = sqlite3_prepare_v3(handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil)
        guard rc == SQLITE_OK, let statement else { throw error(rc) }
        let prepared = SQLiteStatement(sql: sql, handle: statement)
        statements[sql] = prepared
        return prepared
    }

    /// Runs one statement to completion, calling `row` for every result row, and returns what it returned.
    func query<T>(
        _ sql: String, _ values: [SQLiteValue] = [], _ row: (SQLiteRow) throws(QueueError) -> T
    ) throws(QueueError) -> [T] {
        let statement = try prepare(sql)
        defer { statement.reset() }
        let bindResult = statement.bind(values)
        guard bindResult == SQLITE_OK else { throw error(bindResult) }
        var results: [T] = []
        while true {
            let rc = sqlite3_step(statement.handle)
            if rc == SQLITE_ROW {
                results.append(try row(SQLiteRow(statement: statement.handle)))
            } else if rc == SQLITE_DONE {
                return results
            } else {
                throw error(rc)
            }
        }
    }

    /// The first result row of one statement, or nil when it gives none.
    func queryFirst<T>(
        _ sql: String, _ values: [SQLiteValue] = [], _ row: (SQLiteRow) throws(QueueError) -> T
    ) throws(QueueError) -> T? {
        let statement = try prepare(sql)
        defer { statement.reset() }
        let bindResult = statement.bind(values)
        guard bindResult == SQLITE_OK else { throw error(bindResult) }
        let rc = sqlite3_step(statement.handle)
        if rc == SQLITE_ROW { return try row(SQLiteRow(statement: statement.handle)) }
        if rc == SQLITE_DONE { return nil }
        throw error(rc)
    }

    /// Runs one statement that returns no rows (rows, if any, are skipped); returns the number of rows changed.
    @discardableResult
    func execute(_ sql: String, _ values: [SQLiteValue] = []) throws(QueueError) -> Int {
        let statement = try prepare(sql)
        defer { statement.reset() }
        let bindResult = statement.bind(values)
        guard bindResult == SQLITE_OK else { throw error(bindResult) }
        var rc = sqlite3_step(statement.handle)
        while rc == SQLITE_ROW { rc = sqlite3_step(statement.handle) }
        guard rc == SQLITE_DONE else { throw error(rc) }
        return changes
    }

    /// Runs several `;`-separated statements without caching them (schema scripts, pragmas).
    func executeScript(_ sql: String) throws(QueueError) {
        guard let handle else { throw error(SQLITE_MISUSE) }
        var message: UnsafeMutablePointer<CChar>?
        let rc = sqlite3_exec(handle, sql, nil, nil, &message)
        if let message { sqlite3_free(message) }
        guard rc == SQLITE_OK else { throw error(rc) }
    }

    /// Rows changed by the last INSERT, UPDATE or DELETE.
    var changes: Int {
        guard let handle else { return 0 }
        return Int(sqlite3_changes64(handle))
    }

    /// True while a transaction is open on this connection.
    var isInTransaction: Bool {
        guard let handle else { return false }
        return sqlite3_get_autocommit(handle) == 0
    }

    // MARK: - Transactions

    /// Runs `body` inside `BEGIN IMMEDIATE` … `COMMIT` (so the write lock is taken up front and waits at most
    /// the busy timeout). A thrown error rolls everything back and is rethrown. Called while a transaction is
    /// already open, `body` simply joins it.
    func transaction<T>(_ body: () throws(QueueError) -> T) throws(QueueError) -> T {
        if isInTransaction { return try body() }
        try execute("BEGIN IMMEDIATE")
        let result: T
        do {
            result = try body()
            try execute("COMMIT")
        } catch {
            rollback()
            throw error
        }
        return result
    }

    private func rollback() {
        // SQLite may already have rolled back by itself (e.g. after SQLITE_FULL); then there is nothing to do.
        guard isInTransaction else { return }
        _ = try? execute("ROLLBACK")
    }

    // MARK: - Schema version

    /// `PRAGMA user_version`: the schema version the migrations have reached.
    func userVersion() throws(QueueError) -> Int {
        try queryFirst("PRAGMA user_version") { $0.int(0) } ?? 0
    }

    func setUserVersion(_ version: Int) throws(QueueError) {
        // PRAGMA takes no parameters; the version is an integer, so formatting it in is safe.
        try executeScript("PRAGMA user_version = \(version)")
    }
}
