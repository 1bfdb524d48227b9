import DropLogging
import DropOperator
import DropPipeline
import DropService
import DropSettings
import Logging

/// Installs the process-wide logging backend: every `Logger` writes `format` lines at `level` and above
/// to stderr, one `write(2)` per line, in journal mode when stderr is the journal. Called once per
/// process, by each command, before any `Logger` is made.
func bootstrapLogging(format: LogFormat, level: Logger.Level, environment: [String: String]) {
    let journal = LogFormat.standardErrorIsJournal(environment: environment)
    LoggingSystem.bootstrap { label in
        format.makeHandler(label: label, level: level, journal: journal, write: LogFormat.writeToStandardError)
    }
}
