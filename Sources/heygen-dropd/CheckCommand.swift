import ArgumentParser
import DropOperator
import DropPipeline
import DropService
import DropSettings
import Foundation
import HeyGenAPI
import Logging

/// `heygen-dropd check`: the set-up, one line per check, and exit 1 when one fails.
struct CheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check the set-up (settings, folders, inotify, database, disk, API key, clock) and say what to fix.",
        discussion: "One line per check: OK, WARN or FAIL and what to do. Exits 1 when a check fails.")

    @OptionGroup var settingsOptions: SettingsOptions
    @OptionGroup var watcherOptions: WatcherOptions

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let settings: Settings
        do {
            settings = try await SettingsLoader.load(flags: settingsOptions.flagValues(with: watcherOptions), environment: environment)
        } catch {
            OperatorCommand.print(SetupCheck.Line(.fail, "settings", "\(error)").text)
            throw ExitCode(1)
        }
        bootstrapLogging(format: settings.logFormat, level: .error, environment: environment)
        let logger = Logger(label: "heygen-dropd")
        let source = settings.configFile.map { "read (config file \($0))" } ?? "read (no config file)"
        var lines = [SetupCheck.Line(.ok, "settings", source)]
        let check = SetupCheck(settings: settings, minFreeBytes: settings.minFreeDiskBytes, logger: logger)
        lines += check.localLines()
        for line in lines { OperatorCommand.print(line.text) }
        let keyLine: SetupCheck.Line
        if let key = settings.apiKey {
            let httpClient = HeyGenClient.makeHTTPClient()
            let client = HeyGenClient(
                configuration: .init(baseURL: settings.apiBaseURL, apiKey: key.value, userAgent: Version.userAgent),
                httpClient: httpClient, logger: logger)
            keyLine = await check.keyLine(client: client)
            try? await httpClient.shutdown()
        } else {
            keyLine = await check.keyLine(client: nil)
        }
        OperatorCommand.print(keyLine.text)
        lines.append(keyLine)
        if lines.contains(where: { $0.verdict == .fail }) { throw ExitCode(1) }
    }
}
