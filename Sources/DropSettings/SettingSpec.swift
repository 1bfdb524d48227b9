/// Where a setting applies.
public enum SettingLevel: String, Sendable, CaseIterable {
    /// One value for the whole daemon.
    case daemon
    /// A value a profile of drops may set for its own jobs (a key of each entry of `profiles:`); given at the
    /// top level, it is the default of every profile.
    case profile
}

/// The group a setting belongs to: the `Settings` struct that holds it and the scope its
/// `ConfigReader` reads it under (the config file, flags and environment stay flat).
public enum SettingGroup: String, Sendable, CaseIterable {
    /// `Settings.Folders`: inbox, outbox, archive, failed, state dir.
    case folders
    /// `Settings.API`: base URL and the key file.
    case api
    /// `Settings.Retries`: attempts, backoff, the longest `Retry-After` slept in a worker.
    case retries
    /// `Settings.Video`: concurrency, timeout, polling.
    case video
    /// `Settings.Intake`: the settle window, orphan sidecars, bundle size, file size, the direct upload threshold.
    case intake
    /// `Settings.Work`: workers, leases, shutdown grace.
    case work
    /// `Settings.Retention`: asset reuse and progress records.
    case retention
    /// `Settings.Log`: format and level.
    case log
    /// `Settings.Spend`: the spend guard (`max_videos_per_day`, `spend_window_hours`).
    case spend
    /// `Settings.Operations`: the HTTP endpoint, the free disk `check` wants.
    case operations
    /// `Settings.Queue`: where the queue lives (SQLite in the state dir, or a shared PostgreSQL).
    case queue
    /// `Settings.Outputs`: what HeyGen made that is downloaded into the outbox, and how large it may be.
    case outputs
    /// The config file itself (`config`): chosen by flag or environment, never by a config file.
    case configFile = "config_file"
}

/// One setting's names, default and documentation: an entry of `SettingsCatalogue`.
public struct SettingSpec: Sendable, Hashable, CustomStringConvertible {
    /// The config file key, snake_case (`max_attempts`).
    public let key: String
    /// The group (and `ConfigReader` scope) it belongs to.
    public let group: SettingGroup
    /// The environment variable (`HEYGEN_DROPD_MAX_ATTEMPTS`).
    public let environment: String
    /// What its value is called in `--help` (`n`, `ms`, `dir`).
    public let valueName: String
    /// One short sentence for `--help`, without the default.
    public let help: String
    /// The default as it is written in the config file (`10`, `/var/lib/heygen-dropd`), or nil when
    /// there is none (`api_key_file`, `config`).
    public let defaultText: String?
    /// Where the setting applies.
    public let level: SettingLevel

    /// The flag name without dashes: the key in kebab-case (`max-attempts`).
    public var flagName: String { key.replacingOccurrences(of: "_", with: "-") }
    /// The command-line flag (`--max-attempts`).
    public var flag: String { "--" + flagName }
    /// Whether a config file may set it: every setting but `config`.
    public var inConfigFile: Bool { group != .configFile }
    /// The `--help` line: the sentence, with the default when there is one.
    public var helpLine: String {
        guard let defaultText else { return help }
        let sentence = help.hasSuffix(".") ? String(help.dropLast()) : help
        return "\(sentence) (default \(defaultText))."
    }
    /// The config key.
    public var description: String { key }
}

/// A setting with the type of its value: its spec, its parser and its default.
public struct Setting<Value: Sendable>: Sendable {
    /// Names, default text, help and level.
    public let spec: SettingSpec
    /// The value when no source sets it.
    public let defaultValue: Value
    /// Reads a value from text; throws a `SettingsError` naming the key and where the text came from.
    let parser: SettingParser<Value>

    /// A setting of `group` read by `parser`, defaulting to `defaultValue` (written in the docs as
    /// `parser.format(defaultValue)`). The environment variable is `HEYGEN_DROPD_` and the key in
    /// capitals unless `environment` names another.
    init(
        _ key: String,
        _ group: SettingGroup,
        parser: SettingParser<Value>,
        default defaultValue: Value,
        valueName: String,
        help: String,
        environment: String? = nil,
        level: SettingLevel = .daemon
    ) {
        self.spec = SettingSpec(
            key: key, group: group, environment: environment ?? "HEYGEN_DROPD_" + key.uppercased(),
            valueName: valueName, help: help, defaultText: parser.format(defaultValue), level: level)
        self.defaultValue = defaultValue
        self.parser = parser
    }
}

extension Setting {
    /// A setting without a default whose value, when given, `parser` reads (nil when no source sets it).
    init<Wrapped: Sendable>(
        _ key: String, _ group: SettingGroup, optional parser: SettingParser<Wrapped>, valueName: String, help: String,
        level: SettingLevel = .daemon
    ) where Value == Wrapped? {
        self.spec = SettingSpec(
            key: key, group: group, environment: "HEYGEN_DROPD_" + key.uppercased(),
            valueName: valueName, help: help, defaultText: nil, level: level)
        self.defaultValue = nil
        self.parser = SettingParser<Wrapped?>(
            parse: { found throws(SettingsError) in try parser.parse(found) },
            format: { $0.map(parser.format) ?? "" })
    }
}

extension Setting where Value == String? {
    /// A setting without a default (a file named only when wanted).
    init(_ key: String, _ group: SettingGroup, parser: SettingParser<String>, valueName: String, help: String) {
        self.spec = SettingSpec(
            key: key, group: group, environment: "HEYGEN_DROPD_" + key.uppercased(),
            valueName: valueName, help: help, defaultText: nil, level: .daemon)
        self.defaultValue = nil
        self.parser = SettingParser<String?>(parse: { found throws(SettingsError) in try parser.parse(found) },
                                             format: { $0 ?? "" })
    }
}
