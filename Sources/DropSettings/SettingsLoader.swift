import Foundation

#if canImport(Glibc)
import Glibc
import SystemSupport
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads the settings from the command line, the environment and the config file, in that order of
/// precedence, over the built-in defaults, and validates them.
///
/// Every setting, with its config key, flag, environment variable, default and parser, is an entry
/// of `SettingsCatalogue`; `config` (the config file) is taken from flags and environment only.
/// Each group of `Settings` is read through a `ConfigReader` scoped to it (`SettingsReader`).
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
            assert(SettingsCatalogue.byKey[key] != nil, "unknown flag key \(key)")
        }
        let environment = environment.filter { !$0.value.isEmpty }
        var sources = [SettingSource.flags(flags), SettingSource.environment(environment)]
        let configFile = try SettingsConfigFile.path(
            reader: SettingsReader(sources: sources), defaultConfigFile: defaultConfigFile)
        var extras = ConfigFileProfiles()
        if let configFile {
            let (fileSource, found) = try await SettingsConfigFile.source(path: configFile)
            if let fileSource { sources.append(fileSource) }
            extras = found
        }
        var settings = try settings(reader: SettingsReader(sources: sources), environment: environment, configFile: configFile)
        try ProfileBuilder.apply(extras, to: &settings, reader: SettingsReader(sources: sources))
        return settings
    }

    /// Every group read from its scope of `reader`; the API key also from `environment`.
    private static func settings(
        reader: SettingsReader,
        environment: [String: String],
        configFile: String?
    ) throws(SettingsError) -> Settings {
        var settings = Settings()
        settings.folders = try Settings.Folders(reader: reader.scoped(to: .folders))
        settings.retries = try Settings.Retries(reader: reader.scoped(to: .retries))
        settings.video = try Settings.Video(reader: reader.scoped(to: .video))
        settings.intake = try Settings.Intake(reader: reader.scoped(to: .intake))
        settings.work = try Settings.Work(reader: reader.scoped(to: .work))
        settings.retention = try Settings.Retention(reader: reader.scoped(to: .retention))
        settings.log = try Settings.Log(reader: reader.scoped(to: .log))
        settings.spend = try Settings.Spend(reader: reader.scoped(to: .spend))
        settings.operations = try Settings.Operations(reader: reader.scoped(to: .operations))
        settings.outputs = try Settings.Outputs(reader: reader.scoped(to: .outputs))
        settings.api = try Settings.API(reader: reader.scoped(to: .api), environment: environment)
        settings.queue = try Settings.Queue(reader: reader.scoped(to: .queue), environment: environment)
        settings.configFile = configFile
        return settings
    }

    // MARK: - Files and paths

    /// `path` made absolute against the current directory, with `.` components, repeated and
    /// trailing slashes removed (`..` is kept: it is only meaningful once symlinks are resolved).
    static func absolutePath(_ path: String) -> String {
        let full = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        let components = full.split(separator: "/", omittingEmptySubsequences: true).filter { $0 != "." }
        return "/" + components.joined(separator: "/")
    }

    /// Why a file could not be read: its errno.
    struct ReadFailure: Error {
        var number: Int32
        var message: String { errnoText(number) }
    }

    /// The whole content of the file at `path` (at most 16 MiB), or the errno of the failure.
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
