import DropQueue
import Foundation
import Logging
import Synchronization
import TestSupport
import Testing

@testable import DropDemo
@testable import DropLogging
@testable import DropOperator
@testable import DropPipeline
@testable import DropService
@testable import DropSettings

#if canImport(Glibc)
import Glibc
#endif

/// `renameat2(…, RENAME_EXCHANGE)`: swaps two names atomically (looked up by name; Swift's Glibc lacks it).
enum RenameExchange {
    private typealias Function = @convention(c) (Int32, UnsafePointer<CChar>, Int32, UnsafePointer<CChar>, UInt32) -> Int32
    private static let function: Function? = dlsym(nil, "renameat2").map {
        unsafeBitCast($0, to: Function.self)
    }

    /// True when the C library offers it.
    static var isAvailable: Bool { function != nil }

    /// Swaps the entries at `a` and `b`; false when that failed.
    @discardableResult
    static func exchange(_ a: String, _ b: String) -> Bool {
        function?(AT_FDCWD, a, AT_FDCWD, b, 2) == 0
    }
}

/// A thread of its own, at the lowest priority, that swaps pairs of names as fast as it can until stopped.
final class Swapper: Sendable {
    private let stopping = Atomic<Bool>(false)
    private let finished = Atomic<Bool>(false)
    private let count = Atomic<Int>(0)

    /// Starts swapping each pair of `pairs` in turn.
    init(pairs: [(String, String)]) {
        let thread = Thread { [self] in
            // The lowest priority: it swaps as fast as an idle core allows, never slowing the tests around it.
            var parameters = sched_param()
            _ = sched_setscheduler(0, 5, &parameters)  // SCHED_IDLE, for the calling thread
            while !stopping.load(ordering: .relaxed) {
                for (a, b) in pairs where RenameExchange.exchange(a, b) {
                    count.add(1, ordering: .relaxed)
                }
            }
            finished.store(true, ordering: .releasing)
        }
        thread.start()
    }

    /// Stops the loop and waits for the thread to leave it; returns how many swaps it made.
    func stop() async throws -> Int {
        stopping.store(true, ordering: .relaxed)
        while !finished.load(ordering: .acquiring) {
            try await Task.sleep(for: .milliseconds(5))
        }
        return count.load(ordering: .relaxed)
    }
}

/// Runs `action` on a thread of its own the first time `path` is opened (inotify `IN_OPEN`).
final class OnFirstOpen: Sendable {
    private let done = Atomic<Bool>(false)

    /// Watches `path`; returns once the watch is in place.
    init(_ path: String, action: @escaping @Sendable () -> Void) throws {
        let fd = inotify_init1(Int32(IN_CLOEXEC))
        guard fd >= 0, inotify_add_watch(fd, path, UInt32(IN_OPEN)) >= 0 else {
            throw HarnessError("cannot watch \(path)")
        }
        let thread = Thread { [self] in
            var buffer = [UInt8](repeating: 0, count: 4096)
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count > 0 {
                action()
                done.store(true, ordering: .releasing)
            }
            close(fd)
        }
        thread.start()
    }

    /// True once the open was seen and the action ran.
    var fired: Bool { done.load(ordering: .acquiring) }
}

extension DaemonHarness {
    /// The daemon's queue database, opened alongside it.
    func openQueue() throws -> JobQueue {
        try JobQueue(path: "\(state)/queue.sqlite3", logger: Logger(label: "test-queue"))
    }

    /// The results of the finished jobs for `name`, oldest first, as written (checked against the schema).
    func finishedResults(for name: String) throws -> [ResultFile] {
        let queue = try openQueue()
        let jobs = try queue.jobs(state: nil, limit: 500).filter { $0.sourceName == name && $0.state.isActive == false }
        return try jobs.sorted { $0.id.rawValue < $1.id.rawValue }.compactMap { job in
            guard let result = (try? JobProgress.decode(job.progress))?.finish?.result else { return nil }
            let path = root.file("result-\(job.id.rawValue).json")
            try result.jsonData().write(to: URL(fileURLWithPath: path))
            return try ResultFile(path: path)
        }
    }

    /// Waits until `condition` holds, failing after `timeout`.
    func wait(for what: String, timeout: Duration = .seconds(30), _ condition: () throws -> Bool) async throws {
        let deadline = ContinuousClock.now + timeout
        while try !condition() {
            if ContinuousClock.now > deadline { throw HarnessError("timed out waiting for \(what)") }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    /// Every byte the daemon left behind that could carry a secret: results, database files, the given logs.
    func everythingWritten(logs: [DaemonProcess]) -> [(String, Data)] {
        var out: [(String, Data)] = []
        for folder in [outbox, state] {
            for file in list(folder) {
                out.append(("\(folder)/\(file)", (try? Data(contentsOf: URL(fileURLWithPath: "\(folder)/\(file)"))) ?? Data()))
            }
        }
        for daemon in logs { out.append((daemon.log, Data(daemon.logText.utf8))) }
        return out
    }

    /// Number of POST /v3/assets the simulator answered so far.
    var assetPosts: Int { simulator.stats.requests["POST /v3/assets"] ?? 0 }
}

/// A 20 GB hole: larger than any upload, costs no disk.
let twentyGB: off_t = 20 * 1024 * 1024 * 1024
