extension Settings {
    /// Where the queue lives (`queue_url`, `queue_password_file`): by default SQLite in the state dir; with
    /// a `postgres://` URL, a PostgreSQL database that several hosts share.
    public struct Queue: Sendable, Equatable {
        /// The PostgreSQL URL (no password in it), or nil for SQLite in the state dir.
        public var url: String?
        /// The password, from `queue_password_file` or the systemd credential `heygen-queue-password`.
        public var password: QueuePassword?

        /// SQLite in the state dir.
        public init() {}

        /// The queue settings `reader` (scoped to `queue`) finds, and the password from the file it names or
        /// from `environment`'s `CREDENTIALS_DIRECTORY`.
        init(reader: SettingsReader, environment: [String: String]) throws(SettingsError) {
            url = try reader.value(SettingsCatalogue.queueURL)
            password = try QueuePasswordLoader.load(
                file: try reader.value(SettingsCatalogue.queuePasswordFile), environment: environment)
        }
    }
}

/// The PostgreSQL queue's password, and where it was read from. Its descriptions and reflection show
/// `<redacted>`; only `value` gives the password, for the connection and nothing else.
public struct QueuePassword: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The password itself. Never log it.
    public let value: String
    /// Where it came from, safe to log.
    public let source: String

    /// Wraps `value`, read from `source`.
    public init(_ value: String, source: String) {
        self.value = value
        self.source = source
    }

    /// Always `<redacted>`.
    public var description: String { "<redacted>" }
    /// Always `<redacted>`.
    public var debugDescription: String { "<redacted>" }
    /// Only the source and `<redacted>`.
    public var customMirror: Mirror { Mirror(self, children: ["value": "<redacted>", "source": source], displayStyle: .struct) }
}
