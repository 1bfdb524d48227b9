import Foundation
import Testing
import TestSupport

@testable import DropDemo
@testable import DropLogging
@testable import DropOperator
@testable import DropPipeline
@testable import DropService
@testable import DropSettings

@Suite(.timeLimit(.minutes(5))) struct SettingsShippedConfigTests {
    /// `etc/heygen-dropd/config.yaml` of this package.
    static let shippedConfig: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }  // file, DropDaemonTests, Tests
        return url.appendingPathComponent("etc/heygen-dropd/config.yaml").path
    }()

    @Test func shippedConfigParsesToTheDefaults() async throws {
        let settings = try await loadSettings(flags: ["config": Self.shippedConfig])
        var expected = Settings()
        expected.configFile = Self.shippedConfig
        #expect(settings == expected)
    }

    /// Every `#key: value` line, uncommented, must still give the defaults: the documented defaults are right.
    @Test func shippedConfigUncommentedStillGivesTheDefaults() async throws {
        let text = try String(contentsOfFile: Self.shippedConfig, encoding: .utf8)
        var settingLines = 0
        let uncommented = text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> Substring in
            guard line.hasPrefix("#"), let first = line.dropFirst().first, first.isLetter else { return line }
            settingLines += 1
            return line.dropFirst()
        }.joined(separator: "\n")
        #expect(settingLines == 31)
        try await withTemporaryDirectory { dir in
            let file = dir.file("config.yaml")
            try writeFile(file, uncommented)
            let settings = try await loadSettings(flags: ["config": file])
            var expected = Settings()
            expected.configFile = file
            #expect(settings == expected)
        }
    }

    /// Every catalogue entry the config file may hold is there with its default (commented out) and
    /// its flag and variable; no other setting is.
    @Test func shippedConfigListsEveryCatalogueEntry() throws {
        let text = try String(contentsOfFile: Self.shippedConfig, encoding: .utf8)
        let lines = text.split(separator: "\n").map(String.init)
        for spec in SettingsCatalogue.all where spec.inConfigFile {
            if let defaultText = spec.defaultText {
                #expect(lines.contains("#\(spec.key): \(defaultText)"), "#\(spec.key): \(defaultText)")
            } else {
                #expect(lines.contains { $0.contains("\(spec.key): ") }, "an example of \(spec.key)")
            }
            #expect(text.contains("(\(spec.flag), \(spec.environment))"), "(\(spec.flag), \(spec.environment))")
        }
        // `#key: value` lines, as `shippedConfigUncommentedStillGivesTheDefaults` uncomments them.
        let settingLines = lines.filter { $0.hasPrefix("#") && $0.dropFirst().first?.isLetter == true }
        let listed = Set(settingLines.compactMap { $0.dropFirst().split(separator: ":").first.map(String.init) })
        #expect(listed == Set(SettingsCatalogue.all.filter { $0.inConfigFile && $0.defaultText != nil }.map(\.key)))
    }
}
