import Configuration
import Foundation
import Logging
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads the settings from the command line, the environment and the config file, in that order of
/// precedence, over the built-in defaults, and validates them.
///
/// Config keys, flags and environment variables:
///
/// | key | flag | environment |
/// |---|---|---|
/// | `inbox`, `outbox`, `archive`, `failed` | `--inbox` ... | `HEYGEN_DROPD_INBOX` ... |
/// | `state_dir` | `--state-dir` | `HEYGEN_DROPD_STATE_DIR` |
/// | `api_base_url` | `--api-base-url` | `HEYGEN_API_BASE_URL` |
/// | `api_key_file` | `--api-key-file` | `HEYGEN_DROPD_API_KEY_FILE` |
/// | `workers`, `max_attempts`, `settle_ms`, `log_format`, `log_level` | `--workers` ... | `HEYGEN_DROPD_WORKERS` ... |
/// | `video_concurrency`, `video_timeout_minutes`, `orphan_sidecar_timeout_minutes`, `asset_reuse_hours`, `shutdown_grace_seconds` | `--video-concurrency` ... | `HEYGEN_DROPD_VIDEO_CONCURRENCY` ... |
/// | `max_retry_after_seconds` | `--max-retry-after-seconds` | `HEYGEN_DROPD_MAX_RETRY_AFTER_SECONDS` |
/// | `max_bundle_files`, `progress_retention_days`, `lease_seconds` | `--max-bundle-files` ... | `HEYGEN_DROPD_MAX_BUNDLE_FILES` ... |
/// | `config` (flags and environment only) | `--config` | `HEYGEN_DROPD_CONFIG` |
///
/// The API key is read from the `api_key_file` (from any source), else `HEYGEN_API_KEY`, else
/// `$CREDENTIALS_DIRECTORY/heygen-api-key` (systemd `LoadCredential=`); surrounding whitespace is
/// trimmed. No key is not an error here (`status` and `jobs` need none); `FolderCheck` refuses it for `run`.
/// Empty environment variables count as unset.
public enum SettingsLoader {
    /// Loads the settings. `flags` holds the command-line values by config key (e.g.
    /// `["inbox": "/x", "workers": "2", "config": "/c.yaml", "api_key_file": "/k"]`, see
    /// `SettingsOptions.flagValues()`); `environment` is the process environment (passed in, never read
    /// here). The config file is `flags["config"]`, else `HEYGEN_DROPD_CONFIG`, else
    /// `/etc/heygen-dropd/config.yaml` when present.
    /// - Throws: `SettingsError` (one line naming the setting and its source) for a bad value, a config file
    ///   given but missing, unreadable or malformed, an unknown key in the config file, or an unreadable key file.
    public static func load(flags: [String: String], environment: [String: String]) async throws -> Settings {
        try await load(flags: flags, environment: environment, defaultConfigFile: Settings.Defaults.configFile)
    }

