import Configuration
import Synchronization

/// A setting's text as found, with where it came from.
struct Found: Sendable, Equatable {
    /// The config key (`workers`).
    var key: String
    /// The text, as given.
    var value: String
    /// A human label of the source: `--workers`, `HEYGEN_DROPD_WORKERS`,
    /// `config file /etc/heygen-dropd/config.yaml`.
    var origin: String
    /// The kind of source.
    var source: SettingSource.Kind
}

/// One source of settings: a provider keyed by flat config key (`workers`), and how it is named in errors.
struct SettingSource: Sendable {
    /// Flags, environment or config file, highest precedence first.
    enum Kind: Sendable, Equatable {
        /// A command-line flag.
        case flag
        /// An environment variable.
        case environment
        /// The config file at this absolute path.
        case configFile(String)
    }

    /// The provider, asked for flat keys (`[workers]`).
    let provider: any ConfigProvider
    /// Which source it is.
    let kind: Kind

    /// The label of `spec`'s value from this source: its flag, its environment variable or the file.
    func origin(of spec: SettingSpec) -> String {
        switch kind {
        case .flag: spec.flag
        case .environment: spec.environment
        case .configFile(let path): "config file \(path)"
        }
    }

    /// The command-line values, keyed by config key.
    static func flags(_ values: [String: String]) -> Self {
        let provider = InMemoryProvider(
            name: "flags",
            values: Dictionary(
                uniqueKeysWithValues: values.map { key, value in
                    (AbsoluteConfigKey([key]), ConfigValue(.string(value), isSecret: false))
                }
            )
        )
        return Self(provider: provider, kind: .flag)
    }

    /// The environment (empty variables already removed): each key is read from its setting's variable.
    static func environment(_ environment: [String: String]) -> Self {
        let provider = EnvironmentVariablesProvider(
            environmentVariables: environment,
            secretsSpecifier: .specific([SettingsCatalogue.apiKeyEnvironment])
        ).mapKeys { key in
            let name = key.components.count == 1 ? SettingsCatalogue.byKey[key.components[0]]?.environment : nil
            return AbsoluteConfigKey([name ?? "HEYGEN_DROPD_UNKNOWN_SETTING"])
        }
        return Self(provider: provider, kind: .environment)
    }
}

/// Reads settings through one `ConfigReader` over the sources in precedence order, scoped to a
/// setting group the way `HTTPClient.Configuration(configReader:)` scopes its parts: a group's reader
/// reads `folders.inbox`, which every source answers with its flat `inbox`.
///
/// An access reporter records which source answered each key, so a bad value's error names its
/// flag, variable or file, and a list or mapping where one value belongs is refused rather than ignored.
struct SettingsReader: Sendable {
    private let config: ConfigReader
    private let sources: [SettingSource]
    private let answers: Answers
    private let group: SettingGroup?

    /// A reader over `sources`, highest precedence first (at least one).
    init(sources: [SettingSource]) {
        let answers = Answers()
        self.init(
            config: ConfigReader(
                providers: sources.map { source in Self.flattened(source.provider) },
                accessReporter: answers),
            sources: sources, answers: answers, group: nil)
    }

    private init(config: ConfigReader, sources: [SettingSource], answers: Answers, group: SettingGroup?) {
        self.config = config
        self.sources = sources
        self.answers = answers
        self.group = group
    }

    /// A reader of the settings of `group` only.
    func scoped(to group: SettingGroup) -> SettingsReader {
        precondition(self.group == nil, "settings groups do not nest")
        return SettingsReader(
            config: config.scoped(to: ConfigKey([group.rawValue])), sources: sources, answers: answers, group: group)
    }

    /// `setting`'s value from the highest-precedence source that sets it, else its default.
    /// - Throws: `SettingsError` for a value its parser refuses, or a list or mapping.
    func value<Value>(_ setting: Setting<Value>) throws(SettingsError) -> Value {
        guard let found = try found(setting.spec) else { return setting.defaultValue }
        return try setting.parser.parse(found)
    }

    /// The text of `spec` from the highest-precedence source that sets it, or nil when none does
    /// (empty values count as given, and are refused by the parsers).
    func found(_ spec: SettingSpec) throws(SettingsError) -> Found? {
        precondition(group == spec.group, "\(spec.key) is read outside its group \(spec.group)")
        let value = config.string(forKey: ConfigKey([spec.key]))
        let results = answers.results(for: [spec.group.rawValue, spec.key])
        for (index, result) in results.enumerated() where index < sources.count {
            let origin = sources[index].origin(of: spec)
            switch result.result {
            case .failure:
                throw .invalidValue(
                    key: spec.key, value: "…", origin: origin,
                    requirement: "must be a single value, not a list or a mapping")
            case .success(let lookup):
                if lookup.value != nil, let value {
                    return Found(key: spec.key, value: value, origin: origin, source: sources[index].kind)
                }
            }
        }
        return nil
    }

    /// `provider` asked for `[group, key]` as it knows it: `[key]`.
    private static func flattened(_ provider: some ConfigProvider) -> any ConfigProvider {
        provider.mapKeys { key in flatKey(key) }
    }

    /// `[group, key]` as every source knows it: `[key]`, when `key` is a setting of `group`.
    private static func flatKey(_ key: AbsoluteConfigKey) -> AbsoluteConfigKey {
        guard key.components.count == 2, let spec = SettingsCatalogue.byKey[key.components[1]],
            spec.group.rawValue == key.components[0]
        else { return AbsoluteConfigKey(["-not-a-setting-"]) }
        return AbsoluteConfigKey([spec.key])
    }

    /// What each provider answered for each key, from the reader's access events.
    private final class Answers: AccessReporter, Sendable {
        private let byKey = Mutex<[[String]: [AccessEvent.ProviderResult]]>([:])

        func report(_ event: AccessEvent) {
            byKey.withLock { $0[event.metadata.key.components] = event.providerResults }
        }

        func results(for components: [String]) -> [AccessEvent.ProviderResult] {
            byKey.withLock { $0[components] ?? [] }
        }
    }
}
