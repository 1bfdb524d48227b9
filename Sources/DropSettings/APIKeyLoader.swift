import Configuration

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Finds the API key: in the `api_key_file`, else `HEYGEN_API_KEY`, else the systemd credential
/// `heygen-api-key` in `$CREDENTIALS_DIRECTORY`. Surrounding whitespace is trimmed; what remains must
/// be non-empty visible ASCII (it goes into an HTTP header). The key never appears in an error.
enum APIKeyLoader {
    /// The key, or nil when none is set anywhere (not an error here: `status` and `jobs` need none).
    /// `keyFile` is the `api_key_file` as found; one named only in the config file gives way to
    /// `HEYGEN_API_KEY` (flags and environment outrank the config file). `environment` has no empty values.
    /// - Throws: `SettingsError` for an unreadable key file or credential, or an unusable key.
    static func load(keyFile: Found?, environment: [String: String]) throws(SettingsError) -> APIKey? {
        let provider = EnvironmentVariablesProvider(
            environmentVariables: environment,
            secretsSpecifier: .specific([SettingsCatalogue.apiKeyEnvironment]))
        let environmentKey = ConfigReader(provider: provider)
            .string(forKey: ConfigKey([SettingsCatalogue.apiKeyEnvironment]), isSecret: true)
        var fromConfigFile: Bool {
            if case .configFile = keyFile?.source { return true }
            return false
        }
        if let keyFile, !(fromConfigFile && environmentKey != nil) {
            let path = try SettingParser<String>.file.parse(keyFile)
            switch SettingsLoader.readFile(path) {
            case .success(let bytes):
                return try validatedKey(bytes, source: "file \(path) (from \(keyFile.origin))")
            case .failure(let reason):
                throw .apiKeyFileUnreadable(path: path, reason: reason.message)
            }
        }
        if let value = environmentKey {
            return try validatedKey(Array(value.utf8), source: SettingsCatalogue.apiKeyEnvironment)
        }
        if let directory = environment["CREDENTIALS_DIRECTORY"] {
            let path = directory.hasSuffix("/") ? directory + "heygen-api-key" : directory + "/heygen-api-key"
            switch SettingsLoader.readFile(path) {
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

    /// The key with surrounding whitespace removed; it must be non-empty visible ASCII.
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
}