    /// Like `load(flags:environment:)`, with another default config file (read only when present;
    /// nil for none). For tests and the demo.
    public static func load(
        flags: [String: String],
        environment: [String: String],
        defaultConfigFile: String?
    ) async throws -> Settings {
        for key in flags.keys {
            assert(SettingName.byKey[key] != nil, "unknown flag key \(key)")
        }
        let environment = environment.filter { !$0.value.isEmpty }
        let flagsProvider = InMemoryProvider(
            name: "flags",
            values: Dictionary(
                uniqueKeysWithValues: flags.map { key, value in
                    (AbsoluteConfigKey([key]), ConfigValue(.string(value), isSecret: false))
                }
            )
        )
        let environmentProvider = EnvironmentVariablesProvider(
            environmentVariables: environment,
            secretsSpecifier: .specific([SettingName.apiKeyEnvironment])
        ).mapKeys { key in
            AbsoluteConfigKey([SettingName.environmentName(forKey: key.components.joined(separator: "."))])
        }

        var sources = Sources()
        sources.append(flagsProvider) { key in SettingName.byKey[key]?.flag ?? key }
        sources.append(environmentProvider) { key in SettingName.byKey[key]?.environment ?? key }

        let configFile = try configFileToRead(sources: sources, defaultConfigFile: defaultConfigFile)
        if let configFile {
            if let fileProvider = try await Self.fileProvider(path: configFile) {
                sources.append(fileProvider) { _ in "config file \(configFile)" }
            }
        }

        var settings = Settings()
        settings.configFile = configFile
        if let value = try sources.lookup("inbox") { settings.inbox = try path(value, key: "inbox") }
        if let value = try sources.lookup("outbox") { settings.outbox = try path(value, key: "outbox") }
        if let value = try sources.lookup("archive") { settings.archive = try path(value, key: "archive") }
        if let value = try sources.lookup("failed") { settings.failed = try path(value, key: "failed") }
        if let value = try sources.lookup("state_dir") { settings.stateDir = try path(value, key: "state_dir") }
        if let value = try sources.lookup("api_base_url") { settings.apiBaseURL = try baseURL(value) }
        if let value = try sources.lookup("workers") { settings.workers = try integer(value, key: "workers", in: 1...) }
        if let value = try sources.lookup("max_attempts") {
            settings.maxAttempts = try integer(value, key: "max_attempts", in: 1...)
        }
        if let value = try sources.lookup("settle_ms") {
            settings.settle = .milliseconds(try integer(value, key: "settle_ms", in: 0...3_600_000))
        }
        if let value = try sources.lookup("log_format") { settings.logFormat = try logFormat(value) }
        if let value = try sources.lookup("log_level") { settings.logLevel = try logLevel(value) }
        if let value = try sources.lookup("video_concurrency") {
            settings.videoConcurrency = try integer(value, key: "video_concurrency", in: 1...)
        }
        if let value = try sources.lookup("video_timeout_minutes") {
            settings.videoTimeout = .seconds(60 * (try minutes(value, key: "video_timeout_minutes")))
        }
        if let value = try sources.lookup("orphan_sidecar_timeout_minutes") {
            settings.orphanSidecarTimeout = .seconds(60 * (try minutes(value, key: "orphan_sidecar_timeout_minutes")))
        }
        if let value = try sources.lookup("video_poll_initial_ms") {
            settings.videoPollInitial = .milliseconds(try integer(value, key: "video_poll_initial_ms", in: 1...3_600_000))
        }
        if let value = try sources.lookup("video_poll_max_ms") {
            settings.videoPollMax = .milliseconds(try integer(value, key: "video_poll_max_ms", in: 1...3_600_000))
        }
        if let value = try sources.lookup("retry_base_delay_ms") {
            settings.retryBaseDelay = .milliseconds(try integer(value, key: "retry_base_delay_ms", in: 1...600_000))
        }
        if let value = try sources.lookup("max_retry_after_seconds") {
            settings.maxRetryAfter = .seconds(try integer(value, key: "max_retry_after_seconds", in: 0...86_400))
        }
        if let value = try sources.lookup("asset_reuse_hours") {
            settings.reuseWindow = .seconds(3600 * (try integer(value, key: "asset_reuse_hours", in: 0...87_600)))
        }
        if let value = try sources.lookup("shutdown_grace_seconds") {
            settings.shutdownGrace = .seconds(try integer(value, key: "shutdown_grace_seconds", in: 0...86_400))
        }
        if let value = try sources.lookup("max_bundle_files") {
            settings.maxBundleFiles = try integer(value, key: "max_bundle_files", in: 1...1_000_000)
        }
        if let value = try sources.lookup("progress_retention_days") {
            settings.progressRetention = .seconds(86_400 * (try integer(value, key: "progress_retention_days", in: 1...36_500)))
        }
        if let value = try sources.lookup("lease_seconds") {
            settings.lease = .seconds(try integer(value, key: "lease_seconds", in: 1...3600))
        }
        settings.apiKey = try apiKey(sources: sources, environment: environment, environmentProvider: environmentProvider)
        return settings
    }

    // MARK: - Sources

    /// A value as found, with a human label of where it came from (`--workers`, `HEYGEN_DROPD_WORKERS`,
    /// `config file /etc/heygen-dropd/config.yaml`).
    struct Found {
        var key: String
        var value: String
        var origin: String
    }

    /// The providers in precedence order, read through one `ConfigReader`; a reporter tells which
    /// provider answered, so errors can name the source.
    struct Sources {
        private var providers: [any ConfigProvider] = []
        private var origins: [@Sendable (String) -> String] = []

        mutating func append(_ provider: some ConfigProvider, origin: @escaping @Sendable (String) -> String) {
            providers.append(provider)
            origins.append(origin)
        }

