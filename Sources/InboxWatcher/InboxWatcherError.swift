/// Why the inbox could not be watched when the watcher started.
///
/// Compare with the static values (`error == .inboxMissing`); the comparison looks at the kind of
/// failure only, not at the path.
public struct InboxWatcherError: Error, CustomStringConvertible, Sendable, Equatable {
    private enum Code: Equatable, Sendable {
        case inboxMissing
        case notADirectory
        case permissionDenied
        case watchLimitReached
        case instanceLimitReached
        case systemError
    }

    private let code: Code
    /// The inbox path the failure is about (empty in the static comparison values).
    public let path: String
    /// The human explanation, one line.
    private let detail: String

    private init(_ code: Code, path: String = "", detail: String = "") {
        self.code = code
        self.path = path
        self.detail = detail
    }

    /// The inbox does not exist.
    public static let inboxMissing = InboxWatcherError(.inboxMissing)
    /// The inbox path exists but is not a directory.
    public static let notADirectory = InboxWatcherError(.notADirectory)
    /// The daemon's user may not read the inbox.
    public static let permissionDenied = InboxWatcherError(.permissionDenied)
    /// The per-user inotify watch limit (`fs.inotify.max_user_watches`) is used up.
    public static let watchLimitReached = InboxWatcherError(.watchLimitReached)
    /// The per-user inotify instance limit (`fs.inotify.max_user_instances`) or the open-file limit is used up.
    public static let instanceLimitReached = InboxWatcherError(.instanceLimitReached)
    /// Any other system error while setting up the watch.
    public static let systemError = InboxWatcherError(.systemError)

    static func inboxMissing(_ path: String) -> Self {
        Self(.inboxMissing, path: path, detail: "inbox does not exist: \(path)")
    }

    static func notADirectory(_ path: String) -> Self {
        Self(.notADirectory, path: path, detail: "inbox is not a directory: \(path)")
    }

    static func permissionDenied(_ path: String) -> Self {
        Self(.permissionDenied, path: path, detail: "permission denied watching the inbox: \(path)")
    }

    static func watchLimitReached(_ path: String, limit: String) -> Self {
        Self(
            .watchLimitReached, path: path,
            detail: "cannot watch the inbox \(path): inotify watch limit reached (fs.inotify.max_user_watches = \(limit))"
        )
    }

    static func instanceLimitReached(_ path: String, limit: String) -> Self {
        Self(
            .instanceLimitReached, path: path,
            detail:
                "cannot watch the inbox \(path): inotify instance limit reached (fs.inotify.max_user_instances = \(limit)) or too many open files"
        )
    }

    static func systemError(_ path: String, operation: String, errno number: Int32) -> Self {
        Self(.systemError, path: path, detail: "cannot watch the inbox \(path): \(operation) failed: \(errorText(number))")
    }

    /// One line naming the inbox and what went wrong.
    public var description: String {
        detail.isEmpty ? "InboxWatcherError.\(code)" : detail
    }

    /// Errors are equal when they are the same kind of failure.
    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.code == rhs.code
    }
}
