import Configuration
import HeyGenAPI

/// What the config file holds besides flat settings: `profiles:` (each a map of profile-level settings plus
/// `video_agent:` and `translate:` maps), and the top-level `video_agent:` and `translate:` maps, which are the
/// defaults of the profile `default`.
///
/// Every key is checked: a key a profile may not set, a profile name that is not a word, a `video_agent`
/// that is not a map, or a prompt template with an unknown placeholder is refused in one line.
struct ConfigFileProfiles: Sendable, Equatable {
    /// One `profiles:` entry as written.
    struct Entry: Sendable, Equatable {
        /// The profile's name.
        var name: String
        /// Its profile-level settings, by key, with where they came from.
        var values: [String: Found] = [:]
        /// Its `video_agent:` fields.
        var videoAgent: [String: JSONValue]?
        /// Its `translate:` fields.
        var translate: [String: JSONValue]?
    }

    /// The declared profiles, by name.
    var profiles: [String: Entry] = [:]
    /// The top-level `video_agent:` fields.
    var videoAgent: [String: JSONValue]?
    /// The top-level `translate:` fields.
    var translate: [String: JSONValue]?

    /// The maps of fields a profile (or the top level) may hold.
    static let maps = ["video_agent", "translate"]
    /// Video Agent fields that are always text, whatever they look like.
    static let textFields: Set<String> = [
        "prompt", "avatar_id", "voice_id", "style_id", "brand_kit_id", "orientation", "mode", "callback_url",
        "callback_id", "title", "input_language", "srt_role", "brand_glossary_id",
    ]

    /// Whether the config key `key` (dot-joined as the YAML reader reports it) belongs here rather than to the
    /// flat settings.
    static func claims(_ key: String) -> Bool {
        let first = key.split(separator: ".", maxSplits: 1).first.map(String.init) ?? key
        return first == "profiles" || maps.contains(first)
    }

    /// Reads the keys `claims` accepts from `provider` (the config file at `path`).
    /// - Throws: `SettingsError` naming the profile and key at fault.
    static func read(keys: [String], provider: some ConfigProvider, path: String) throws(SettingsError) -> Self {
        var result = ConfigFileProfiles()
        for key in keys.sorted() {
            let parts = key.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
            if parts[0] != "profiles" {
                guard parts.count >= 2 else {
                    throw .profile(nil, key: key, "\(key) in config file \(path) must be a map of fields")
                }
                let value = try jsonValue(provider: provider, key: parts, field: parts.last ?? "", path: path)
                if parts[0] == "video_agent" {
                    result.videoAgent = try inserting(value, at: Array(parts.dropFirst()), into: result.videoAgent, key: key)
                } else {
                    result.translate = try inserting(value, at: Array(parts.dropFirst()), into: result.translate, key: key)
                }
                continue
            }
            guard parts.count >= 3 else {
                throw .profile(
                    nil, key: key, "profiles in config file \(path) must map each profile's name to its settings")
            }
            let name = parts[1]
            guard Settings.Profile.isValidName(name) else {
                throw .profile(
                    name, "the name must be 1 to 64 letters, digits, \"_\" or \"-\" (config file \(path))")
            }
            var entry = result.profiles[name] ?? Entry(name: name)
            let setting = parts[2]
            if maps.contains(setting) {
                guard parts.count >= 4 else {
                    throw .profile(name, key: setting, "\(setting) must be a map of fields (config file \(path))")
                }
                let value = try jsonValue(provider: provider, key: parts, field: parts.last ?? "", path: path)
                let at = Array(parts.dropFirst(3))
                if setting == "video_agent" {
                    entry.videoAgent = try inserting(value, at: at, into: entry.videoAgent, key: key)
                } else {
                    entry.translate = try inserting(value, at: at, into: entry.translate, key: key)
                }
            } else if let spec = SettingsCatalogue.byKey[setting], spec.level == .profile, parts.count == 3 {
                let origin = "config file \(path), profile \(name)"
                guard let text = try? provider.value(forKey: AbsoluteConfigKey(parts), type: .string).value,
                    case .string(let string) = text.content
                else {
                    throw .invalidValue(key: setting, value: "…", origin: origin, requirement: "must be a single value")
                }
                entry.values[setting] = Found(key: setting, value: string, origin: origin, source: .configFile(path))
            } else {
                throw .profile(
                    name, key: setting,
                    "unknown setting \"\(parts.dropFirst(2).joined(separator: "."))\" (config file \(path)); a profile may set "
                        + (profileKeys + maps).joined(separator: ", "))
            }
            result.profiles[name] = entry
        }
        return result
    }

    /// The settings a profile may set, in the catalogue's order.
    static var profileKeys: [String] {
        SettingsCatalogue.all.filter { $0.level == .profile }.map(\.key)
    }

    /// The value at `key`: a list of strings, or a scalar typed as JSON (`true`/`false`, numbers, else text;
    /// always text for the fields in `textFields`).
    private static func jsonValue(
        provider: some ConfigProvider, key: [String], field: String, path: String
    ) throws(SettingsError) -> JSONValue {
        let absolute = AbsoluteConfigKey(key)
        if let found = try? provider.value(forKey: absolute, type: .string).value, case .string(let text) = found.content {
            if textFields.contains(field) { return .string(text) }
            if text == "true" { return .bool(true) }
            if text == "false" { return .bool(false) }
            if let number = Double(text), text.first.map({ $0.isNumber || $0 == "-" }) == true { return .number(number) }
            return .string(text)
        }
        if let found = try? provider.value(forKey: absolute, type: .stringArray).value,
            case .stringArray(let list) = found.content
        {
            return .array(list.map(JSONValue.string))
        }
        throw .profile(nil, key: key.joined(separator: "."), "\(key.joined(separator: ".")) in config file \(path) has a value that cannot be read")
    }

    /// `map` with `value` set at the path `at` (nested maps made as needed).
    private static func inserting(
        _ value: JSONValue, at path: [String], into map: [String: JSONValue]?, key: String
    ) throws(SettingsError) -> [String: JSONValue] {
        var map = map ?? [:]
        guard let first = path.first else { return map }
        if path.count == 1 {
            map[first] = value
            return map
        }
        var inner: [String: JSONValue]? = nil
        if let existing = map[first] {
            guard case .object(let object) = existing else {
                throw .profile(nil, key: key, "\(key) is both a value and a map")
            }
            inner = object
        }
        map[first] = .object(try inserting(value, at: Array(path.dropFirst()), into: inner, key: key))
        return map
    }
}
