import ArgumentParser
import DropLogging
import DropOperator
import DropPipeline
import DropService
import DropSettings
import DropQueue
import Foundation

/// `heygen-dropd retry`: puts failed jobs back in the queue, their sources back in the inbox.
struct RetryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retry",
        abstract: "Put failed jobs back in the queue; their sources come back from failed/ into the inbox.",
        discussion: "Safe while the daemon runs. Exits 1 when a job could not be retried.")

    @Argument(help: ArgumentHelp("Ids of failed jobs (see `heygen-dropd jobs --state failed`).", valueName: "job-id"))
    var jobIDs: [String] = []

    @Flag(name: .customLong("all-failed"), help: "Retry every failed job (the newest of each name).")
    var allFailed = false

    @Option(
        name: .customLong("profile"),
        help: ArgumentHelp("With --all-failed: only the failed jobs of this profile.", valueName: "profile"))
    var profile: String?

    @OptionGroup var settingsOptions: SettingsOptions

    func run() async throws {
        try await reportingFailure {
            let ids = try parsedIDs()
            let allFailed = self.allFailed
            let profile = self.profile
            let reports = try await OperatorCommand.withQueue(settingsOptions) { settings, queue in
                let retry = FailedJobRetry(queue: queue, settings: settings)
                if allFailed { return try await retry.retryAllFailed(profile: profile) }
                var reports: [FailedJobRetry.Report] = []
                for id in ids { reports.append(try await retry.retry(id)) }
                return reports
            }
            if reports.isEmpty {
                OperatorCommand.print("no failed jobs")
            }
            var ok = true
            for report in reports {
                switch report.outcome {
                case .retried:
                    OperatorCommand.print(report.line)
                case .skipped where allFailed:
                    OperatorCommand.print(report.line)
                case .skipped, .refused:
                    OperatorCommand.printError(report.line)
                    ok = false
                }
            }
            if !ok { throw ExitCode(1) }
        }
    }

    /// The job ids given, or none with `--all-failed`; one clear error for anything else.
    private func parsedIDs() throws -> [JobID] {
        switch (allFailed, jobIDs.isEmpty) {
        case (true, false): throw OperatorError("give job ids or --all-failed, not both")
        case (false, true): throw OperatorError("give the ids of the failed jobs to retry, or --all-failed")
        case (false, false) where profile != nil: throw OperatorError("--profile goes with --all-failed, not with job ids")
        default: break
        }
        return try jobIDs.map { text in
            guard let raw = Int64(text), raw > 0 else { throw OperatorError("not a job id: \"\(text)\"") }
            return JobID(raw)
        }
    }
}
