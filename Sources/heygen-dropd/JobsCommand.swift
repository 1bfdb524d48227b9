import ArgumentParser
import DropLogging
import DropOperator
import DropPipeline
import DropService
import DropSettings
import Foundation

/// `heygen-dropd jobs`: one line per job, newest first.
struct JobsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "jobs", abstract: "List jobs, newest first: id, state, stage, kind, attempts, name, last error.")

    @Option(
        name: .customLong("state"),
        help: ArgumentHelp("Only jobs in this state: queued, waiting_video, succeeded or failed.", valueName: "state"))
    var state: String?

    @Option(
        name: .customLong("limit"),
        help: ArgumentHelp("At most this many jobs (default \(JobListing.defaultLimit)).", valueName: "n"))
    var limit: String?

    @Option(
        name: .customLong("profile"),
        help: ArgumentHelp("Only jobs of this profile (watched inbox).", valueName: "profile"))
    var profile: String?

    @Flag(help: "Print one JSON object (for scripts).") var json = false
    @OptionGroup var settingsOptions: SettingsOptions

    func run() async throws {
        try await reportingFailure {
            let state = try JobListing.state(parsing: self.state)
            let limit = try JobListing.limit(parsing: self.limit)
            let listing = try await OperatorCommand.withQueue(settingsOptions) { _, queue in
                try await JobListing.read(queue: queue, state: state, limit: limit, profile: profile)
            }
            OperatorCommand.write(json ? listing.jsonData() : Data((listing.text() + "\n").utf8))
        }
    }
}
