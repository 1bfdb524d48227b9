// queue-crash-helper DBPATH COUNT
// Opens the queue, claims COUNT jobs under a one-hour lease as "crash-helper", prints "claimed N",
// then waits forever, for the crash test to kill it with SIGKILL while it holds the jobs.
import DropQueue
import Logging

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes `text` straight to a file descriptor (unbuffered, so it is out before the process is killed).
func emit(_ text: String, to descriptor: Int32) {
    var text = text
    text.withUTF8 { bytes in _ = write(descriptor, bytes.baseAddress, bytes.count) }
}

func fail(_ message: String) -> Never {
    emit("queue-crash-helper: \(message)\n", to: STDERR_FILENO)
    exit(1)
}

let arguments = CommandLine.arguments
guard arguments.count == 3, let count = Int(arguments[2]), count >= 0 else {
    fail("usage: queue-crash-helper DBPATH COUNT")
}

do {
    let logger = Logger(label: "queue-crash-helper", factory: { _ in SwiftLogNoOpLogHandler() })
    let queue = try JobQueue(path: arguments[1], logger: logger)
    var claimed = 0
    while claimed < count {
        let jobs = try queue.claim(owner: "crash-helper", lease: .seconds(3600), limit: min(count - claimed, 500))
        if jobs.isEmpty { break }
        claimed += jobs.count
    }
    emit("claimed \(claimed)\n", to: STDOUT_FILENO)
    while true { pause() }
} catch {
    fail("\(error)")
}
