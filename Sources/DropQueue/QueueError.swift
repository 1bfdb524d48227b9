import CSQLite

/// A failure of the job queue's database: always names the database (the SQLite file, or the PostgreSQL
/// URL without any password), and carries SQLite's extended result code and message when SQLite reported
/// it. `description` is one line and never holds a password.
///
/// Compare with `==` against the static members (`error == .leaseLost`) to test the kind of failure;
/// equality looks only at the kind, not at the path or message.
public struct QueueError: Error, CustomStringConvertible, Sendable, Equatable {
    private enum Code: Sendable, Equatable {
        case cannotOpen
        case notADatabase
        case schemaTooNew
        case sqlite
        case leaseLost
        case invalidArgument
        case unavailable
        case server
    }

    private let code: Code
    /// The database the error is about: the SQLite file's path, or the PostgreSQL URL without a password.
    public let path: String
    /// SQLite's extended result code, when SQLite reported the failure.
    public let sqliteCode: Int32?
    /// What went wrong, in words (SQLite's message, or the queue's own).
    public let message: String
    /// The job concerned, for `.leaseLost`.
    public let jobID: JobID?

    private init(_ code: Code, path: String, sqliteCode: Int32? = nil, message: String, jobID: JobID? = nil) {
        self.code = code
        self.path = path
        self.sqliteCode = sqliteCode
        self.message = message.replacingLineBreaks()
        self.jobID = jobID
    }

    /// One line naming the database file and what went wrong.
    public var description: String {
        switch code {
        case .cannotOpen, .notADatabase, .schemaTooNew:
            return "cannot open queue database \(path): \(message)"
        case .sqlite:
            let codeText = sqliteCode.map { " (SQLite error \($0))" } ?? ""
            return "queue database \(path): \(message)\(codeText)"
        case .leaseLost, .invalidArgument, .server:
            return "queue database \(path): \(message)"
        case .unavailable:
            return "queue database \(path) unavailable: \(message)"
        }
    }

    /// Kinds equal, whatever the path, code or message.
    public static func == (lhs: QueueError, rhs: QueueError) -> Bool { lhs.code == rhs.code }

    /// The database could not be opened, configured or migrated (missing folder, no permission, a directory, ...).
    public static let cannotOpen = QueueError(.cannotOpen, path: "", message: "cannot open")
    /// The file exists but is not an SQLite database, or its header or schema is corrupt.
    public static let notADatabase = QueueError(.notADatabase, path: "", message: "file is not a database")
    /// The database was written by a newer program with a schema this one does not know.
    public static let schemaTooNew = QueueError(.schemaTooNew, path: "", message: "schema too new")
    /// SQLite failed an operation on an open database (busy, disk full, I/O error, corruption, ...).
    public static let sqlite = QueueError(.sqlite, path: "", message: "SQLite error")
    /// The job is no longer leased by the caller: its lease was recovered or another worker claimed it.
    public static let leaseLost = QueueError(.leaseLost, path: "", message: "lease lost")
    /// The call asked for something the queue does not allow (e.g. releasing a job into a terminal state).
    public static let invalidArgument = QueueError(.invalidArgument, path: "", message: "invalid argument")

    /// The database server cannot be reached now (connection refused or lost, shutting down): worth trying
    /// again later; the work in hand stays as it was stored.
    public static let unavailable = QueueError(.unavailable, path: "", message: "unavailable")
    /// The database server refused or failed an operation on a reachable database.
    public static let server = QueueError(.server, path: "", message: "server error")

    /// True for failures that may pass by themselves (`.unavailable`, a busy SQLite database).
    public var isTransient: Bool {
        switch code {
        case .unavailable: return true
        case .sqlite: return sqliteCode.map { ($0 & 0xff) == SQLITE_BUSY || ($0 & 0xff) == SQLITE_LOCKED } ?? false
        default: return false
        }
    }

    // MARK: - Construction by the queue's backends

    /// The server cannot be reached (for backends in other modules). `location` must hold no password.
    package static func unavailable(location: String, message: String) -> QueueError {
        QueueError(.unavailable, path: location, message: message)
    }

    /// The server failed an operation (for backends in other modules). `location` must hold no password.
    package static func server(location: String, message: String) -> QueueError {
        QueueError(.server, path: location, message: message)
    }

    /// The database cannot be opened or migrated (for backends in other modules).
    package static func cannotOpen(location: String, message: String) -> QueueError {
        QueueError(.cannotOpen, path: location, message: message)
    }

    /// The database's schema is newer than this program's (for backends in other modules).
    package static func schemaTooNew(location: String, found: Int, known: Int) -> QueueError {
        schemaTooNew(path: location, found: found, known: known)
    }

    /// The claim holding the token lost the job (for backends in other modules).
    package static func leaseLost(location: String, id: JobID) -> QueueError {
        leaseLost(path: location, id: id)
    }

    /// The call asked for something the queue does not allow (for backends in other modules).
    package static func invalidArgument(location: String, _ message: String) -> QueueError {
        invalidArgument(path: location, message)
    }

    // MARK: - Construction inside the module

    static func sqlite(path: String, code: Int32, message: String) -> QueueError {
        QueueError(.sqlite, path: path, sqliteCode: code, message: message)
    }

    static func leaseLost(path: String, id: JobID) -> QueueError {
        QueueError(.leaseLost, path: path, message: "job \(id) is no longer held by this claim", jobID: id)
    }

    static func invalidArgument(path: String, _ message: String) -> QueueError {
        QueueError(.invalidArgument, path: path, message: message)
    }

    static func schemaTooNew(path: String, found: Int, known: Int) -> QueueError {
        QueueError(
            .schemaTooNew, path: path,
            message: "schema version \(found) is newer than this program supports (\(known))")
    }

    /// Turns any failure while opening, configuring or migrating into an open failure naming the file.
    static func openFailure(path: String, code: Int32?, message: String) -> QueueError {
        let primary = code.map { $0 & 0xff }
        let kind: Code = (primary == SQLITE_NOTADB || primary == SQLITE_CORRUPT) ? .notADatabase : .cannotOpen
        return QueueError(kind, path: path, sqliteCode: code, message: message)
    }

    /// The same failure seen as an open failure (kept as is if it already is one).
    func asOpenFailure() -> QueueError {
        switch code {
        case .cannotOpen, .notADatabase, .schemaTooNew: return self
        default: return .openFailure(path: path, code: sqliteCode, message: message)
        }
    }
}

extension String {
    fileprivate func replacingLineBreaks() -> String {
        guard contains(where: \.isNewline) else { return self }
        return split(whereSeparator: \.isNewline).joined(separator: " ")
    }
}
