import Foundation
import Testing
import TestSupport

@testable import DropDemo
@testable import DropLogging
@testable import DropOperator
@testable import DropPipeline
@testable import DropService
@testable import DropSettings

@Suite(.timeLimit(.minutes(5))) struct SettingsAPIKeyTests {
    static let secret = "hg-test-9f8e7d6c5b4a"

    @Test func keyFromFileIsTrimmed() async throws {
        try await withTemporaryDirectory { dir in
            let file = dir.file("api-key")
            try writeFile(file, "  \(Self.secret)\n\n")
            let fromFlag = try await loadSettings(flags: ["api_key_file": file])
            #expect(fromFlag.apiKey?.value == Self.secret)
            #expect(fromFlag.apiKey?.source == "file \(file) (from --api-key-file)")

            let fromEnvironment = try await loadSettings(environment: ["HEYGEN_DROPD_API_KEY_FILE": file])
            #expect(fromEnvironment.apiKey?.value == Self.secret)

            let config = dir.file("config.yaml")
            try writeFile(config, "api_key_file: \(file)\n")
            let fromConfig = try await loadSettings(flags: ["config": config])
            #expect(fromConfig.apiKey?.value == Self.secret)
            #expect(fromConfig.apiKey?.source == "file \(file) (from config file \(config))")
        }
    }

    @Test func keyFromEnvironmentIsTrimmed() async throws {
        let settings = try await loadSettings(environment: ["HEYGEN_API_KEY": "\(Self.secret)\n"])
        #expect(settings.apiKey?.value == Self.secret)
        #expect(settings.apiKey?.source == "HEYGEN_API_KEY")
    }

    @Test func keyFromSystemdCredential() async throws {
        try await withTemporaryDirectory { dir in
            try writeFile(dir.file("heygen-api-key"), "\(Self.secret)\r\n")
            let settings = try await loadSettings(environment: ["CREDENTIALS_DIRECTORY": dir.path])
            #expect(settings.apiKey?.value == Self.secret)
            #expect(settings.apiKey?.source == "systemd credential heygen-api-key")
        }
    }

    @Test func noKeyAnywhereIsNotAnErrorAtLoad() async throws {
        try await withTemporaryDirectory { dir in
            // A credentials directory without our credential is fine too.
            let settings = try await loadSettings(environment: ["CREDENTIALS_DIRECTORY": dir.path, "HEYGEN_API_KEY": ""])
            #expect(settings.apiKey == nil)
        }
    }

    @Test func keyFileBeatsEnvironmentBeatsCredential() async throws {
        try await withTemporaryDirectory { dir in
            try writeFile(dir.file("heygen-api-key"), "from-credential")
            try writeFile(dir.file("key-file"), "from-file")
            let all = try await loadSettings(
                flags: ["api_key_file": dir.file("key-file")],
                environment: ["HEYGEN_API_KEY": "from-environment", "CREDENTIALS_DIRECTORY": dir.path])
            #expect(all.apiKey?.value == "from-file")
            let noFile = try await loadSettings(
                environment: ["HEYGEN_API_KEY": "from-environment", "CREDENTIALS_DIRECTORY": dir.path])
            #expect(noFile.apiKey?.value == "from-environment")
            // A key file named only in the config file gives way to the environment's key.
            let config = dir.file("config.yaml")
            try writeFile(config, "api_key_file: \(dir.file("key-file"))\n")
            let configFile = try await loadSettings(
                flags: ["config": config], environment: ["HEYGEN_API_KEY": "from-environment"])
            #expect(configFile.apiKey?.value == "from-environment")
        }
    }

    @Test func unreadableKeyFile() async throws {
        try await withTemporaryDirectory { dir in
            let missing = dir.file("nope")
            let error = try await settingsError { try await loadSettings(flags: ["api_key_file": missing]) }
            #expect(error.description == "cannot read API key file \(missing): No such file or directory")
            #expect(error.setting == "api_key_file")
        }
    }

    @Test func unusableKeysAreRefusedWithoutShowingThem() async throws {
        try await withTemporaryDirectory { dir in
            let file = dir.file("key")
            try writeFile(file, " \n\t\n")
            let empty = try await settingsError { try await loadSettings(flags: ["api_key_file": file]) }
            #expect(empty.description == "unusable API key from file \(file) (from --api-key-file): it is empty")

            try writeFile(file, "\(Self.secret) \(Self.secret)\n")
            let spaced = try await settingsError { try await loadSettings(flags: ["api_key_file": file]) }
            #expect(spaced.description == "unusable API key from file \(file) (from --api-key-file): it contains spaces, control or non-ASCII characters")
            #expect(!spaced.description.contains(Self.secret))

            let controlInEnvironment = try await settingsError {
                try await loadSettings(environment: ["HEYGEN_API_KEY": "\(Self.secret)\u{7}x"])
            }
            #expect(controlInEnvironment.description.hasPrefix("unusable API key from HEYGEN_API_KEY: "))
            #expect(!controlInEnvironment.description.contains(Self.secret))
        }
    }

    @Test func keyNeverShowsInDescriptionsOrDumps() async throws {
        let settings = try await loadSettings(environment: ["HEYGEN_API_KEY": Self.secret])
        let key = try #require(settings.apiKey)
        #expect(key.value == Self.secret)

        var dumped = ""
        dump(settings, to: &dumped)
        var dumpedKey = ""
        dump(key, to: &dumpedKey)
        let renderings = [
            "\(key)", String(describing: key), String(reflecting: key), dumpedKey,
            "\(settings)", String(describing: settings), String(reflecting: settings), dumped,
            String(describing: Optional(key)),
        ]
        for rendering in renderings {
            #expect(!rendering.contains(Self.secret), "key leaked in: \(rendering)")
        }
        #expect(key.description == "<redacted>")
        #expect(key.debugDescription == "<redacted>")
        #expect(dumped.contains("<redacted>"))
    }

    @Test func keyNeverInErrorsOfOtherSettings() async throws {
        // A bad setting next to a good key: the message names the setting, never the key.
        let error = try await settingsError {
            try await loadSettings(flags: ["workers": "x"], environment: ["HEYGEN_API_KEY": Self.secret])
        }
        #expect(!error.description.contains(Self.secret))
    }
}
