import ArgumentParser

/// `heygen-dropd jobs` (being built).
struct JobsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "jobs", abstract: "Not available yet.")
    @OptionGroup var settingsOptions: SettingsOptions
    func run() async throws {
        throw ValidationError("jobs is not available yet")
    }
}
