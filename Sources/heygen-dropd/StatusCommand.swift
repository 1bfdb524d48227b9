import ArgumentParser

/// `heygen-dropd status` (being built).
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "status", abstract: "Not available yet.")
    @OptionGroup var settingsOptions: SettingsOptions
    func run() async throws {
        throw ValidationError("status is not available yet")
    }
}
