import ArgumentParser

/// `heygen-dropd demo` (being built).
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "demo", abstract: "Not available yet.")
    @OptionGroup var settingsOptions: SettingsOptions
    func run() async throws {
        throw ValidationError("demo is not available yet")
    }
}