        /// The highest-precedence value of `key`, or nil when no source sets it (empty values count
        /// as given, and are refused by the parsers).
        func lookup(_ key: String) throws(SettingsError) -> Found? {
            let reporter = LastAccess()
            let reader = ConfigReader(providers: providers, accessReporter: reporter)
            let value = reader.string(forKey: ConfigKey([key]))
            let results = reporter.event?.providerResults ?? []
            for (index, result) in results.enumerated() where index < origins.count {
                switch result.result {
                case .failure:
                    throw .invalidValue(
                        key: key, value: "…", origin: origins[index](key),
                        requirement: "must be a single value, not a list or a mapping")
                case .success(let lookup):
                    if lookup.value != nil, let value {
                        return Found(key: key, value: value, origin: origins[index](key))
                    }
                }
            }
            return nil
        }
    }

    /// Keeps the last access event of a `ConfigReader`.
    private final class LastAccess: AccessReporter, Sendable {
        private let last = Mutex<AccessEvent?>(nil)
        func report(_ event: AccessEvent) { last.withLock { $0 = event } }
        var event: AccessEvent? { last.withLock { $0 } }
    }

    /// Collects every key the YAML parser saw (through its secrets hook, which is asked about each one).
    private final class KeyCollector: Sendable {
        private let keys = Mutex<[String]>([])
        func add(_ key: String) { keys.withLock { $0.append(key) } }
        var all: [String] { keys.withLock { $0 } }
    }

    // MARK: - Config file

    /// The absolute path of the config file to read, or nil: an explicit one must exist,
    /// the default one is read only when present.
    private static func configFileToRead(
        sources: Sources,
        defaultConfigFile: String?
    ) throws(SettingsError) -> String? {
        if let explicit = try sources.lookup("config") {
            guard !explicit.value.isEmpty else {
                throw .invalidValue(
                    key: "config", value: "", origin: explicit.origin, requirement: "must not be empty")
            }
            return absolutePath(explicit.value)
        }
        guard let defaultConfigFile else { return nil }
        var info = stat()
        if stat(defaultConfigFile, &info) != 0 && errno == ENOENT { return nil }
        return absolutePath(defaultConfigFile)
    }

    /// A provider for the YAML config file at `path`, or nil when the file holds no settings
    /// (only comments or blank lines). Rejects keys that are not settings.
    private static func fileProvider(path: String) async throws(SettingsError) -> FileProvider<YAMLSnapshot>? {
        let bytes: [UInt8]
        switch readFile(path) {
        case .success(let data): bytes = data
        case .failure(let reason): throw .configUnreadable(path: path, reason: reason.message)
        }
        let text = String(decoding: bytes, as: UTF8.self)
        let meaningful = text.split(whereSeparator: \.isNewline).contains { line in
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            return !trimmed.isEmpty && !trimmed.hasPrefix("#") && trimmed != "---" && trimmed != "..."
        }
        guard meaningful else { return nil }

        let collector = KeyCollector()
        let options = YAMLSnapshot.ParsingOptions(
            secretsSpecifier: .dynamic { key, _ in
                collector.add(key)
                return false
            }
        )
        let location = ConfigReader(
            provider: InMemoryProvider(values: ["filePath": .init(.string(path), isSecret: false)])
        )
        let provider: FileProvider<YAMLSnapshot>
        do {
            provider = try await FileProvider(parsingOptions: options, config: location)
        } catch {
            let message = "\(error)"
            if message.hasPrefix("Top level YAML value is not a mapping") {
                throw .configUnparseable(path: path, reason: "expected lines of the form \"setting: value\"")
            }
            var firstLine = message.split(whereSeparator: \.isNewline).first.map(String.init) ?? message
            while firstLine.hasSuffix(":") || firstLine.hasSuffix(" ") { firstLine.removeLast() }
            throw .configUnparseable(path: path, reason: firstLine)
        }
        for key in collector.all.sorted() where SettingName.byKey[key] == nil || key == "config" {
            throw .unknownConfigKey(path: path, key: key, hint: hint(forUnknownKey: key))
        }
        return provider
    }

