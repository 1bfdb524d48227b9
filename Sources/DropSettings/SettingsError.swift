/// Why the settings cannot be used: a bad value, an unreadable or malformed config or key file,
/// or (for `run`) folders that cannot be used and a missing API key.
///
/// `description` is one line naming the setting and where its value came from (a flag, an
/// environment variable or the config file). It never contains the API key.
public struct SettingsError: Error, CustomStringConvertible, Sendable, Equatable {
    private enum Code: Sendable, Equatable {
        case invalidValue(key: String, value: String, origin: String, requirement: String)
        case unknownLogLevel(value: String, origin: String)
        case unknownLogFormat(value: String, origin: String)
        case configUnreadable(path: String, reason: String)
        case configUnparseable(path: String, reason: String)
        case unknownConfigKey(path: String, key: String, hint: String?)
        case apiKeyFileUnreadable(path: String, reason: String)
        case apiKeyUnusable(source: String, problem: String)
        case queuePasswordUnreadable(path: String, reason: String)
        case queuePasswordUnusable(source: String, problem: String)
        case noAPIKey
        case folderNotDirectory(role: String, path: String)
        case folderUncreatable(role: String, path: String, reason: String)
        case folderUnwritable(role: String, path: String, reason: String)
        case foldersOverlap(detail: String)
        case profile(name: String?, key: String?, problem: String)
    }

    private let code: Code

    private init(_ code: Code) { self.code = code }

    /// The config key of the setting at fault (`workers`, `log_level`, `inbox`, `api_key_file`,
    /// ...), when the error is about one setting.
    public var setting: String? {
        switch code {
        case .invalidValue(let key, _, _, _): key
        case .unknownLogLevel: "log_level"
        case .unknownLogFormat: "log_format"
        case .configUnreadable, .configUnparseable: "config"
        case .unknownConfigKey(_, let key, _): key
        case .apiKeyFileUnreadable: "api_key_file"
        case .apiKeyUnusable, .noAPIKey: "api_key"
        case .queuePasswordUnreadable, .queuePasswordUnusable: "queue_password_file"
        case .folderNotDirectory(let role, _), .folderUncreatable(let role, _, _),
            .folderUnwritable(let role, _, _):
            Self.configKey(ofFolder: role)
        case .foldersOverlap: nil
        case .profile(_, let key, _): key
        }
    }

    /// One line, e.g. `invalid setting workers=0 (from --workers): must be a whole number ≥ 1`.
    public var description: String {
        switch code {
        case .invalidValue(let key, let value, let origin, let requirement):
            "invalid setting \(key)=\(Self.oneLine(value)) (from \(origin)): \(requirement)"
        case .unknownLogLevel(let value, let origin):
            "unknown log level \"\(Self.oneLine(value))\" (from \(origin)): use trace, debug, info, notice, warning or error"
        case .unknownLogFormat(let value, let origin):
            "unknown log format \"\(Self.oneLine(value))\" (from \(origin)): use text or json"
        case .configUnreadable(let path, let reason):
            "cannot read config file \(path): \(Self.oneLine(reason))"
        case .configUnparseable(let path, let reason):
            "cannot parse config file \(path): \(Self.oneLine(reason))"
        case .unknownConfigKey(let path, let key, let hint):
            "unknown setting \"\(Self.oneLine(key))\" in config file \(path)" + (hint.map { ": \($0)" } ?? "")
        case .apiKeyFileUnreadable(let path, let reason):
            "cannot read API key file \(path): \(Self.oneLine(reason))"
        case .apiKeyUnusable(let source, let problem):
            "unusable API key from \(source): \(problem)"
        case .queuePasswordUnreadable(let path, let reason):
            "cannot read queue password file \(path): \(Self.oneLine(reason))"
        case .queuePasswordUnusable(let source, let problem):
            "unusable queue password from \(source): \(problem)"
        case .noAPIKey:
            "no API key: set HEYGEN_API_KEY, --api-key-file, or the systemd credential heygen-api-key"
        case .folderNotDirectory(let role, let path):
            "\(role) \(path) is not a directory"
        case .folderUncreatable(let role, let path, let reason):
            "cannot create \(role) \(path): \(Self.oneLine(reason))"
        case .folderUnwritable(let role, let path, let reason):
            "cannot write to \(role) \(path): \(Self.oneLine(reason))"
        case .foldersOverlap(let detail):
            "folders overlap: \(detail)"
        case .profile(let name, _, let problem):
            name.map { "profile \(Self.oneLine($0)): \(Self.oneLine(problem))" } ?? "profiles: \(Self.oneLine(problem))"
        }
    }

    static func invalidValue(key: String, value: String, origin: String, requirement: String) -> Self {
        .init(.invalidValue(key: key, value: value, origin: origin, requirement: requirement))
    }
    static func unknownLogLevel(_ value: String, origin: String) -> Self {
        .init(.unknownLogLevel(value: value, origin: origin))
    }
    static func unknownLogFormat(_ value: String, origin: String) -> Self {
        .init(.unknownLogFormat(value: value, origin: origin))
    }
    static func configUnreadable(path: String, reason: String) -> Self {
        .init(.configUnreadable(path: path, reason: reason))
    }
    static func configUnparseable(path: String, reason: String) -> Self {
        .init(.configUnparseable(path: path, reason: reason))
    }
    static func unknownConfigKey(path: String, key: String, hint: String? = nil) -> Self {
        .init(.unknownConfigKey(path: path, key: key, hint: hint))
    }
    static func apiKeyFileUnreadable(path: String, reason: String) -> Self {
        .init(.apiKeyFileUnreadable(path: path, reason: reason))
    }
    static func queuePasswordUnreadable(path: String, reason: String) -> Self {
        .init(.queuePasswordUnreadable(path: path, reason: reason))
    }
    static func queuePasswordUnusable(source: String, problem: String) -> Self {
        .init(.queuePasswordUnusable(source: source, problem: problem))
    }
    static func apiKeyUnusable(source: String, problem: String) -> Self {
        .init(.apiKeyUnusable(source: source, problem: problem))
    }
    static var noAPIKey: Self { .init(.noAPIKey) }
    static func folderNotDirectory(role: String, path: String) -> Self {
        .init(.folderNotDirectory(role: role, path: path))
    }
    static func folderUncreatable(role: String, path: String, reason: String) -> Self {
        .init(.folderUncreatable(role: role, path: path, reason: reason))
    }
    static func folderUnwritable(role: String, path: String, reason: String) -> Self {
        .init(.folderUnwritable(role: role, path: path, reason: reason))
    }
    static func foldersOverlap(_ detail: String) -> Self {
        .init(.foldersOverlap(detail: detail))
    }

    /// A problem with the profile `name` (or with `profiles:` itself when nil), in one line.
    static func profile(_ name: String?, key: String? = nil, _ problem: String) -> Self {
        .init(.profile(name: name, key: key, problem: problem))
    }

    private static func configKey(ofFolder role: String) -> String {
        role == "state dir" ? "state_dir" : role
    }

    /// `text` with line breaks and other control characters escaped, so a message stays on one line.
    static func oneLine(_ text: String) -> String {
        var result = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F:
                result += "\\u{\(String(scalar.value, radix: 16))}"
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }
}
