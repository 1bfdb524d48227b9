import ArgumentParser
import DropLogging
import DropOperator
import DropPipeline
import DropService
import DropSettings

/// `heygen-dropd`: turns a folder into a HeyGen upload queue.
@main
struct HeygenDropd: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "heygen-dropd",
        abstract: "Turns a folder into a HeyGen upload queue.",
        version: Version.number,
        subcommands: [
            RunCommand.self, StatusCommand.self, JobsCommand.self, RetryCommand.self, CheckCommand.self, DemoCommand.self,
            SimulateCommand.self,
        ]
    )
}