    private static func hint(forUnknownKey key: String) -> String? {
        switch key {
        case "config": return "a config file cannot name another; use --config or HEYGEN_DROPD_CONFIG"
        case "api_key": return "put the key in a file and set api_key_file"
        default:
            let snake = key.replacingOccurrences(of: "-", with: "_").lowercased()
            if snake != key, SettingName.byKey[snake] != nil { return "did you mean \(snake)?" }
            let known = SettingName.all.map(\.key).filter { $0 != "config" }.joined(separator: ", ")
            return "known settings are \(known)"
        }
    }

    // MARK: - API key

    private static func apiKey(
        sources: Sources,
        environment: [String: String],
        environmentProvider: some ConfigProvider
    ) throws(SettingsError) -> APIKey? {
        let reader = ConfigReader(provider: environmentProvider)
        let environmentKey = reader.string(forKey: ConfigKey(["api_key"]), isSecret: true)
        // Flags and environment outrank the config file: a key file named only in the config file
        // gives way to HEYGEN_API_KEY.
        if let file = try sources.lookup("api_key_file"), !(file.origin.hasPrefix("config file") && environmentKey != nil) {
            guard !file.value.isEmpty else {
                throw .invalidValue(key: "api_key_file", value: "", origin: file.origin, requirement: "must not be empty")
            }
            let path = absolutePath(file.value)
            switch readFile(path) {
            case .success(let bytes):
                return try validatedKey(bytes, source: "file \(path) (from \(file.origin))")
            case .failure(let reason):
                throw .apiKeyFileUnreadable(path: path, reason: reason.message)
            }
        }
        if let value = environmentKey {
            return try validatedKey(Array(value.utf8), source: SettingName.apiKeyEnvironment)
        }
        if let directory = environment["CREDENTIALS_DIRECTORY"] {
            let path = directory.hasSuffix("/") ? directory + "heygen-api-key" : directory + "/heygen-api-key"
            switch readFile(path) {
            case .success(let bytes):
                return try validatedKey(bytes, source: "systemd credential heygen-api-key")
            case .failure(let reason) where reason.number == ENOENT:
                return nil
            case .failure(let reason):
                throw .apiKeyFileUnreadable(path: path, reason: reason.message)
            }
        }
        return nil
    }

    /// The key with surrounding whitespace removed; it must be non-empty visible ASCII (it goes into an HTTP header).
    private static func validatedKey(_ bytes: [UInt8], source: String) throws(SettingsError) -> APIKey {
        let isSpace: (UInt8) -> Bool = { $0 == 0x20 || (0x09...0x0D).contains($0) }
        guard let first = bytes.firstIndex(where: { !isSpace($0) }),
            let last = bytes.lastIndex(where: { !isSpace($0) })
        else {
            throw .apiKeyUnusable(source: source, problem: "it is empty")
        }
        let trimmed = bytes[first...last]
        guard trimmed.allSatisfy({ (0x21...0x7E).contains($0) }) else {
            throw .apiKeyUnusable(source: source, problem: "it contains spaces, control or non-ASCII characters")
        }
        return APIKey(String(decoding: trimmed, as: UTF8.self), source: source)
    }

    // MARK: - Values

    private static func path(_ found: Found, key: String) throws(SettingsError) -> String {
        guard !found.value.isEmpty else {
            throw .invalidValue(key: key, value: "", origin: found.origin, requirement: "must not be empty")
        }
        guard !found.value.hasPrefix("~") else {
            throw .invalidValue(
                key: key, value: found.value, origin: found.origin,
                requirement: "~ is not expanded; give an absolute path")
        }
        return absolutePath(found.value)
    }

    private static func baseURL(_ found: Found) throws(SettingsError) -> String {
        var text = found.value.trimmingCharacters(in: .whitespaces)
        while text.hasSuffix("/") { text.removeLast() }
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(),
            scheme == "http" || scheme == "https", let host = url.host, !host.isEmpty,
            url.query == nil, url.fragment == nil
        else {
            throw .invalidValue(
                key: found.key, value: found.value, origin: found.origin,
                requirement: "must be an http:// or https:// URL, like https://api.heygen.com")
        }
        return text
    }

    private static func integer(_ found: Found, key: String, in range: PartialRangeFrom<Int>) throws(SettingsError) -> Int {
        guard let number = Int(found.value.trimmingCharacters(in: .whitespaces)), range.contains(number) else {
            throw .invalidValue(
                key: key, value: found.value, origin: found.origin,
                requirement: "must be a whole number ≥ \(range.lowerBound)")
        }
        return number
    }

