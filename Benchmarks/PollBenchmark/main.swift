// poll-benchmark [ENTRIES] [FOLDER]
// Measures the CPU time of one poll scan of an inbox holding ENTRIES files (default 100,000): the start-up
// scan (every entry new), the scan that reports them all, and a steady scan (every entry reported and
// unchanged: the daemon's every poll interval with a backlog). FOLDER (default: a new temporary folder) is
// where the entries are made, e.g. on an NFS mount; it is emptied of them afterwards.
import Foundation
import Glibc
import InboxWatcher
import Logging

let arguments = CommandLine.arguments
let entryCount = arguments.count > 1 ? Int(arguments[1]) ?? 100_000 : 100_000
let parent = arguments.count > 2 ? arguments[2] : FileManager.default.temporaryDirectory.path
let inbox = parent + "/poll-benchmark-\(UUID().uuidString)"
try FileManager.default.createDirectory(atPath: inbox, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(atPath: inbox) }

for index in 0..<entryCount {
    let fd = open(inbox + "/scan-\(index).pdf", O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
    precondition(fd >= 0, "cannot create entry \(index): errno \(errno)")
    close(fd)
}

/// CPU time (user + system) of the calling thread, in seconds.
func threadCPUSeconds() -> Double {
    var now = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now)
    return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
}

/// Peak resident set size of the process, in MiB.
func peakRSSMiB() -> Double {
    var usage = rusage()
    getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
    return Double(usage.ru_maxrss) / 1024
}

let logger = Logger(label: "poll-benchmark", factory: { _ in SwiftLogNoOpLogHandler() })
guard let probe = PollScanProbe(inbox: inbox, settle: .zero, logger: logger) else {
    fatalError("cannot make the scan probe")
}

/// Runs one scan; its CPU seconds.
func timedScan() -> Double {
    let before = threadCPUSeconds()
    precondition(probe.scan(), "the scan could not list the inbox")
    return threadCPUSeconds() - before
}

let startup = timedScan()
precondition(probe.pendingCount == entryCount, "pending \(probe.pendingCount) of \(entryCount)")
let reporting = timedScan()
precondition(probe.reportedCount == entryCount, "reported \(probe.reportedCount) of \(entryCount)")
let steady = (0..<5).map { _ in timedScan() }.sorted()[2]
precondition(probe.reportedCount == entryCount && probe.pendingCount == 0, "a steady scan changed something")

func format(_ seconds: Double) -> String { String(format: "%.3f s", seconds) }
print("poll scan of \(entryCount) entries (CPU): start-up \(format(startup)), reporting all \(format(reporting)), steady \(format(steady)) (median of 5); peak RSS \(String(format: "%.0f", peakRSSMiB())) MiB")
