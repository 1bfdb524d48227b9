import Foundation
import Testing

@testable import DropDemo
@testable import DropLogging
@testable import DropOperator
@testable import DropPipeline
@testable import DropService
@testable import DropSettings

/// The README's settings table and `SettingsCatalogue` agree.
@Suite(.timeLimit(.minutes(5))) struct SettingsReadmeTableTests {
    /// The rows of the table under `## Settings` in this package's README, as cells.
    static func tableRows() throws -> [[String]] {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }  // file, DropDaemonTests, Tests
        let readme = try String(contentsOf: url.appendingPathComponent("README.md"), encoding: .utf8)
        let section = try #require(readme.components(separatedBy: "\n## Settings\n").dropFirst().first)
        let lines = section.split(separator: "\n", omittingEmptySubsequences: false)
            .drop { !$0.hasPrefix("|") }
            .prefix { $0.hasPrefix("|") }
        return lines.dropFirst(2).map { line in
            line.replacingOccurrences(of: "\\|", with: "¦").split(separator: "|").map {
                $0.trimmingCharacters(in: .whitespaces)
            }
        }
    }

    @Test func everyEntryHasARowWithItsFlagEnvironmentAndDefault() throws {
        let rows = try Self.tableRows()
        #expect(rows.count == SettingsCatalogue.all.count)
        for spec in SettingsCatalogue.all {
            let row = rows.first { $0.count == 4 && ($0[1].contains("`\(spec.flag)`") || $0[1].contains("`\(spec.flag) ")) }
            guard let row else {
                Issue.record("no row for \(spec.flag)")
                continue
            }
            #expect(row[2].contains("`\(spec.environment)`"), "\(spec.environment) in the row of \(spec.flag)")
            if let defaultText = spec.defaultText {
                #expect(row[3].hasPrefix(defaultText) || row[3].hasPrefix("`\(defaultText)`"), "default of \(spec.flag)")
            }
        }
    }

    @Test func everyFlagInTheTableIsASetting() throws {
        let known = Set(SettingsCatalogue.all.map(\.flag))
        for row in try Self.tableRows() {
            let flags = row[1].split(separator: "`").filter { $0.hasPrefix("--") }.map { String($0.split(separator: " ")[0]) }
            #expect(flags.count == 1, "one flag per row: \(row[1])")
            #expect(flags.allSatisfy(known.contains), "\(flags) are settings")
        }
    }
}