    /// A positive number of minutes up to a week; fractions are allowed (`0.5` is thirty seconds).
    private static func minutes(_ found: Found, key: String) throws(SettingsError) -> Double {
        guard let number = Double(found.value.trimmingCharacters(in: .whitespaces)), number > 0, number <= 10_080 else {
            throw .invalidValue(
                key: key, value: found.value, origin: found.origin,
                requirement: "must be a number of minutes above 0 and at most 10080")
        }
        return number
    }

    private static func integer(_ found: Found, key: String, in range: ClosedRange<Int>) throws(SettingsError) -> Int {
        guard let number = Int(found.value.trimmingCharacters(in: .whitespaces)), range.contains(number) else {
            throw .invalidValue(
                key: key, value: found.value, origin: found.origin,
                requirement: "must be a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return number
    }

    private static func logFormat(_ found: Found) throws(SettingsError) -> LogFormat {
        guard let format = LogFormat(rawValue: found.value.trimmingCharacters(in: .whitespaces).lowercased()) else {
            throw .unknownLogFormat(found.value, origin: found.origin)
        }
        return format
    }

    private static func logLevel(_ found: Found) throws(SettingsError) -> Logger.Level {
        let name = found.value.trimmingCharacters(in: .whitespaces).lowercased()
        guard name != Logger.Level.critical.rawValue, let level = Logger.Level(rawValue: name) else {
            throw .unknownLogLevel(found.value, origin: found.origin)
        }
        return level
    }

    // MARK: - Files and paths

    /// `path` made absolute against the current directory, with `.` components, repeated and
    /// trailing slashes removed (`..` is kept: it is only meaningful once symlinks are resolved).
    static func absolutePath(_ path: String) -> String {
        let full = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        let components = full.split(separator: "/", omittingEmptySubsequences: true).filter { $0 != "." }
        return "/" + components.joined(separator: "/")
    }

    struct ReadFailure: Error {
        var number: Int32
        var message: String { String(cString: strerror(number)) }
    }

    /// The whole content of the file at `path`, or the errno of the failure.
    static func readFile(_ path: String) -> Result<[UInt8], ReadFailure> {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return .failure(ReadFailure(number: errno)) }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                return .failure(ReadFailure(number: errno))
            }
            if count == 0 { return .success(bytes) }
            bytes.append(contentsOf: buffer[0..<count])
            if bytes.count > 16 << 20 { return .failure(ReadFailure(number: EFBIG)) }
        }
    }
}

/// The names of one setting: its config key, flag and environment variable.
struct SettingName: Sendable {
    /// The config file key, snake_case.
    let key: String
    /// The environment variable.
    let environment: String
    /// The command-line flag, `--` and the key in kebab-case.
    var flag: String { "--" + key.replacingOccurrences(of: "_", with: "-") }

    /// The environment variable holding the API key itself.
    static let apiKeyEnvironment = "HEYGEN_API_KEY"

    /// Every setting, in the order of the documentation.
    static let all: [SettingName] = [
        "inbox", "outbox", "archive", "failed", "state_dir", "api_base_url", "api_key_file", "workers",
        "max_attempts", "settle_ms", "log_format", "log_level", "video_concurrency", "video_timeout_minutes",
        "orphan_sidecar_timeout_minutes", "asset_reuse_hours", "shutdown_grace_seconds", "video_poll_initial_ms",
        "video_poll_max_ms", "retry_base_delay_ms", "max_retry_after_seconds", "max_bundle_files",
        "progress_retention_days", "lease_seconds", "config",
    ].map { key in
        SettingName(key: key, environment: key == "api_base_url" ? "HEYGEN_API_BASE_URL" : "HEYGEN_DROPD_" + key.uppercased())
    }

    /// The environment variable read for config key `key`: `HEYGEN_API_KEY` for `api_key`, the setting's
    /// variable for a known key, and a name no one sets for anything else.
    static func environmentName(forKey key: String) -> String {
        if key == "api_key" { return apiKeyEnvironment }
        return byKey[key]?.environment ?? "HEYGEN_DROPD_UNKNOWN_SETTING"
    }

    static let byKey: [String: SettingName] = Dictionary(uniqueKeysWithValues: all.map { ($0.key, $0) })
}
