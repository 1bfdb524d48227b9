import ArgumentParser

/// `heygen-dropd retry` (being built).
struct RetryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "retry", abstract: "Not available yet.")
    @OptionGroup var settingsOptions: SettingsOptions
    func run() async throws {
        throw ValidationError("retry is not available yet")
    }
}
