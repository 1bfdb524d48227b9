import Configuration
import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The YAML config file: which one is read, and its settings as a source.
///
/// The file holds flat `setting: value` lines, keyed like `SettingsCatalogue`; a key that is not a
/// setting (a typo, a nested key, `api_key`, `config`) is refused with a hint, so nothing is silently ignored.
enum SettingsConfigFile {
    /// The absolute path of the config file to read, or nil: the one named by `reader` (flags and
    /// environment, scoped to nothing yet) must exist, the default one is read only when present.
    /// - Throws: `SettingsError` for an empty or malformed `config` value.
    static func path(reader: SettingsReader, defaultConfigFile: String?) throws(SettingsError) -> String? {
        if let explicit = try reader.scoped(to: .configFile).value(SettingsCatalogue.config) {
            return explicit
        }
        guard let defaultConfigFile else { return nil }
        var info = stat()
        if stat(defaultConfigFile, &info) != 0 && errno == ENOENT { return nil }
        return SettingsLoader.absolutePath(defaultConfigFile)
    }

    /// The settings of the YAML config file at `path` (nil when it holds none: only comments or blank lines),
    /// and its profiles and top-level `video_agent:` / `translate:` maps.
    /// - Throws: `SettingsError` when it cannot be read or parsed, or holds a key that is not a setting.
    static func source(path: String) async throws(SettingsError) -> (SettingSource?, ConfigFileProfiles) {
        let bytes: [UInt8]
        switch SettingsLoader.readFile(path) {
        case .success(let data): bytes = data
        case .failure(let reason): throw .configUnreadable(path: path, reason: reason.message)
        }
        let text = String(decoding: bytes, as: UTF8.self)
        let meaningful = text.split(whereSeparator: \.isNewline).contains { line in
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            return !trimmed.isEmpty && !trimmed.hasPrefix("#") && trimmed != "---" && trimmed != "..."
        }
        guard meaningful else { return (nil, ConfigFileProfiles()) }

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
        let keys = collector.all
        for key in keys.sorted() where SettingsCatalogue.byKey[key]?.inConfigFile != true && !ConfigFileProfiles.claims(key) {
            throw .unknownConfigKey(path: path, key: key, hint: hint(forUnknownKey: key))
        }
        let profiles = try ConfigFileProfiles.read(
            keys: keys.filter(ConfigFileProfiles.claims), provider: provider, path: path)
        return (SettingSource(provider: provider, kind: .configFile(path)), profiles)
    }

    /// Why `key` is not a setting of the config file, and what to write instead.
    private static func hint(forUnknownKey key: String) -> String? {
        switch key {
        case SettingsCatalogue.config.spec.key:
            return "a config file cannot name another; use --config or HEYGEN_DROPD_CONFIG"
        case "api_key": return "put the key in a file and set api_key_file"
        default:
            let snake = key.replacingOccurrences(of: "-", with: "_").lowercased()
            if snake != key, SettingsCatalogue.byKey[snake] != nil { return "did you mean \(snake)?" }
            let known = SettingsCatalogue.all.filter(\.inConfigFile).map(\.key).joined(separator: ", ")
            return "known settings are \(known)"
        }
    }

    /// Collects every key the YAML parser saw (through its secrets hook, which is asked about each one).
    private final class KeyCollector: Sendable {
        private let keys = Mutex<[String]>([])
        func add(_ key: String) { keys.withLock { $0.append(key) } }
        var all: [String] { keys.withLock { $0 } }
    }
}
