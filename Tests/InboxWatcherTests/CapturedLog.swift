import Logging
import Synchronization

/// Collects every log message, for counting what the watcher said.
final class CapturedLog: Sendable {
    let messages = Mutex<[String]>([])

    var logger: Logger {
        var logger = Logger(label: "capture") { _ in CapturingHandler(log: self) }
        logger.logLevel = .debug
        return logger
    }

    func count(containing text: String) -> Int {
        messages.withLock { $0.filter { $0.contains(text) }.count }
    }
}

struct CapturingHandler: LogHandler {
    let log: CapturedLog
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .debug

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        log.messages.withLock { $0.append("\(event.message)") }
    }
}

/// Set once the watcher is ready.
final class ReadyFlag: Sendable {
    let value = Atomic<Bool>(false)
}
